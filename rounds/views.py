"""The round pages: list, open, the round itself (with filters and CSV), confirm unchanged
and sign-off. Short views: rounds.status gathers, rounds.services writes."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from riskregister import access
from risks.exports import neutralise
from risks.models import Risk
from rounds import reminders, services, status
from rounds.forms import ConfirmForm, OpenRoundForm, RoundRowFilter, SignOffForm
from rounds.models import ReviewRound


def get_round_for_user(user, pk):
    """Rounds are seen by those who see the live register (SMT editors, report authors)."""
    access.require(user, "view_register")
    return get_object_or_404(ReviewRound.objects.select_related("paper", "opened_by"), pk=pk)


def add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@require_safe
def round_list(request):
    access.require(request.user, "view_register")
    rounds = list(ReviewRound.objects.select_related("paper"))
    return render(request, "rounds/list.html", {
        "rounds": rounds, "can_open": access.can(request.user, "compose_papers"),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def open_round(request):
    access.require(request.user, "compose_papers")
    form = OpenRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.open_round(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The round is open. Owners are being sent their first reminder.")
            return redirect("rounds:detail", pk=review_round.pk)
    return render(request, "rounds/open.html", {"form": form})


def round_data(review_round, query=None):
    today = timezone.localdate()
    all_rows = status.risk_rows(review_round, today)
    row_filter = RoundRowFilter(query, queryset=Risk.objects.none())
    rows = row_filter.apply(all_rows)
    owners = status.owner_rows(all_rows)
    counts = {key: sum(1 for row in all_rows if row.status == key) for key in status.STATUS_LABELS}
    return {
        "round": review_round, "today": today, "rows": rows, "all_count": len(all_rows),
        "filter": row_filter, "form": row_filter.form, "owners": owners, "counts": counts,
        "status_labels": status.STATUS_LABELS,
        "outstanding_count": sum(1 for row in all_rows if not row.done),
        "overdue_count": sum(1 for row in all_rows if row.overdue),
        "no_plan_count": sum(1 for row in all_rows if row.needs_plan),
        "no_address": [group for group in owners if group.owner and not group.owner.email and group.outstanding],
        "failures": reminders.failures(review_round),
        "sent": list(review_round.reminders.filter(sent_at__isnull=False).select_related("owner").order_by("-sent_at")[:50]),
        "sign_off": status.sign_off_state(review_round, [row.risk for row in all_rows]),
    }


@require_safe
def round_page(request, pk):
    review_round = get_round_for_user(request.user, pk)
    data = round_data(review_round, request.GET or None)
    can_edit = access.can(request.user, "edit_register")
    data.update({
        "can_edit": can_edit,
        # A risk manager records acceptances (risks.appetite_views), so is offered "Record a plan" too.
        "can_plan": can_edit or access.can(request.user, "manage_settings"),
        "query": request.GET.urlencode(),
    })
    return render(request, "rounds/detail.html", data)


@require_safe
def round_csv(request, pk):
    review_round = get_round_for_user(request.user, pk)
    data = round_data(review_round, request.GET or None)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="review-round-{review_round.paper.meeting_date:%Y-%m-%d}.csv"')
    # Text a spreadsheet would run as a formula is neutralised, as in the register's export.
    writer = csv.writer(response)
    writer.writerow(["Ref", "Risk", "Owners", "Status", "Overdue", "Next review", "Risk appetite"])
    for row in data["rows"]:
        writer.writerow([neutralise(value) for value in (
            row.risk.ref, row.risk.title, " / ".join(o.name for o in row.owners), row.status_label,
            "Yes" if row.overdue else "No",
            row.risk.next_review.isoformat() if row.risk.next_review else "",
            status.NO_PLAN_LABEL if row.needs_plan else "")])
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, pk, risk):
    review_round = get_round_for_user(request.user, pk)
    access.require(request.user, "edit_register")
    risk = get_object_or_404(Risk.objects.with_owners(), pk=risk)
    own = services.owner_of(request.user, risk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_unchanged(review_round=review_round, risk_id=risk.pk, user=request.user,
                                       words=form.cleaned_data["words"])
        except PermissionDenied:
            raise
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Risk {risk.ref} is confirmed unchanged for this round.")
            return redirect("home" if own else "rounds:detail", **({} if own else {"pk": review_round.pk}))
    return render(request, "rounds/confirm.html", {
        "round": review_round, "risk": risk, "form": form, "own": own, "owners": risk.ordered_owners(),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def sign_off(request, pk):
    review_round = get_round_for_user(request.user, pk)
    access.require(request.user, "edit_register")
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off(review_round=review_round, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The register is signed off for this round.")
            return redirect("rounds:detail", pk=review_round.pk)
    outstanding = [row for row in status.risk_rows(review_round) if not row.done]
    return render(request, "rounds/sign_off.html", {"round": review_round, "form": form, "outstanding": outstanding})
