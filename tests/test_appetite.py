"""Within or outside appetite (issue 17): the risk page, acceptances, the heat map, the
dashboard and review rounds. The demo sets no appetite for "financial"; these tests set
it to Cautious with a tolerance of 12, so "Adequate funding" (risk 4, score 20) is outside."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from controls.models import Control
from organisation.models import AppetiteLevel, RiskCategory
from organisation.services import set_appetite
from risks.models import AppetiteAcceptance, Owner, Risk
from tests.factories import funding

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NO_PLAN = "No action plan: record control actions with owners and due dates, or an acceptance."


def set_financial_appetite(user, *, tolerance=12, approved_on=datetime.date(2017, 11, 20)):
    set_appetite(category=RiskCategory.objects.get(key="financial"), level=AppetiteLevel.objects.get(key="cautious"),
                 statement="We accept some financial risk where value for money is clear.", tolerance=tolerance,
                 approved_by="Audit Panel", approved_on=approved_on, user=user, reason="Financial appetite agreed")


@pytest.fixture
def financial(users):
    set_financial_appetite(users["author"])
    return funding()


def acceptance_data(risk, **overrides):
    return {"accepted_by": "Rebecca Lawrence, Chief Executive", "reason": "The GLA settlement is fixed until April",
            "accepted_on": TODAY.isoformat(), "expires_on": (TODAY + datetime.timedelta(days=90)).isoformat(),
            "version": risk.version, **overrides}


def accept(user, risk, *, days=90):
    from risks.services import accept_outside_appetite

    return accept_outside_appetite(risk_id=risk.pk, expected_version=risk.version, user=user,
                                   accepted_by="Rebecca Lawrence", reason="Settlement fixed", accepted_on=TODAY,
                                   expires_on=TODAY + datetime.timedelta(days=days))


def page_text(client, risk):
    return " ".join(client.get(reverse("risks:detail", args=[risk.pk])).content.decode().split())


# The risk page ---------------------------------------------------------------------------

def test_risk_page_says_outside_appetite_with_no_plan(client_for, financial):
    page = page_text(client_for("smt"), financial)
    assert "Risk appetite" in page and "Cautious" in page and "A current score of up to 12" in page
    assert "By Audit Panel on 20 November 2017" in page
    assert "Current score 20 is above the tolerance of 12: outside appetite." in page
    assert "The target score" in page
    assert NO_PLAN in page
    assert reverse("risks:accept_outside_appetite", args=[financial.pk]) in page


def test_target_above_the_tolerance_is_a_warning_of_its_own(client_for, users):
    set_financial_appetite(users["author"], tolerance=4)
    risk = funding()
    page = page_text(client_for("smt"), risk)
    assert (f"Warning: the target score {risk.target_score} is above the tolerance of 4: "
            "the risk is not planned to come within appetite.") in page


def test_risk_page_within_appetite(client_for, users):
    set_financial_appetite(users["author"], tolerance=20)
    page = page_text(client_for("smt"), funding())
    assert "Current score 20 is within the tolerance of 20: within appetite." in page
    assert NO_PLAN not in page


def test_risk_page_without_appetite_says_so(client_for, demo):
    page = page_text(client_for("smt"), funding())
    assert "No risk appetite is set for its primary category, Financial, so it is not measured against one." in page
    risk = funding()
    risk.category = None
    risk.save()
    assert "This risk has no primary category" in page_text(client_for("smt"), risk)


def test_a_plan_action_with_owner_and_due_date_is_the_plan(client_for, financial):
    control = financial.controls.get(status=Control.Status.IN_PROGRESS)
    control.owner = Owner.objects.order_by("pk").first()
    control.save()
    page = page_text(client_for("smt"), financial)
    assert NO_PLAN not in page
    assert "Control actions that make the plan" in page and control.owner.name in page and "31 December 2017" in page


def test_risk_page_queries_are_fixed(client_for, financial, django_assert_max_num_queries):
    client = client_for("smt")
    client.get(reverse("risks:detail", args=[financial.pk]))
    with django_assert_max_num_queries(22):
        assert client.get(reverse("risks:detail", args=[financial.pk])).status_code == 200


# Accepting a risk outside appetite -------------------------------------------------------------

@pytest.mark.parametrize("username", ["smt", "author", "admin"])
def test_accept_outside_appetite(client_for, users, financial, username):
    client = client_for(username)
    url = reverse("risks:accept_outside_appetite", args=[financial.pk])
    assert "Record the acceptance" in client.get(url).content.decode()
    response = client.post(url, acceptance_data(financial))
    assert response.status_code == 302 and response["Location"] == reverse("risks:detail", args=[financial.pk])
    acceptance = AppetiteAcceptance.objects.get(risk=financial)
    assert acceptance.accepted_by == "Rebecca Lawrence, Chief Executive" and acceptance.recorded_by == users[username]
    revision = acceptance.history.get()
    assert (revision.history_user, revision.history_change_reason) == (users[username], "The GLA settlement is fixed until April")
    risk = funding()
    assert risk.version == financial.version + 1
    assert risk.history.first().history_change_reason.startswith("Accepted outside appetite by Rebecca Lawrence")
    page = page_text(client, risk)
    assert NO_PLAN not in page and "Accepted outside appetite by Rebecca Lawrence, Chief Executive" in page
    history = " ".join(client.get(reverse("risks:history", args=[risk.pk])).content.decode().split())
    assert "Accepted outside appetite by Rebecca Lawrence, Chief Executive" in history


@pytest.mark.parametrize("username, expected", [("panel", 403), (None, 302)])
def test_accept_is_refused_to_others(client_for, financial, username, expected):
    client = client_for(username)
    url = reverse("risks:accept_outside_appetite", args=[financial.pk])
    assert client.get(url).status_code == expected
    assert client.post(url, acceptance_data(financial)).status_code == expected
    assert not AppetiteAcceptance.objects.exists()


def test_accept_wrong_method(client_for, financial):
    url = reverse("risks:accept_outside_appetite", args=[financial.pk])
    assert client_for("smt").put(url).status_code == 405


@pytest.mark.parametrize("overrides, message", [
    ({"expires_on": ""}, "Enter the date the acceptance expires."),
    ({"expires_on": (TODAY - datetime.timedelta(days=1)).isoformat()}, "The acceptance must expire today or later"),
    ({"accepted_on": (TODAY - datetime.timedelta(days=10)).isoformat(),
      "expires_on": (TODAY - datetime.timedelta(days=20)).isoformat()}, "The acceptance must expire today or later"),
    ({"accepted_on": (TODAY + datetime.timedelta(days=2)).isoformat(),
      "expires_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "cannot be given in the future"),
    ({"expires_on": TODAY.isoformat()}, "The acceptance must expire after the day it is given"),
    ({"accepted_by": ""}, "Enter who accepts the risk."),
    ({"reason": ""}, "Enter why the risk is accepted above the tolerance."),
    ({"expires_on": "2018-02-31"}, "Enter a real date"),
])
def test_accept_refuses_bad_input(client_for, financial, overrides, message):
    response = client_for("smt").post(reverse("risks:accept_outside_appetite", args=[financial.pk]),
                                      acceptance_data(financial, **overrides))
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "error-summary" in page
    assert not AppetiteAcceptance.objects.exists() and funding().version == financial.version


def test_accept_conflict(client_for, financial):
    stale = acceptance_data(financial, version=financial.version - 1)
    response = client_for("smt").post(reverse("risks:accept_outside_appetite", args=[financial.pk]), stale)
    assert response.status_code == 409
    assert "Someone else changed this risk" in response.content.decode()
    assert not AppetiteAcceptance.objects.exists()


def test_accept_refused_within_appetite(client_for, users, financial):
    set_financial_appetite(users["author"], tolerance=20)
    url = reverse("risks:accept_outside_appetite", args=[financial.pk])
    client = client_for("smt")
    assert "is within appetite" in client.get(url).content.decode()
    response = client.post(url, acceptance_data(financial))
    assert response.status_code == 200
    assert "is not outside appetite, so there is nothing to accept" in response.content.decode()
    assert not AppetiteAcceptance.objects.exists()


def test_expired_acceptance_no_longer_counts(client_for, users, financial):
    acceptance = accept(users["smt"], financial)
    acceptance.accepted_on, acceptance.expires_on = datetime.date(2017, 10, 1), TODAY - datetime.timedelta(days=1)
    acceptance.save()
    page = page_text(client_for("smt"), funding())
    assert NO_PLAN in page and "The acceptance by Rebecca Lawrence expired on" in page


def test_withdraw_an_acceptance(client_for, users, financial):
    accept(users["smt"], financial)
    risk = funding()
    client = client_for("author")
    url = reverse("risks:withdraw_acceptance", args=[risk.pk])
    acceptance = AppetiteAcceptance.objects.get(risk=risk)
    assert "Withdraw the acceptance" in client.get(url).content.decode()
    response = client.post(url, {"version": risk.version - 1, "acceptance": acceptance.pk, "reason": "No longer agreed"})
    assert response.status_code == 409 and AppetiteAcceptance.objects.filter(risk=risk).exists()
    response = client.post(url, {"version": risk.version, "acceptance": acceptance.pk, "reason": ""})
    assert response.status_code == 200 and "Enter why the acceptance is withdrawn." in response.content.decode()
    response = client.post(url, {"version": risk.version, "acceptance": acceptance.pk, "reason": "No longer agreed"})
    assert response.status_code == 302
    assert not AppetiteAcceptance.objects.filter(risk=risk).exists()
    deleted = AppetiteAcceptance.history.filter(id=acceptance.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (users["author"], "No longer agreed")
    assert funding().history.first().history_change_reason == "Acceptance by Rebecca Lawrence withdrawn: No longer agreed"
    assert NO_PLAN in page_text(client, risk)


@pytest.mark.parametrize("username, expected", [("panel", 403), (None, 302)])
def test_withdraw_is_refused_to_others(client_for, users, financial, username, expected):
    acceptance = accept(users["smt"], financial)
    response = client_for(username).post(reverse("risks:withdraw_acceptance", args=[financial.pk]),
                                         {"version": funding().version, "acceptance": acceptance.pk, "reason": "x"})
    assert response.status_code == expected and AppetiteAcceptance.objects.filter(pk=acceptance.pk).exists()
