"""The "overdue" rules live on the models: the queryset and the object say the same."""

from datetime import timedelta

import pytest
from django.utils import timezone

from controls.models import Control
from riskregister.tracking import save_tracked
from risks import services
from risks.models import Risk, score_summary
from tests.factories import make_risk

pytestmark = pytest.mark.django_db


def raised_risk(ref, **fields):
    """A risk raised a quarter ago, so a next review in the past is a plausible one."""
    return make_risk(ref, opened_on=timezone.localdate() - timedelta(days=90), **fields)


def test_a_review_is_overdue_once_its_date_has_passed_on_an_open_risk():
    today = timezone.localdate()
    risks = {
        "past": raised_risk("101", next_review=today - timedelta(days=1)),
        "today": raised_risk("102", next_review=today),
        "future": raised_risk("103", next_review=today + timedelta(days=1)),
        "unset": raised_risk("104"),
        "closed": raised_risk("105", next_review=today - timedelta(days=1)),
    }
    closed = risks["closed"]
    services.close_risk(risk_id=closed.pk, expected_version=closed.version, user=None, reason="Gone")
    overdue = set(Risk.objects.review_overdue(today))
    for name, risk in risks.items():
        risk = Risk.objects.get(pk=risk.pk)
        assert risk.is_review_overdue(today) is (name == "past"), name
        assert (risk in overdue) is (name == "past"), name
    assert Risk.objects.get(pk=risks["past"].pk).is_review_overdue()  # today by default


def test_a_control_is_overdue_past_its_due_date_until_delivered():
    today = timezone.localdate()
    risk = raised_risk("106")
    late = {status: save_tracked(Control(risk=risk, description=status, status=status, due_date=today - timedelta(days=1)),
                                 user=None, reason="Test") for status in Control.Status.values}
    on_time = save_tracked(Control(risk=risk, description="On time", status="planned", due_date=today),
                           user=None, reason="Test")
    overdue = set(Control.objects.overdue(today).filter(risk=risk))
    assert overdue == {late["planned"], late["in_progress"]}
    assert on_time not in overdue


def test_one_score_summary_for_pages_and_papers():
    assert score_summary(3, 5) == {"likelihood": 3, "impact": 5, "score": 15, "band": "high", "band_label": "High"}
    assert score_summary(1, 1)["band"] == "low"
