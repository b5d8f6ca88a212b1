from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from panel.queries import open_items_for_dashboard
from riskregister import access
from riskregister.dashboard import dashboard, landing_links, open_risks, risks_outside_appetite


@require_safe
def home(request):
    """SMT editors get their dashboard; every other role a start page of what it may do."""
    context = {"links": landing_links(request.user), "dashboard": None,
               "panel_items": open_items_for_dashboard(request.user)}
    can_view, can_edit = access.can(request.user, "view_register"), access.can(request.user, "edit_register")
    if can_view or can_edit:
        risks = open_risks()  # read once for every list on the page
        outside = risks_outside_appetite(timezone.localdate(), risks)
        if can_view:
            context["outside_appetite"] = outside
        if can_edit:
            context["dashboard"] = dashboard(request.user, risks, outside)
    return render(request, "home.html", context)
