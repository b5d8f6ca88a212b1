from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from panel.models import PanelItem


@admin.register(PanelItem)
class PanelItemAdmin(SimpleHistoryAdmin):
    """Read-mostly: questions and actions are written through the site's pages, which keep
    a reason and a version; the admin shows them and their history."""

    list_display = ("__str__", "status", "owner", "restricted")
    list_filter = ("status", "kind", "restricted")
    readonly_fields = [field.name for field in PanelItem._meta.fields] + ["risks"]

    def has_add_permission(self, request):
        return False
