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


def set_financial_appetite(user, *, tolerance=12, approved_on=datetime.date(2017, 10, 17)):
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
    assert "By Audit Panel on 17 October 2017" in page
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


def test_an_action_in_place_is_no_plan_and_the_pages_say_why(client_for, financial):
    """A new control is "In place" by default: delivered, so not a plan, however dated and owned."""
    control = financial.controls.get(status=Control.Status.IN_PROGRESS)
    control.owner, control.status = Owner.objects.order_by("pk").first(), Control.Status.IN_PLACE
    control.save()
    client = client_for("smt")
    page = page_text(client, financial)
    assert NO_PLAN in page
    assert "Only actions still to be delivered count: their status Planned or In progress, not In place." in page
    edit_page = " ".join(client.get(reverse("risks:edit", args=[financial.pk])).content.decode().split())
    assert "its plan is the control actions still to be delivered (status Planned or In progress)" in edit_page


def queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_risk_page_queries_are_fixed(client_for, users, financial, django_assert_num_queries):
    client = client_for("smt")
    url = reverse("risks:detail", args=[financial.pk])
    before = queries_of(client, url)
    for days in (30, 60, 90):
        accept(users["smt"], funding(), days=days)
    owner = Owner.objects.order_by("pk").first()
    for control in financial.controls.all():
        control.owner, control.status, control.due_date = owner, Control.Status.IN_PROGRESS, datetime.date(2018, 3, 31)
        control.save()
    with django_assert_num_queries(before):
        page = " ".join(client.get(url).content.decode().split())
    assert "Control actions that make the plan" in page and "Accepted outside appetite" in page


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


def test_accept_is_refused_to_a_reader_of_the_register(client, django_user_model, financial):
    """Seeing the register is not enough: editing it, or managing the settings, is."""
    from django.contrib.auth.models import Permission

    reader = django_user_model.objects.create_user("reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_risk", content_type__app_label="risks"))
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("risks:detail", args=[financial.pk])).status_code == 200
    assert client.post(reverse("risks:accept_outside_appetite", args=[financial.pk]),
                       acceptance_data(financial)).status_code == 403
    assert not AppetiteAcceptance.objects.exists()


@pytest.mark.parametrize("name", ["risks:accept_outside_appetite", "risks:withdraw_acceptance"])
def test_appetite_pages_wrong_method(client_for, financial, name):
    response = client_for("smt").put(reverse(name, args=[financial.pk]))
    assert response.status_code == 405


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
    ({"expires_on": "2099-12-31"}, "Enter a date from 1 January 1990"),
    ({"accepted_on": "0001-01-01"}, "Enter a date from 1 January 1990"),
    ({"reason": "x" * 501}, "500 characters"),
    ({"accepted_by": "Rebecca\x00Lawrence"}, "Remove the null character"),
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


# Review rounds ------------------------------------------------------------------------------

def december_round(user):
    from rounds import services as round_services

    return round_services.open_round(meeting_date=datetime.date(2017, 12, 12), opens_on=datetime.date(2017, 11, 1),
                                     deadline=datetime.date(2017, 11, 24), user=user)


def rows_by_ref(review_round):
    from rounds.status import risk_rows

    return {row.risk.ref: row for row in risk_rows(review_round)}


def confirm_all(review_round, user):
    from rounds import services as round_services

    for risk in Risk.objects.open_on(review_round.opens_on):
        round_services.confirm_unchanged(review_round=review_round, risk_id=risk.pk, user=user, words="Unchanged")


def test_done_when_a_december_round_counts_a_missing_plan_until_one_is_recorded(client_for, users, financial):
    from rounds import services as round_services

    review_round = december_round(users["author"])
    confirm_all(review_round, users["smt"])
    rows = rows_by_ref(review_round)
    assert rows["4"].needs_plan and not rows["4"].done
    # The demo's own appetites were approved on 12 December 2017, after this round opened.
    assert [ref for ref, row in rows.items() if not row.done] == ["4"]
    assert round_services.outstanding_for_paper(review_round.paper)[0].endswith(
        "outside appetite with no action plan.")
    client = client_for("smt")
    page = " ".join(client.get(reverse("rounds:detail", args=[review_round.pk])).content.decode().split())
    assert "Outside appetite with no action plan: 1" in page and "(outside appetite with no action plan)" in page
    csv_lines = client.get(reverse("rounds:csv", args=[review_round.pk])).content.decode().splitlines()
    assert [line for line in csv_lines if line.endswith(",Outside appetite with no action plan")] == [
        line for line in csv_lines if line.startswith("4,")]
    response = client.post(reverse("rounds:sign_off", args=[review_round.pk]), {"note": "Early"})
    assert "risk 4 is outside appetite with no action plan" in response.content.decode()
    # The owner sees it under "My updates".
    owner = funding().ordered_owners()[0]
    client.force_login(owner.user, backend="django.contrib.auth.backends.ModelBackend")
    home = " ".join(client.get(reverse("home")).content.decode().split())
    assert "Risk 4: Adequate funding" in home and "Outside appetite with no action plan:" in home
    accept(users["smt"], funding())
    assert rows_by_ref(review_round)["4"].done
    assert round_services.outstanding_for_paper(review_round.paper) == ["The SMT has not signed off the register for this round."]


def test_a_plan_action_on_the_edit_page_stops_the_round_counting_it(client_for, users, financial):
    from tests.edit_helpers import edit_data

    review_round = december_round(users["author"])
    assert rows_by_ref(review_round)["4"].needs_plan
    control = financial.controls.get(status=Control.Status.IN_PROGRESS)
    data = edit_data(financial, reason="Plan to come within appetite")
    row = next(key.removesuffix("-id") for key, value in data.items()
               if key.startswith("controls-") and key.endswith("-id") and value == str(control.pk))
    owner = Owner.objects.order_by("pk").first()
    response = client_for("smt").post(reverse("risks:edit", args=[financial.pk]), {**data, f"{row}-owner": owner.pk})
    assert response.status_code == 302
    assert Control.objects.get(pk=control.pk).owner == owner
    assert not rows_by_ref(review_round)["4"].needs_plan


def test_a_round_opened_before_the_appetite_was_approved_is_not_held_to_it(users):
    set_financial_appetite(users["author"], approved_on=datetime.date(2017, 11, 2))
    review_round = december_round(users["author"])
    assert not rows_by_ref(review_round)["4"].needs_plan


def test_the_round_page_offers_the_risk_manager_record_a_plan_but_not_the_reviews(client_for, users, financial):
    """The report author holds manage_settings, so records acceptances: the round page links to the plan."""
    review_round = december_round(users["author"])
    page = client_for("author").get(reverse("rounds:detail", args=[review_round.pk])).content.decode()
    assert page.count("Record a plan") == 1
    assert f'href="{reverse("risks:detail", args=[funding().pk])}#risk-appetite"' in page
    assert reverse("risks:review", args=[funding().pk]) not in page
    assert "confirm unchanged" not in page
    smt_page = client_for("smt").get(reverse("rounds:detail", args=[review_round.pk])).content.decode()
    assert smt_page.count("Record a plan") == 1 and reverse("risks:review", args=[funding().pk]) in smt_page


def test_the_september_round_is_not_reopened(financial):
    """It opened on 1 September 2017, before any appetite was approved (the demo's, and financial's here)."""
    from rounds import status
    from rounds.models import ReviewRound

    review_round = ReviewRound.objects.get(paper__meeting_date="2017-09-22")
    assert all(row.done and not row.needs_plan for row in status.risk_rows(review_round))
    assert status.sign_off_state(review_round).current


def test_a_closed_round_is_never_reopened_by_an_appetite(users, financial):
    review_round = december_round(users["author"])
    review_round.closed_at = timezone.now()
    review_round.save()
    assert not any(row.needs_plan for row in rows_by_ref(review_round).values())


def test_round_page_queries_do_not_grow_with_risks_outside_appetite(client_for, users, financial,
                                                                    django_assert_num_queries):
    review_round = december_round(users["author"])
    client = client_for("smt")
    url = reverse("rounds:detail", args=[review_round.pk])
    before = queries_of(client, url)
    category = RiskCategory.objects.get(key="financial")
    for risk in Risk.objects.open().exclude(category=category)[:5]:
        risk.category, risk.current_likelihood, risk.current_impact = category, 5, 5
        risk.save()
    with django_assert_num_queries(before):
        page = " ".join(client.get(url).content.decode().split())
    assert "Outside appetite with no action plan: 6" in page


# The start page ---------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["smt", "author", "admin"])
def test_start_page_lists_risks_outside_appetite(client_for, users, financial, username):
    client = client_for(username)
    page = " ".join(client.get(reverse("home")).content.decode().split())
    section = page.split('id="outside-appetite"')[1]
    assert "Adequate funding" in section and "20, above the tolerance of 12 (Financial)" in section
    assert financial.owner_names.split(" / ")[0] in section
    assert "No plan" in section
    accept(users["smt"], funding())
    section = " ".join(client.get(reverse("home")).content.decode().split()).split('id="outside-appetite"')[1]
    assert f"Accepted until {(TODAY + datetime.timedelta(days=90)):%-d %b %Y}" in section


def test_start_page_list_is_the_register_filter(client_for, financial):
    """The start page judges appetite in Python; the register's filter in SQL: they agree,
    at the tolerance (within), just above it, and for a risk with no category."""
    category = RiskCategory.objects.get(key="financial")
    at, above, none = Risk.objects.open().exclude(pk=financial.pk).order_by("pk")[:3]
    at.category, at.current_likelihood, at.current_impact = category, 3, 4  # 12: at the tolerance
    above.category, above.current_likelihood, above.current_impact = category, 4, 4  # 16: above it
    none.category, none.current_likelihood, none.current_impact = None, 5, 5
    for risk in (at, above, none):
        risk.save()
    client = client_for("author")
    listed = [item["risk"].ref for item in client.get(reverse("home")).context["outside_appetite"]]
    filtered = [row.ref for row in client.get(reverse("risks:register"), {"appetite": "outside"}).context["risks"]]
    assert listed == filtered
    assert above.ref in listed and financial.ref in listed and at.ref not in listed and none.ref not in listed


def test_start_page_of_the_panel_has_no_such_list(client_for, financial):
    assert 'id="outside-appetite"' not in client_for("panel").get(reverse("home")).content.decode()


def test_start_page_queries_do_not_grow_with_risks_outside_appetite(client_for, users, financial,
                                                                     django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("author")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    category = RiskCategory.objects.get(key="financial")
    for risk in Risk.objects.open().exclude(category=category)[:5]:
        risk.category = category
        risk.current_likelihood, risk.current_impact = 5, 5
        risk.save()
    with django_assert_num_queries(len(before)):
        response = client.get(reverse("home"))
    assert len(response.context["outside_appetite"]) >= 6


# The heat map ------------------------------------------------------------------------------

def test_heat_map_marks_cells_above_the_chosen_tolerance(client_for, financial):
    client = client_for("smt")
    plain = client.get(reverse("risks:register"))
    assert "Above tolerance" not in plain.content.decode().split('id="heat-map-caption"')[1]
    choices = dict(plain.context["tolerance"]["form"].fields["tolerance_category"].choices)
    assert "financial" in choices and "strategy" not in choices  # strategy has no appetite in the demo
    response = client.get(reverse("risks:register"), {"tolerance_category": "financial", "owner": ""})
    page = " ".join(response.content.decode().split())
    assert "Cells above the financial tolerance (12) are marked “Above tolerance”" in page
    cells = [cell for row in response.context["heat_map"]["rows"] for cell in row["cells"]]
    assert {cell["score"] for cell in cells if cell["above_tolerance"]} == {15, 16, 20, 25}
    assert page.count('<span class="heat-map__above">Above tolerance</span>') == sum(
        1 for cell in cells if cell["above_tolerance"])
    # The cells' links keep the marking.
    assert "tolerance_category=financial" in cells[0]["query"]


def test_heat_map_refuses_an_unknown_category_plainly(client_for, financial):
    response = client_for("smt").get(reverse("risks:register"), {"tolerance_category": "no-such"})
    page = response.content.decode()
    assert response.status_code == 200 and "Choose a category with an appetite from the list." in page
    assert "Above tolerance</span>" not in page


def test_heat_map_marking_costs_no_query_of_its_own(client_for, financial, django_assert_num_queries):
    client = client_for("smt")
    plain = queries_of(client, reverse("risks:register"))
    with django_assert_num_queries(plain):
        assert client.get(reverse("risks:register"), {"tolerance_category": "financial"}).status_code == 200
