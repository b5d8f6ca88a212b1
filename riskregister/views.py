from django.shortcuts import render
from django.views.decorators.http import require_safe

from riskregister import access


@require_safe
def home(request):
    """Start page: points each role at what it may do."""
    return render(request, "home.html", {"caps": access.capabilities(request.user)})
