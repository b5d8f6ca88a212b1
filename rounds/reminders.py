"""Reminder emails of review rounds.

When the round opens, ROUND_REMINDER_DAYS_BEFORE days before the deadline, on the
deadline day and weekly after it, each owner with risks awaiting update gets an
email listing them. One run sends each owner at most one email: the latest
reminder due (earlier ones missed are not sent late). A reminder is a row claimed
with a conditional update before it is sent (healthchecks' sendreports shape), so
two workers or a rerun never send it twice; a send that fails releases the claim,
keeps the error for the round page, and is retried on the next run.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rounds import status
from rounds.models import Reminder, ReviewRound

logger = logging.getLogger("rounds.reminders")
SEND_ERRORS = (OSError,)  # smtplib.SMTPException is an OSError


def schedule(review_round, today):
    """(kind, due day) of every reminder due by `today`, in order."""
    deadline = review_round.deadline
    due = [(Reminder.Kind.OPENING, review_round.opens_on)]
    before = deadline - timedelta(days=settings.ROUND_REMINDER_DAYS_BEFORE)
    if before > review_round.opens_on:
        due.append((Reminder.Kind.BEFORE_DEADLINE, before))
    due.append((Reminder.Kind.DEADLINE, deadline))
    weeks = (today - deadline).days // 7
    if weeks >= 1:
        due.append((Reminder.Kind.OVERDUE, deadline + timedelta(weeks=weeks)))
    return [(kind, day) for kind, day in due if day <= today]


def latest_due(review_round, today):
    due = schedule(review_round, today)
    return due[-1] if due else None


@dataclass
class Pending:
    reminder: Reminder
    rows: list


def pending(today=None):
    """The reminders to send now: one per owner with risks awaiting update and an address."""
    today = today or timezone.localdate()
    found, seen_owners = [], set()
    for review_round in ReviewRound.objects.filter(closed_at__isnull=True, opens_on__lte=today).select_related("paper"):
        due = latest_due(review_round, today)
        if due is None:
            continue
        kind, due_on = due
        for group in status.owner_rows(status.risk_rows(review_round, today)):
            owner = group.owner
            if owner is None or not owner.email or not group.outstanding or owner.pk in seen_owners:
                continue
            reminder = _reminder(review_round, owner, kind, due_on)
            if reminder.sent_at is None and reminder.claimed_at is None:
                seen_owners.add(owner.pk)
                found.append(Pending(reminder, group.outstanding))
    return found


def _reminder(review_round, owner, kind, due_on):
    try:
        with transaction.atomic():
            return Reminder.objects.get_or_create(round=review_round, owner=owner, kind=kind, due_on=due_on)[0]
    except IntegrityError:  # another worker created it first
        return Reminder.objects.get(round=review_round, owner=owner, kind=kind, due_on=due_on)


def claim(reminder):
    """True if this run won the reminder (an optimistic lock: one conditional update)."""
    return Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True, claimed_at__isnull=True).update(
        claimed_at=timezone.now(), attempts=reminder.attempts + 1,
    ) == 1


def message(reminder, rows):
    review_round = reminder.round
    context = {
        "owner": reminder.owner, "round": review_round, "paper": review_round.paper, "kind": reminder.kind,
        "kind_label": reminder.get_kind_display(), "deadline_passed": reminder.kind == Reminder.Kind.OVERDUE,
        "risks": [{
            "ref": row.risk.ref, "title": row.risk.title,
            "review_url": settings.SITE_URL + reverse("risks:review", args=[row.risk.pk]),
            "confirm_url": settings.SITE_URL + reverse("rounds:confirm", args=[review_round.pk, row.risk.pk]),
            "needs_plan": row.needs_plan,
            "appetite_url": settings.SITE_URL + reverse("risks:detail", args=[row.risk.pk]) + "#risk-appetite",
        } for row in rows],
        "dashboard_url": settings.SITE_URL + reverse("home"),
    }
    subject = (f"{reminder.get_kind_display()}: risk updates for the {review_round.paper.panel} of "
               f"{review_round.paper.meeting_date:%d %B %Y}, due {review_round.deadline:%d %B %Y}")
    email = EmailMultiAlternatives(
        subject=subject, body=render_to_string("rounds/email/reminder.txt", context),
        to=[reminder.owner.email],
    )
    email.attach_alternative(render_to_string("rounds/email/reminder.html", context), "text/html")
    return email


def send(item, mailer):
    reminder = item.reminder
    if not claim(reminder):
        return False
    try:
        mailer.send_messages([message(reminder, item.rows)])
    except SEND_ERRORS as error:
        logger.warning("Reminder %s to %s not sent: %s", reminder.pk, reminder.owner.email, error)
        Reminder.objects.filter(pk=reminder.pk).update(claimed_at=None, last_error=str(error)[:500] or type(error).__name__)
        return False
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now(), last_error="")
    return True


def send_due_reminders(today=None):
    """Send every reminder due now; returns how many emails were sent."""
    items = pending(today)
    if not items:
        return 0
    mailer = mailers.default
    try:
        return sum(1 for item in items if send(item, mailer))
    finally:
        try:
            mailer.close()
        except SEND_ERRORS:
            pass


def failures(review_round):
    """Reminders of the round that could not be sent yet (shown on the round page)."""
    return list(review_round.reminders.filter(sent_at__isnull=True).exclude(last_error="").select_related("owner"))
