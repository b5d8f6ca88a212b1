"""A change's reason: up to REASON_MAX_LENGTH (500) characters, kept whole in the revision,
on every form that asks for one (the risk pages, the paper pages, the admin)."""

import pytest
from django.urls import reverse

from reports.models import Paper
from riskregister.tracking import REASON_MAX_LENGTH
from tests.edit_helpers import form_values
from tests.factories import funding

pytestmark = pytest.mark.django_db

LONGEST = ("Budget settlement agreed with the Home Office. " * 20)[:REASON_MAX_LENGTH - 1] + "."
TOO_LONG = LONGEST + "x"
LIMIT_MESSAGE = f"Ensure this value has at most {REASON_MAX_LENGTH} characters (it has {REASON_MAX_LENGTH + 1})."


def test_the_limit_is_at_least_500_characters():
    assert REASON_MAX_LENGTH >= 500 and len(LONGEST) == REASON_MAX_LENGTH


def submit(client, url, reason_key, reason, **changes):
    """Fill the form from the page as a browser would, with this reason and these changes."""
    data = form_values(client.get(url).text)
    data.update({reason_key: reason, **changes})
    return client.post(url, data)


def error_next_to(page, field_id):
    return f'id="{field_id}_error"><span class="visually-hidden">Error:</span> {LIMIT_MESSAGE}' in page


def test_risk_edit_keeps_a_500_character_reason_whole(client_for):
    risk = funding()
    url = reverse("risks:edit", args=[risk.pk])
    response = submit(client_for("smt"), url, "change-reason", LONGEST, **{"risk-title": "Funding"})
    assert response.status_code == 302
    assert risk.history.first().history_change_reason == LONGEST


def test_risk_edit_refuses_501_characters_next_to_the_field(client_for):
    risk = funding()
    revisions = risk.history.count()
    url = reverse("risks:edit", args=[risk.pk])
    response = submit(client_for("smt"), url, "change-reason", TOO_LONG, **{"risk-title": "Funding"})
    assert response.status_code == 200
    assert error_next_to(response.text, "id_change-reason")
    assert TOO_LONG in response.text  # what was typed stays on the page
    assert risk.history.count() == revisions
    assert funding().title == "Adequate funding"


@pytest.mark.parametrize("reason,saved", [(LONGEST, True), (TOO_LONG, False)])
def test_paper_edit_reason_limit(client_for, reason, saved):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    revisions = paper.history.count()
    url = reverse("reports:edit", args=[paper.pk])
    response = submit(client_for("author"), url, "reason", reason, title="Risk report")
    if saved:
        assert response.status_code == 302
        assert paper.history.first().history_change_reason == LONGEST
    else:
        assert response.status_code == 200 and error_next_to(response.text, "id_reason")
        assert paper.history.count() == revisions


@pytest.mark.parametrize("reason,saved", [(LONGEST, True), (TOO_LONG, False)])
def test_admin_reason_limit(client_for, reason, saved):
    risk = funding()
    revisions = risk.history.count()
    url = reverse("admin:risks_risk_change", args=[risk.pk])
    response = submit(client_for("admin"), url, "change_reason", reason, title="Funding")
    if saved:
        assert response.status_code == 302, response.text[:3000]
        assert risk.history.first().history_change_reason == LONGEST
    else:
        assert response.status_code == 200
        assert f"{LIMIT_MESSAGE}" in response.text
        assert risk.history.count() == revisions
