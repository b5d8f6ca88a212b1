"""The appetite pages of a risk: accept it outside appetite, withdraw an acceptance.
Open to those who may edit the register and to risk managers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from riskregister import access
from riskregister.tracking import ConflictError
from risks import services
from risks.appetite import status_for
from risks.appetite_forms import AcceptanceForm, WithdrawAcceptanceForm
from risks.models import Risk
from risks.views import _add_errors, _conflict, _with_version


def get_risk_for_appetite(user, pk):
    if not (access.can(user, "edit_register") or access.can(user, "manage_settings")):
        raise PermissionDenied
    return get_object_or_404(Risk.objects.with_owners().prefetch_related("controls__owner", "appetite_acceptances"),
                             pk=pk)


def appetite_status(risk):
    return status_for(risk, controls=list(risk.controls.all()), acceptances=list(risk.appetite_acceptances.all()),
                      today=timezone.localdate())


def _save(request, risk, form, save, done, template, context):
    """Call save(version); the risk page with `done`, the 409 conflict page, or the form with the service's errors."""
    try:
        save(form.cleaned_data["version"])
    except ConflictError as conflict:
        fresh = type(form)(_with_version(request.POST, "version", conflict.current.version))
        return _conflict(request, risk, form.cleaned_data["version"], conflict.current,
                         "risks/_reason_form.html", {"form": fresh, "action": request.path})
    except ValidationError as error:
        _add_errors(error, {}, form)
        return render(request, template, context)
    messages.success(request, done)
    return redirect("risks:detail", pk=risk.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request, pk):
    risk = get_risk_for_appetite(request.user, pk)
    status = appetite_status(risk)
    data = request.POST if request.method == "POST" else None
    form = AcceptanceForm(data, initial={"version": risk.version})
    context = {"risk": risk, "status": status, "form": form, "action": request.path,
               "offered": risk.is_open and status.outside}
    if data is not None and form.is_valid():
        values = {key: form.cleaned_data[key] for key in ("accepted_by", "reason", "accepted_on", "expires_on")}
        return _save(request, risk, form, lambda version: services.accept_outside_appetite(
            risk_id=risk.pk, expected_version=version, user=request.user, **values),
            f"The acceptance of risk {risk.ref} outside appetite was recorded, until "
            f"{values['expires_on']:%d %B %Y}.", "risks/accept_outside_appetite.html", context)
    return render(request, "risks/accept_outside_appetite.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, pk):
    risk = get_risk_for_appetite(request.user, pk)
    status = appetite_status(risk)
    acceptance = status.acceptance
    data = request.POST if request.method == "POST" else None
    form = WithdrawAcceptanceForm(data, initial={"version": risk.version,
                                                 "acceptance": acceptance.pk if acceptance else None})
    context = {"risk": risk, "acceptance": acceptance, "form": form, "action": request.path}
    if data is not None and form.is_valid():
        return _save(request, risk, form, lambda version: services.withdraw_acceptance(
            risk_id=risk.pk, acceptance_id=form.cleaned_data["acceptance"], expected_version=version,
            user=request.user, reason=form.cleaned_data["reason"]),
            f"The acceptance of risk {risk.ref} was withdrawn.", "risks/withdraw_acceptance.html", context)
    return render(request, "risks/withdraw_acceptance.html", context)
