from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from riskregister import access
from risks.models import Risk


def get_risk_for_user(user, pk, *, edit=False):
    """The risk, if this user may see it (or change it, with edit=True); else 403/404."""
    access.require(user, "edit_register" if edit else "view_register")
    return get_object_or_404(Risk.objects.with_owners(), pk=pk)


@require_safe
def detail(request, pk):
    risk = get_risk_for_user(request.user, pk)
    return render(request, "risks/detail.html", {"risk": risk})
