"""The panel's records in the admin.

Questions and actions, deep dives and partner links are written through the site's
pages, which keep a reason (and, for an item, a version): here they are read-only,
with their history (no add, change, delete or revert). Partners and their register
entries are reference data kept here: every save, revert or delete asks for a reason
and keeps it, with the acting user, on the revision (riskregister.admin_tracking)."""

from django.contrib import admin

from panel.models import Alignment, DeepDive, PanelItem, Partner, PartnerRisk
from riskregister.admin_tracking import ReadOnlyTrackedAdmin, TrackedAdmin


@admin.register(PanelItem)
class PanelItemAdmin(ReadOnlyTrackedAdmin):
    list_display = ("__str__", "status", "owner", "restricted")
    list_filter = ("status", "kind", "restricted")


@admin.register(DeepDive)
class DeepDiveAdmin(ReadOnlyTrackedAdmin):
    list_display = ("__str__", "requested_by")


@admin.register(Partner)
class PartnerAdmin(TrackedAdmin):
    """Reference data: the partner organisations whose registers our risks align with."""

    search_fields = ("name",)


@admin.register(PartnerRisk)
class PartnerRiskAdmin(TrackedAdmin):
    list_display = ("partner", "ref", "title", "rating")
    list_filter = ("partner",)


@admin.register(Alignment)
class AlignmentAdmin(ReadOnlyTrackedAdmin):
    list_display = ("__str__",)
