"""Writes the register refuses, with a message next to the field and nothing
written: closing a closed risk, reopening an open one, reviews dated in the
future or before the risk was raised, implausible dates anywhere, scores out
of range, a commentary too long once the trend reason is added."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.models import Paper
from riskregister.dates import latest_plausible
from risks import services
from risks.models import Risk
from tests.edit_helpers import admin_risk_post, new_risk_data
from tests.factories import funding

pytestmark = pytest.mark.django_db


# Closing and reopening (finding 2) ---------------------------------------------

def test_closing_a_closed_risk_is_refused_and_changes_nothing(client_for, users):
    risk = funding()
    services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Merged")
    risk.refresh_from_db()
    revisions = risk.history.count()
    response = client_for("smt").post(reverse("risks:close", args=[risk.pk]),
                                      {"version": risk.version, "reason": "Closed again"})
    assert response.status_code == 200 and "is already closed" in response.text
    after = funding()
    assert (after.closed_on, after.closed_reason, after.version) == (risk.closed_on, "Merged", risk.version)
    assert after.history.count() == revisions


def test_the_service_refuses_to_close_a_closed_risk(users):
    risk = funding()
    closed = services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Merged")
    with pytest.raises(ValidationError, match="already closed"):
        services.close_risk(risk_id=risk.pk, expected_version=closed.version, user=users["smt"], reason="Again")


def test_reopening_an_open_risk_is_refused_and_changes_nothing(client_for):
    risk = funding()
    response = client_for("smt").post(reverse("risks:reopen", args=[risk.pk]),
                                      {"version": risk.version, "reason": "Reopen"})
    assert response.status_code == 200 and "is already open" in response.text
    assert funding().version == risk.version and funding().history.count() == risk.history.count()


# Review dates (finding 3) -------------------------------------------------------

def review_data(risk, **overrides):
    return {"version": risk.version, "reason": "Quarterly review", "reviewed_on": "2017-12-05",
            "likelihood": str(risk.current_likelihood), "impact": str(risk.current_impact),
            "trend": "no_change", "commentary": "", **overrides}


@pytest.mark.parametrize("reviewed_on,message", [
    ("2099-12-31", "The date of review cannot be in the future"),
    ("tomorrow", "The date of review cannot be in the future"),
    ("2017-03-31", "The date of review cannot be before the risk was raised (2017-04-01)."),
])
def test_a_review_dated_in_the_future_or_before_the_risk_was_raised_is_refused(client_for, reviewed_on, message):
    risk = funding()
    if reviewed_on == "tomorrow":
        reviewed_on = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for("smt").post(reverse("risks:review", args=[risk.pk]), review_data(risk, reviewed_on=reviewed_on))
    assert response.status_code == 200 and message in response.text
    assert 'href="#id_reviewed_on"' in response.text
    assert funding().reviews.count() == risk.reviews.count() and funding().version == risk.version


def test_the_service_refuses_a_future_review(users):
    risk = funding()
    with pytest.raises(ValidationError) as raised:
        services.record_review(risk_id=risk.pk, user=users["smt"], reason="Review", reviewed_on=datetime.date(2099, 12, 31),
                               trend="no_change", likelihood=3, impact=3)
    assert "reviewed_on" in raised.value.message_dict


# Plausible dates (finding 10) ---------------------------------------------------

@pytest.mark.parametrize("key,value,message", [
    ("risk-opened_on", "0001-01-01", "Enter a date from 1 January 1990 to"),
    ("risk-opened_on", "1989-12-31", "Enter a date from 1 January 1990 to"),
    ("risk-next_review", "9999-12-31", "Enter a date from 1 January 1990 to"),
    ("risk-next_review", "2017-08-31", "The next review cannot be before the date raised (2017-09-01)."),
])
def test_implausible_risk_dates_are_refused_when_creating(client_for, key, value, message):
    response = client_for("smt").post(reverse("risks:create"), new_risk_data(**{key: value}))
    assert response.status_code == 200 and message in response.text
    assert f'href="#id_{key}"' in response.text
    assert not Risk.objects.filter(ref="15").exists()


def test_a_next_review_more_than_five_years_ahead_is_refused_in_the_admin(client_for):
    risk = funding()
    too_late = latest_plausible() + datetime.timedelta(days=1)
    response = client_for("admin").post(reverse("admin:risks_risk_change", args=[risk.pk]),
                                        admin_risk_post(risk, next_review=too_late.isoformat()))
    assert response.status_code == 200 and "Enter a date from 1 January 1990 to" in response.text
    assert funding().next_review != too_late


@pytest.mark.parametrize("meeting_date", ["0001-01-01", "9999-12-31"])
def test_a_paper_meeting_in_year_1_or_9999_is_refused(client_for, demo, meeting_date):
    response = client_for("author").post(reverse("reports:create"), {
        "meeting_date": meeting_date, "panel": "Audit Panel", "title": "Risk report", "report_by": "CEO",
    })
    assert response.status_code == 200 and "Enter a date from 1 January 1990 to" in response.text
    assert Paper.objects.count() == 1


def test_a_control_due_in_9999_is_refused(users):
    from controls.models import Control

    control = Control(risk=funding(), description="Lobby for funding", due_date=datetime.date(9999, 1, 1))
    with pytest.raises(ValidationError) as raised:
        control.full_clean()
    assert raised.value.message_dict["due_date"][0].startswith("Enter a date from 1 January 1990 to")


# Scores and lengths (finding 12) -------------------------------------------------

@pytest.mark.parametrize("value", ["-1", "0", "6"])
def test_a_score_out_of_range_says_1_to_5(client_for, value):
    risk = funding()
    response = client_for("smt").post(reverse("risks:review", args=[risk.pk]), review_data(risk, likelihood=value))
    assert response.status_code == 200 and "Enter a score from 1 to 5." in response.text
    assert "greater than or equal to" not in response.text and "less than or equal to" not in response.text
    response = client_for("smt").post(reverse("risks:create"), new_risk_data(**{"risk-target_impact": value}))
    assert "Enter a score from 1 to 5." in response.text and "greater than or equal to" not in response.text
    risk = funding()
    response = client_for("admin").post(reverse("admin:risks_risk_change", args=[risk.pk]),
                                        admin_risk_post(risk, current_likelihood=value))
    assert "Enter a score from 1 to 5." in response.text and "greater than or equal to" not in response.text


def test_commentary_and_trend_reason_together_are_kept_to_the_limit(client_for):
    risk = funding()
    data = review_data(risk, likelihood="5", impact="5", trend="decreasing",
                       commentary="c" * 4000, trend_reason="r" * 500)
    response = client_for("smt").post(reverse("risks:review", args=[risk.pk]), data)
    assert response.status_code == 200 and "keep them to 4,000 characters or fewer between them" in response.text
    assert 'href="#id_commentary"' in response.text
    assert funding().reviews.count() == risk.reviews.count()


def test_the_model_refuses_a_stored_commentary_over_the_limit(users):
    risk = funding()
    with pytest.raises(ValidationError) as raised:
        services.record_review(risk_id=risk.pk, user=users["smt"], reason="Review", reviewed_on=datetime.date(2017, 12, 5),
                               trend="no_change", likelihood=3, impact=3, commentary="c" * 4509)
    assert "commentary" in raised.value.message_dict
