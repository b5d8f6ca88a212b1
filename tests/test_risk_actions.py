"""Create, close, reopen and record a review."""

import datetime

import pytest
from django.urls import reverse

from risks.models import Owner, Risk
from tests.edit_helpers import new_risk_data
from tests.factories import funding

pytestmark = pytest.mark.django_db


def test_create_a_risk(client_for, users):
    response = client_for("smt").post(reverse("risks:create"), new_risk_data())
    risk = Risk.objects.get(ref="15")
    assert response.status_code == 302 and response["Location"] == reverse("risks:detail", args=[risk.pk])
    assert risk.owner_names == Owner.objects.first().name
    revision = risk.history.get()
    assert (revision.history_user, revision.history_change_reason) == (users["smt"], "New threat")


@pytest.mark.parametrize("key, value, message", [
    ("risk-current_impact", "0", "Enter a score from 1 to 5."),
    ("risk-title", "", "Enter the title."),
    ("risk-ref", "2A", "A ref is a number"),
    ("owners-0-owner", "abc", "Choose an owner from the list"),
    ("risk-next_review", "31/02/2018", "Enter a valid date"),
])
def test_create_refuses_bad_input(client_for, key, value, message):
    response = client_for("smt").post(reverse("risks:create"), new_risk_data(**{key: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Failure to protect systems"' in response.content.decode() or "Failure to protect systems" in response.content.decode()
    assert not Risk.objects.filter(title="Cyber attack").exists()


@pytest.mark.parametrize("username, expected", [("author", 403), ("panel", 403), (None, 302)])
def test_create_is_for_smt_editors_only(client_for, username, expected):
    client = client_for(username)
    assert client.get(reverse("risks:create")).status_code == expected
    assert client.post(reverse("risks:create"), new_risk_data()).status_code == expected
    assert not Risk.objects.filter(ref="15").exists()


def test_close_and_reopen(client_for, users):
    risk = funding()
    client = client_for("smt")
    response = client.post(reverse("risks:close", args=[risk.pk]), {"version": risk.version, "reason": "Merged into risk 5"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == "closed" and risk.closed_reason == "Merged into risk 5"
    assert risk.history.first().history_user == users["smt"]
    assert "Adequate funding" not in client.get(reverse("risks:register")).content.decode()
    page = client.get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert "Closed" in page and reverse("risks:reopen", args=[risk.pk]) in page
    response = client.post(reverse("risks:reopen", args=[risk.pk]), {"version": risk.version, "reason": "Still live"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == "open" and risk.history.count() >= 3


def test_close_needs_a_reason_and_a_numeric_version(client_for):
    risk = funding()
    response = client_for("smt").post(reverse("risks:close", args=[risk.pk]), {"version": "x", "reason": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter why the risk is being closed." in page and "Enter a whole number" in page
    assert funding().status == "open"


def test_reopen_refuses_a_ref_now_taken(client_for, users):
    from risks import services

    risk = funding()
    services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Gone")
    risk.refresh_from_db()
    # Another open risk takes the closed risk's ref.
    taker = Risk.objects.exclude(pk=risk.pk).order_by("-ref_number").first()
    services.update_risk(risk_id=taker.pk, expected_version=taker.version, user=users["smt"],
                         reason="Renumber", ref=risk.ref)
    response = client_for("smt").post(reverse("risks:reopen", args=[risk.pk]), {"version": risk.version, "reason": "Back"})
    assert response.status_code == 200
    assert "Another open risk already has this ref" in response.content.decode()
    risk.refresh_from_db()
    assert risk.status == "closed"


@pytest.mark.parametrize("name", ["close", "reopen", "review"])
@pytest.mark.parametrize("username, expected", [("author", 403), ("panel", 403), (None, 302)])
def test_actions_are_for_smt_editors_only(client_for, name, username, expected):
    risk = funding()
    client = client_for(username)
    assert client.get(reverse(f"risks:{name}", args=[risk.pk])).status_code == expected
    assert client.post(reverse(f"risks:{name}", args=[risk.pk]), {"version": risk.version, "reason": "x"}).status_code == expected
    assert funding().history.count() == risk.history.count()


@pytest.mark.parametrize("name", ["close", "reopen", "review", "edit", "restore"])
def test_actions_wrong_method_is_405(client_for, name):
    risk = funding()
    args = [risk.pk, risk.history.first().history_id] if name == "restore" else [risk.pk]
    assert client_for("smt").delete(reverse(f"risks:{name}", args=args)).status_code == 405


def review_data(risk, **overrides):
    return {"version": risk.version, "reason": "Quarterly review", "reviewed_on": "2017-12-05",
            "likelihood": str(risk.current_likelihood), "impact": str(risk.current_impact),
            "trend": "no_change", "commentary": "Steady <em>state</em>", **overrides}


def test_record_a_review(client_for, users):
    risk = funding()
    response = client_for("smt").post(reverse("risks:review", args=[risk.pk]), review_data(
        risk, likelihood="5", impact="5", trend="increasing"))
    assert response.status_code == 302
    risk.refresh_from_db()
    review = risk.reviews.latest()
    assert (review.likelihood, review.impact, review.trend, review.reviewer) == (5, 5, "increasing", users["smt"])
    assert (risk.current_likelihood, risk.trend, risk.last_reviewed) == (5, "increasing", datetime.date(2017, 12, 5))
    page = client_for("smt").get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert "Steady &lt;em&gt;state&lt;/em&gt;" in page


def test_review_form_shows_the_score_to_compare_with(client_for):
    risk = funding()
    page = client_for("smt").get(reverse("risks:review", args=[risk.pk])).content.decode()
    assert "Score at the last review" in page and "A higher score suggests “Increasing”" in page


@pytest.mark.parametrize("scores, suggested", [((5, 5), "Increasing"), ((1, 1), "Decreasing"), (None, "No change")])
def test_a_trend_that_disagrees_with_the_scores_needs_a_reason(client_for, scores, suggested):
    risk = funding()
    assert 1 < risk.current_score < 25
    likelihood, impact = scores or (risk.current_likelihood, risk.current_impact)
    chosen = "fluctuating"
    response = client_for("smt").post(reverse("risks:review", args=[risk.pk]), review_data(
        risk, likelihood=str(likelihood), impact=str(impact), trend=chosen))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"The scores suggest “{suggested}”" in page
    assert f"Suggested trend for the scores entered: {suggested}." in page
    assert risk.reviews.count() == 1
    response = client_for("smt").post(reverse("risks:review", args=[risk.pk]), review_data(
        risk, likelihood=str(likelihood), impact=str(impact), trend=chosen, trend_reason="Swings month to month"))
    assert response.status_code == 302
    review = risk.reviews.latest()
    assert review.trend == "fluctuating" and "Swings month to month" in review.commentary


def test_a_trend_that_agrees_needs_no_reason(client_for):
    risk = funding()
    response = client_for("smt").post(reverse("risks:review", args=[risk.pk]), review_data(risk, trend="no_change"))
    assert response.status_code == 302


@pytest.mark.parametrize("key, value, message", [
    ("likelihood", "6", "Enter a score from 1 to 5."),
    ("impact", "two", "Enter a whole number"),
    ("reviewed_on", "yesterday", "Enter a valid date"),
    ("trend", "sideways", "Select a valid choice"),
    ("commentary", "c" * 4001, "at most 4000 characters"),
    ("version", "1; DROP TABLE", "Enter a whole number"),
    ("trend", "", "Select the trend."),
    ("likelihood", "", "Enter the current likelihood."),
    ("reviewed_on", "", "Enter the date of review."),
])
def test_review_refuses_bad_input(client_for, key, value, message):
    risk = funding()
    response = client_for("smt").post(reverse("risks:review", args=[risk.pk]), review_data(risk, **{key: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert risk.reviews.count() == 1


def test_create_wrong_method_is_405(client_for):
    assert client_for("smt").put(reverse("risks:create")).status_code == 405


def test_new_risk_page_shows_html_typed_as_text(client_for):
    response = client_for("smt").post(reverse("risks:create"), new_risk_data(**{
        "risk-title": "<script>alert(1)</script>", "risk-current_impact": "9"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
