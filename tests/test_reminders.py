"""Reminder emails of review rounds: which are due, one per owner per run, never twice,
SMTP refusing or down, the command, the task worker, and a real SMTP round trip."""

import io
import socket
import threading
from datetime import date
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from risks.models import Owner
from rounds import reminders, services
from rounds.models import Reminder

OPENS, DEADLINE, MEETING = date(2017, 11, 1), date(2017, 11, 24), date(2017, 12, 12)
OWNERS_WITH_RISKS = 3  # of the fixture's four owners (each with an address), three own risks


@pytest.fixture
def december(demo):
    return services.open_round(meeting_date=MEETING, opens_on=OPENS, deadline=DEADLINE, user=demo["author"])


def kinds(review_round, today):
    return [kind for kind, _ in reminders.schedule(review_round, today)]


def test_schedule(december, settings):
    settings.ROUND_REMINDER_DAYS_BEFORE = 3
    assert kinds(december, date(2017, 10, 31)) == []
    assert kinds(december, OPENS) == ["opening"]
    assert kinds(december, date(2017, 11, 21)) == ["opening", "before_deadline"]
    assert kinds(december, DEADLINE) == ["opening", "before_deadline", "deadline"]
    assert reminders.latest_due(december, date(2017, 11, 30)) == ("deadline", DEADLINE)
    assert reminders.latest_due(december, date(2017, 12, 1)) == ("overdue", date(2017, 12, 1))
    assert reminders.latest_due(december, date(2017, 12, 14)) == ("overdue", date(2017, 12, 8))


def test_opening_reminder_one_email_per_owner_listing_their_risks(december):
    assert reminders.send_due_reminders(OPENS) == OWNERS_WITH_RISKS
    assert len(mail.outbox) == OWNERS_WITH_RISKS
    paul = next(email for email in mail.outbox if email.to == ["paul.wylie@example.org"])
    assert paul.subject.startswith("The round has opened: risk updates for the Audit Panel of 12 December 2017")
    html = paul.alternatives[0][0]
    risk = Owner.objects.get(name="Paul Wylie").risks.order_by("ref_number", "ref_suffix").first()
    assert f"Risk {risk.ref}: {risk.title}" in paul.body
    assert f"http://127.0.0.1:8000{reverse('risks:review', args=[risk.pk])}" in paul.body
    assert reverse("rounds:confirm", args=[december.pk, risk.pk]) in html and "<a href=" in html


def test_never_twice(december):
    assert reminders.send_due_reminders(OPENS) == OWNERS_WITH_RISKS
    assert reminders.send_due_reminders(OPENS) == 0
    assert reminders.send_due_reminders(date(2017, 11, 5)) == 0  # still the opening reminder: already sent
    assert len(mail.outbox) == OWNERS_WITH_RISKS
    assert Reminder.objects.filter(sent_at__isnull=False).count() == OWNERS_WITH_RISKS


def test_a_claimed_reminder_is_not_sent_by_another_run(december):
    item = reminders.pending(OPENS)[0]
    assert reminders.claim(item.reminder)  # another worker won it first
    assert reminders.send_due_reminders(OPENS) == OWNERS_WITH_RISKS - 1


def test_one_per_run_the_latest_due_and_missed_ones_are_not_sent_late(december):
    assert reminders.send_due_reminders(DEADLINE) == OWNERS_WITH_RISKS
    assert {email.subject.split(":")[0] for email in mail.outbox} == {"The deadline is today"}
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"deadline"}
    assert reminders.send_due_reminders(date(2017, 12, 1)) == OWNERS_WITH_RISKS  # a week later: overdue
    assert reminders.send_due_reminders(date(2017, 12, 5)) == 0
    assert reminders.send_due_reminders(date(2017, 12, 8)) == OWNERS_WITH_RISKS  # weekly


def test_owners_with_nothing_outstanding_or_no_address_get_nothing(december, demo, client_for):
    paul = Owner.objects.get(name="Paul Wylie")
    paul.email = ""
    paul.save()
    for risk in Owner.objects.get(name="Sam Cunningham").risks.open():
        services.confirm_unchanged(review_round=december, risk_id=risk.pk, user=demo["smt"], words="Same")
    sent = reminders.send_due_reminders(OPENS)
    assert "paul.wylie@example.org" not in {address for email in mail.outbox for address in email.to}
    assert "sam.cunningham@example.org" not in {address for email in mail.outbox for address in email.to}
    assert sent == len(mail.outbox) < OWNERS_WITH_RISKS
    page = client_for("author").get(reverse("rounds:detail", args=[december.pk])).content.decode()
    assert "no email address" in page and "Paul Wylie (" in page


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_to(settings, port):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}


def test_smtp_down_keeps_the_reminder_unsent_says_so_and_retries(december, settings, client_for):
    smtp_to(settings, free_port())  # nobody listens there
    assert reminders.send_due_reminders(OPENS) == 0
    failed = Reminder.objects.filter(sent_at__isnull=True, claimed_at__isnull=True).exclude(last_error="")
    assert failed.count() == OWNERS_WITH_RISKS and all(r.attempts == 1 for r in failed)
    page = client_for("author").get(reverse("rounds:detail", args=[december.pk])).content.decode()
    assert "could not be sent" in page and "1 attempt" in page
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert reminders.send_due_reminders(OPENS) == OWNERS_WITH_RISKS  # retried on the next run
    assert reminders.send_due_reminders(OPENS) == 0


class Collector:
    def __init__(self, refuse=False):
        self.messages, self.refuse = [], refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 Mailbox unavailable"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    started = []

    def start(refuse=False):
        handler = Collector(refuse)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        return handler, controller.port

    yield start
    for controller in started:
        controller.stop()


def test_round_trip_through_a_real_smtp_server(december, settings, smtp_server):
    handler, port = smtp_server()
    smtp_to(settings, port)
    assert reminders.send_due_reminders(OPENS) == OWNERS_WITH_RISKS
    assert sorted(rcpt for envelope in handler.messages for rcpt in envelope.rcpt_tos) == sorted(
        Owner.objects.filter(risks__isnull=False).distinct().values_list("email", flat=True))
    message = message_from_bytes(handler.messages[0].content)
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.walk()
             if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "/risks/" in parts["text/plain"] and "<a href=" in parts["text/html"]


def test_a_refusing_smtp_server_leaves_the_reminder_unsent(december, settings, smtp_server):
    handler, port = smtp_server(refuse=True)
    smtp_to(settings, port)
    assert reminders.send_due_reminders(OPENS) == 0
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 0
    assert "Mailbox unavailable" in Reminder.objects.first().last_error


def test_send_reminders_command_prints_how_many(december, monkeypatch):
    monkeypatch.setattr(reminders.timezone, "localdate", lambda: OPENS)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == f"Sent {OWNERS_WITH_RISKS} reminder emails."
    call_command("send_reminders", stdout=out)
    assert out.getvalue().strip().endswith("Sent 0 reminder emails.")


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection, as a real one does
def test_opening_a_round_queues_the_reminders_for_the_worker(demo):
    services.open_round(meeting_date=MEETING, opens_on=OPENS, deadline=DEADLINE, user=demo["author"])
    task = DBTaskResult.objects.get()
    assert task.task_path == "rounds.tasks.send_reminders_task"
    call_command("db_worker", batch=True, startup_delay=False, reload=False, stdout=io.StringIO(), stderr=io.StringIO())
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    # Today (2026) the 2017 round's latest reminder is an overdue one: one email per owner.
    assert len(mail.outbox) == OWNERS_WITH_RISKS
