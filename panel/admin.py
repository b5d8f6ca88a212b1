from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from panel.models import Alignment, DeepDive, PanelItem, Partner, PartnerRisk


@admin.register(PanelItem)
class PanelItemAdmin(SimpleHistoryAdmin):
    """Read-mostly: questions and actions are written through the site's pages, which keep
    a reason and a version; the admin shows them and their history."""

    list_display = ("__str__", "status", "owner", "restricted")
    list_filter = ("status", "kind", "restricted")
    readonly_fields = [field.name for field in PanelItem._meta.fields] + ["risks"]

    def has_add_permission(self, request):
        return False


@admin.register(DeepDive)
class DeepDiveAdmin(SimpleHistoryAdmin):
    """Read-mostly, like the items: scheduled through the site's page, with a reason."""

    list_display = ("__str__", "requested_by")
    readonly_fields = [field.name for field in DeepDive._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    """Reference data: the partner organisations whose registers our risks align with."""

    search_fields = ("name",)


@admin.register(PartnerRisk)
class PartnerRiskAdmin(SimpleHistoryAdmin):
    list_display = ("partner", "ref", "title", "rating")
    list_filter = ("partner",)


@admin.register(Alignment)
class AlignmentAdmin(SimpleHistoryAdmin):
    """Read-mostly: links are made on the risk's partner page, with a reason."""

    list_display = ("__str__",)
    readonly_fields = ("risk", "partner_risk", "note")

    def has_add_permission(self, request):
        return False
