from django.contrib import admin

from controls.models import Control
from riskregister.admin_tracking import TrackedAdmin


@admin.register(Control)
class ControlAdmin(TrackedAdmin):
    list_display = ["__str__", "risk", "kind", "lever", "status", "due_date", "position"]
    list_filter = ["kind", "lever", "status"]
    search_fields = ["name", "description"]
    list_select_related = ["risk"]
    # A control belongs to its risk's edit page too: saving one here locks the risk
    # first and moves its version on, so an edit form opened before is a conflict.
    version_from = "risk"
