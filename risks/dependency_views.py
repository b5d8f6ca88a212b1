"""A risk's dependencies, kept by SMT editors in the app: add one (with a note), remove one.
Each change leaves a revision with who and why (risks.services)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from riskregister import access
from riskregister.forms import SpecificMessagesMixin
from riskregister.tracking import REASON_MAX_LENGTH
from risks import services
from risks.models import Risk, RiskDependency


class DependencyForm(SpecificMessagesMixin, forms.Form):
    depends_on = forms.ModelChoiceField(
        label="This risk depends on", queryset=Risk.objects.none(), empty_label="(choose a risk)",
        error_messages={"required": "Select the risk this one depends on.",
                        "invalid_choice": "Choose a risk from the list."},
    )
    note = forms.CharField(label="How it knocks on", max_length=500, required=False)
    reason = forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH, initial="Dependency recorded")

    def __init__(self, *args, risk, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = Risk.objects.open().exclude(pk=risk.pk)
        self.fields["depends_on"].label_from_instance = lambda other: f"Risk {other.ref}: {other.title}"


@require_http_methods(["GET", "HEAD", "POST"])
def dependencies(request, pk):
    access.require(request.user, "edit_register")
    risk = get_object_or_404(Risk, pk=pk)
    form = DependencyForm(request.POST or None, risk=risk)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_dependency(risk=risk, depends_on=form.cleaned_data["depends_on"], note=form.cleaned_data["note"],
                                    user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "The dependency was recorded.")
            return redirect("risks:dependencies", pk=risk.pk)
    current = list(risk.dependencies.select_related("depends_on"))
    return render(request, "risks/dependencies.html", {"risk": risk, "form": form, "current": current})


@require_POST
def remove_dependency(request, pk, dependency):
    access.require(request.user, "edit_register")
    found = get_object_or_404(RiskDependency.objects.select_related("depends_on"), pk=dependency, risk_id=pk)
    services.remove_dependency(found, user=request.user, reason=f"Dependency on risk {found.depends_on.ref} removed")
    messages.success(request, f"The dependency on risk {found.depends_on.ref} was removed.")
    return redirect("risks:dependencies", pk=pk)
