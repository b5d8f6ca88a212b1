from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from panel.queries import open_items_for_dashboard
from riskregister import access
from riskregister.dashboard import dashboard, landing_links, risks_outside_appetite


@require_safe
def home(request):
    """SMT editors get their dashboard; every other role a start page of what it may do."""
    context = {"links": landing_links(request.user), "dashboard": None,
               "panel_items": open_items_for_dashboard(request.user)}
    if access.can(request.user, "view_register"):
        context["outside_appetite"] = risks_outside_appetite(timezone.localdate())
    if access.can(request.user, "edit_register"):
        context["dashboard"] = dashboard(request.user)
    return render(request, "home.html", context)
