"""Emails about the panel's questions and actions, sent by the tasks worker:
to the report authors when a panel member raises a question, and to an owner
when a question or action is given to them to answer."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from panel.models import PanelItem
from riskregister import access

logger = logging.getLogger("panel")

RAISED, ASSIGNED = "raised", "assigned"


def recipients(item, event):
    if event == ASSIGNED:
        return [item.owner.email] if item.owner_id and item.owner.email else []
    authors = get_user_model().objects.filter(groups__name=access.REPORT_AUTHOR, is_active=True).exclude(email="")
    return sorted({user.email for user in authors})


def message(item, event, to):
    context = {
        "item": item, "event": event, "paper": item.paper,
        "item_url": settings.SITE_URL + reverse("panel:detail", args=[item.pk]),
        "risks": [f"Risk {risk.ref}: {risk.title}" for risk in item.risks.order_by("ref_number", "ref_suffix")],
    }
    subject = (f"A panel member asked a question on the paper of {item.paper.meeting_date:%d %B %Y}" if event == RAISED
               else f"For you to answer: the {item.get_kind_display().lower()} from the panel of "
                    f"{item.paper.meeting_date:%d %B %Y}")
    email = EmailMultiAlternatives(subject=subject, body=render_to_string("panel/email/item.txt", context), to=to)
    email.attach_alternative(render_to_string("panel/email/item.html", context), "text/html")
    return email


@task
def notify(item_id, event):
    """Send the email about one item; returns how many addresses it went to."""
    item = PanelItem.objects.select_related("paper", "owner").get(pk=item_id)
    to = recipients(item, event)
    if not to:
        logger.warning("Panel item %s (%s): nobody with an email address to tell", item_id, event)
        return 0
    try:
        message(item, event, to).send()
    except (SMTPException, OSError):
        logger.exception("Panel item %s (%s): the email was not sent", item_id, event)
        raise  # the task is recorded as failed, for the admin's task list
    return len(to)
