"""The organisation's settings in the admin: read-only, with their history.

They are changed in the settings pages (/settings/) only: the score bands are checked as
a set there (every score in exactly one band), keys are made once and never change, and
a lever, category or level in use is retired rather than deleted; the admin's per-row
forms could break each of these."""

from django.contrib import admin

from organisation.models import AppetiteLevel, CategoryAppetite, Lever, Organisation, RiskCategory, ScoreBand
from riskregister.admin_tracking import ReadOnlyTrackedAdmin


class ReadOnlySettingAdmin(ReadOnlyTrackedAdmin):
    """No add, change, delete or revert (riskregister.admin_tracking)."""


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlySettingAdmin):
    list_display = ["name", "short_name", "version"]


@admin.register(ScoreBand)
class ScoreBandAdmin(ReadOnlySettingAdmin):
    list_display = ["label", "key", "lowest", "highest", "colour", "pattern", "version"]


@admin.register(Lever, RiskCategory, AppetiteLevel)
class NamedSettingAdmin(ReadOnlySettingAdmin):
    list_display = ["label", "key", "position", "active", "version"]
    list_filter = ["active"]


@admin.register(CategoryAppetite)
class CategoryAppetiteAdmin(ReadOnlySettingAdmin):
    list_display = ["category", "level", "tolerance", "approved_by", "approved_on", "version"]
    list_select_related = ["category", "level"]
