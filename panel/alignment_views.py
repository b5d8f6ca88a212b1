"""A risk's partner alignment (/panel/risks/<risk>/partners/): SMT editors keep it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from panel import services
from panel.forms import AlignmentForm, RemoveAlignmentForm
from panel.models import Alignment
from panel.views import add_errors
from riskregister import access
from risks.models import Risk


@require_http_methods(["GET", "HEAD", "POST"])
def risk_partners(request, risk):
    access.require(request.user, "edit_register")
    risk = get_object_or_404(Risk, pk=risk)
    form = AlignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_partner_risk(risk=risk, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The partner risk was linked.")
            return redirect("panel:risk_partners", risk=risk.pk)
    return render(request, "panel/partners.html", {
        "risk": risk, "form": form,
        "alignments": list(risk.alignments.select_related("partner_risk__partner")),
    })


@require_POST
def remove_alignment(request, pk):
    access.require(request.user, "edit_register")
    alignment = get_object_or_404(Alignment.objects.select_related("risk"), pk=pk)
    form = RemoveAlignmentForm(request.POST)
    if form.is_valid():
        services.unlink_partner_risk(alignment=alignment, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "The link was removed.")
    else:
        messages.error(request, "Give a reason for removing the link.")
    return redirect("panel:risk_partners", risk=alignment.risk_id)
