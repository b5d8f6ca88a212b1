from django.contrib import admin

from controls.models import Control
from riskregister.admin_tracking import TrackedAdmin
from risks import services


@admin.register(Control)
class ControlAdmin(TrackedAdmin):
    list_display = ["__str__", "risk", "kind", "lever", "status", "due_date", "position"]
    list_filter = ["kind", "lever", "status"]
    search_fields = ["name", "description"]
    list_select_related = ["risk"]

    # A control belongs to its risk's edit page too: moving the risk's version on
    # makes any edit form opened before this admin change a conflict, not an overwrite.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.update_risk(risk_id=obj.risk_id, expected_version=None, user=request.user,
                             reason=obj._change_reason)

    def delete_model(self, request, obj):
        risk_id = obj.risk_id
        super().delete_model(request, obj)
        services.update_risk(risk_id=risk_id, expected_version=None, user=request.user,
                             reason="Control deleted in the admin")
