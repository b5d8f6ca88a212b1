from django.shortcuts import render
from django.views.decorators.http import require_safe

from panel.queries import open_items_for_dashboard
from riskregister import access
from riskregister.dashboard import dashboard, landing_links


@require_safe
def home(request):
    """SMT editors get their dashboard; every other role a start page of what it may do."""
    context = {"links": landing_links(request.user), "dashboard": None,
               "panel_items": open_items_for_dashboard(request.user)}
    if access.can(request.user, "edit_register"):
        context["dashboard"] = dashboard(request.user)
    return render(request, "home.html", context)
