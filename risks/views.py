"""The risk pages: view, edit (with controls), create, close, reopen, review,
history and restore. Views are short: forms validate, risks.services writes,
risks.history and risks.detail gather data before rendering."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from controls.forms import ControlFormSet, control_initial
from riskregister import access
from riskregister.tracking import ConflictError
from risks import services
from risks.conflicts import rebase_edit_post
from risks.detail import risk_page_data
from risks.forms import (
    ChangeForm, CloseForm, NewRiskForm, OwnerFormSet, ReopenForm, RestoreForm, ReviewForm, RiskForm,
    owner_initial,
)
from risks.history import changes_since, restore_preview, risk_history
from risks.models import Risk


def get_risk_for_user(user, pk, *, edit=False):
    """The risk, if this user may see it (or change it, with edit=True); else 403/404."""
    access.require(user, "edit_register" if edit else "view_register")
    return get_object_or_404(Risk.objects.with_owners(), pk=pk)


def _add_errors(error, forms_by_field, fallback):
    """Put a service's ValidationError next to the field it names, else on `fallback`."""
    for field, messages_ in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        target = forms_by_field.get(field, fallback)
        for message in messages_:
            if hasattr(target, "non_form_errors"):
                target._non_form_errors.append(message)
            else:
                target.add_error(field if field in target.fields else None, message)


@require_safe
def detail(request, pk):
    access.require(request.user, "view_register")
    return render(request, "risks/detail.html", risk_page_data(pk))


def _edit_forms(risk, data=None):
    controls = list(risk.controls.all())
    owners = {}  # read once for the owner rows and the control rows
    return {
        "form": RiskForm(data, instance=risk, prefix="risk"),
        "owner_formset": OwnerFormSet(data, initial=owner_initial(risk), prefix="owners", shared_objects=owners),
        "control_formset": ControlFormSet(
            data, initial=control_initial(controls), prefix="controls",
            control_ids=[control.pk for control in controls], shared_objects=owners,
        ),
        "change_form": ChangeForm(data, initial={"version": risk.version}, prefix="change"),
    }


def _all_valid(forms):
    return all([form.is_valid() for form in forms.values()])


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    risk = get_risk_for_user(request.user, pk, edit=True)
    if request.method != "POST":
        return render(request, "risks/edit.html", {"risk": risk, **_edit_forms(risk)})
    forms = _edit_forms(risk, request.POST)
    change_form = forms["change_form"]
    # A stale form is a conflict before anything else: its rows may name controls
    # the other person has since deleted.
    if change_form.is_valid() and change_form.cleaned_data["version"] != risk.version:
        return _edit_conflict(request, risk, change_form.cleaned_data["version"])
    if _all_valid(forms):
        try:
            services.edit_risk(
                risk_id=risk.pk, expected_version=change_form.cleaned_data["version"], user=request.user,
                reason=change_form.cleaned_data["reason"], fields=forms["form"].changes(),
                owners=forms["owner_formset"].ordered_owners(),
                secondary_categories=forms["form"].other_categories(),
                controls=forms["control_formset"].changes(),
            )
        except ConflictError:
            return _edit_conflict(request, risk, change_form.cleaned_data["version"])
        except ValidationError as error:
            _add_errors(error, {"owners": forms["owner_formset"], "controls": forms["control_formset"],
                                "reason": change_form}, forms["form"])
        else:
            messages.success(request, "Your changes to the risk and its controls were saved.")
            return redirect("risks:detail", pk=risk.pk)
    return render(request, "risks/edit.html", {"risk": Risk.objects.with_owners().get(pk=pk), **forms})


def _edit_conflict(request, risk, version):
    current = Risk.objects.with_owners().get(pk=risk.pk)
    base, since = changes_since(current, version)
    if base is None:
        data = _with_version(request.POST, "change-version", current.version)
    else:
        as_of = min(e.date for e in since) - timedelta(microseconds=1) if since else timezone.now()
        data = rebase_edit_post(request.POST, risk=current, base=base.record, as_of=as_of)
    return _conflict(request, risk, version, current, "risks/_edit_form.html", _edit_forms(current, data))


def _with_version(data, key, version):
    data = data.copy()
    data[key] = str(version)
    return data


def _conflict(request, risk, version, current, form_template, forms):
    """HTTP 409: what others changed since `version`, and the user's values on the current version."""
    base, since = changes_since(current, version)
    return render(request, "risks/conflict.html", {
        "risk": current, "base": base, "since": since, "your_version": version,
        "form_template": form_template, **forms,
    }, status=409)


@require_http_methods(["GET", "HEAD", "POST"])
def create(request):
    access.require(request.user, "edit_register")
    data = request.POST if request.method == "POST" else None
    form = NewRiskForm(data, prefix="risk")
    owner_formset = OwnerFormSet(data, prefix="owners")
    change_form = ChangeForm(data, initial={"version": 1}, prefix="change")
    if data is not None and all([form.is_valid(), owner_formset.is_valid(), change_form.is_valid()]):
        try:
            risk = services.create_risk(
                user=request.user, reason=change_form.cleaned_data["reason"],
                owners=owner_formset.ordered_owners(), secondary_categories=form.other_categories(),
                **form.changes(),
            )
        except ValidationError as error:
            _add_errors(error, {"owners": owner_formset, "reason": change_form}, form)
        else:
            messages.success(request, f"Risk {risk.ref} was created.")
            return redirect("risks:detail", pk=risk.pk)
    return render(request, "risks/create.html", {
        "form": form, "owner_formset": owner_formset, "change_form": change_form,
    })


def _save_reason_form(request, risk, form, save, *, page, done, done_url, notes=None):
    """The response to a valid version-and-reason form: call save(version, reason), then
    go to `done_url` with the message `done` (and the warnings `notes(saved)`, if given);
    or the 409 conflict page if the risk moved on; or `page()` with the service's
    objections added to the form."""
    try:
        saved = save(form.cleaned_data["version"], form.cleaned_data["reason"])
    except ConflictError as conflict:
        fresh = type(form)(_with_version(request.POST, "version", conflict.current.version))
        return _conflict(request, risk, form.cleaned_data["version"], conflict.current,
                         "risks/_reason_form.html", {"form": fresh, "action": request.path})
    except ValidationError as error:
        _add_errors(error, {}, form)
        return page()
    messages.success(request, done)
    for note in notes(saved) if notes else ():
        messages.warning(request, note)
    return redirect(done_url)


def _status_change(request, pk, *, form_class, service, template, done):
    risk = get_risk_for_user(request.user, pk, edit=True)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial={"version": risk.version})

    def page():
        return render(request, template, {"risk": risk, "form": form, "action": request.path})

    if data is not None and form.is_valid():
        return _save_reason_form(
            request, risk, form, lambda version, reason: service(
                risk_id=risk.pk, expected_version=version, user=request.user, reason=reason),
            page=page, done=done.format(ref=risk.ref), done_url=reverse("risks:detail", args=[risk.pk]),
        )
    return page()


@require_http_methods(["GET", "HEAD", "POST"])
def close(request, pk):
    return _status_change(request, pk, form_class=CloseForm, service=services.close_risk,
                          template="risks/close.html", done="Risk {ref} was closed. It has left the register.")


@require_http_methods(["GET", "HEAD", "POST"])
def reopen(request, pk):
    return _status_change(request, pk, form_class=ReopenForm, service=services.reopen_risk,
                          template="risks/reopen.html", done="Risk {ref} was reopened.")


@require_http_methods(["GET", "HEAD", "POST"])
def review(request, pk):
    risk = get_risk_for_user(request.user, pk, edit=True)
    last = risk.reviews.order_by("-reviewed_on", "-pk").first()
    previous_score = last.score if last else risk.current_score
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, previous_score=previous_score, initial={
        "version": risk.version, "likelihood": risk.current_likelihood, "impact": risk.current_impact,
    })
    if data is not None and form.is_valid():
        try:
            services.record_review(
                risk_id=risk.pk, expected_version=form.cleaned_data["version"], user=request.user,
                reason=form.cleaned_data["reason"], reviewed_on=form.cleaned_data["reviewed_on"],
                trend=form.cleaned_data["trend"], likelihood=form.cleaned_data["likelihood"],
                impact=form.cleaned_data["impact"], commentary=form.commentary_with_reason(),
            )
        except ConflictError as conflict:
            fresh = ReviewForm(_with_version(request.POST, "version", conflict.current.version),
                               previous_score=previous_score)
            return _conflict(request, risk, form.cleaned_data["version"], conflict.current,
                             "risks/_review_form.html", {"form": fresh, "last": last})
        except ValidationError as error:
            _add_errors(error, {}, form)
        else:
            messages.success(request, "The review was recorded.")
            return redirect("risks:detail", pk=risk.pk)
    return render(request, "risks/review.html", {"risk": risk, "form": form, "last": last,
                                                 "previous_score": previous_score})


@require_safe
def history(request, pk):
    risk = get_risk_for_user(request.user, pk)
    return render(request, "risks/history.html", {
        "risk": risk, "entries": risk_history(risk), "can_edit": access.can(request.user, "edit_register"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def restore(request, pk, history_id):
    risk = get_risk_for_user(request.user, pk, edit=True)
    revision = get_object_or_404(risk.history.select_related("history_user"), history_id=history_id)
    data = request.POST if request.method == "POST" else None
    form = RestoreForm(data, initial={"version": risk.version, "revision": history_id})

    def page():
        return render(request, "risks/restore.html", {
            "risk": risk, "revision": revision, "form": form, "action": request.path,
            **restore_preview(risk, revision),
        })

    if data is not None and form.is_valid():
        if form.cleaned_data["revision"] != history_id:
            form.add_error(None, "This form was changed: restore the revision named in the page address.")
        else:
            return _save_reason_form(
                request, risk, form, lambda version, reason: services.restore_risk_revision(
                    risk_id=risk.pk, history_id=history_id, expected_version=version, user=request.user,
                    reason=reason),
                page=page, done="The revision was restored as a new revision.",
                done_url=reverse("risks:history", args=[risk.pk]),
                notes=lambda restored: [f"Other categories: {note}" for note in restored.restored_categories.notes],
            )
    return page()
