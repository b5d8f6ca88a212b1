from django.shortcuts import render
from django.views.decorators.http import require_safe

from riskregister import access
from risks.models import Risk


@require_safe
def register(request):
    access.require(request.user, "view_register")
    risks = Risk.objects.open()
    return render(request, "risks/register.html", {"risks": risks})
