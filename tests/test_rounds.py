"""Review rounds (issue 12): open, statuses from the register, confirm unchanged, sign-off,
"My updates", the publish gate and the commands."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from publications.models import Publication
from reports.models import Paper
from risks import services as risk_services
from risks.models import Owner, Risk, Trend
from rounds import services, status
from rounds.models import Confirmation, PublicationGateOverride, ReviewRound, SignOff
from tests.edit_helpers import form_values
from tests.worker import publish_through_page

DECEMBER = date(2017, 12, 12)


@pytest.fixture
def december(demo):
    """The December 2017 round, opened by the author: every risk awaiting update."""
    return services.open_round(meeting_date=DECEMBER, opens_on=date(2017, 11, 1), deadline=date(2017, 11, 24),
                               user=demo["author"])


def statuses(review_round):
    return {row.risk.ref: row.status for row in status.risk_rows(review_round)}


def owned_by(username):
    return Risk.objects.open().filter(ownerships__owner__user__username=username).order_by("ref_number", "ref_suffix")


# The September fixture ---------------------------------------------------------------------

def test_the_september_round_is_complete_and_signed_off(demo):
    review_round = ReviewRound.objects.get(paper__meeting_date="2017-09-22")
    assert set(statuses(review_round).values()) == {status.UPDATED}
    state = status.sign_off_state(review_round)
    assert state.current and state.sign_off.signed_by == demo["smt"] and len(state.sign_off.register_sha256) == 64
    assert services.outstanding_for_paper(review_round.paper) == []


def test_every_owner_has_a_demo_account_and_an_example_org_address(demo, client, password):
    owners = list(Owner.objects.select_related("user"))
    assert owners and all(owner.email.endswith("@example.org") and owner.user for owner in owners)
    assert Owner.objects.get(name="Siobhan Peters").user == demo["smt"]
    response = client.post(reverse("login"), {"username": "paul.wylie", "password": password})
    assert response.status_code == 302 and response.wsgi_request.user.username == "paul.wylie"


# Opening a round ---------------------------------------------------------------------------

def test_author_opens_a_round_and_its_draft_paper_is_made_from_the_previous(demo, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("author").post(reverse("rounds:open"), {
            "meeting_date": "2017-12-12", "opens_on": "2017-11-01", "deadline": "2017-11-24"})
    review_round = ReviewRound.objects.get(paper__meeting_date=DECEMBER)
    assert response.status_code == 302 and response["Location"] == reverse("rounds:detail", args=[review_round.pk])
    september = Paper.objects.get(meeting_date="2017-09-22")
    assert review_round.paper.title == september.title and review_round.paper.summary == september.summary
    assert review_round.opened_by == demo["author"]
    assert set(statuses(review_round).values()) == {status.AWAITING} and len(statuses(review_round)) == 15


def test_open_form_defaults_to_today(demo, client_for):
    page = client_for("author").get(reverse("rounds:open")).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page


@pytest.mark.parametrize("data, message", [
    ({"opens_on": "2017-11-24", "deadline": "2017-11-01"}, "The deadline must be after the day the round opens"),
    ({"opens_on": "2017-11-01", "deadline": "2017-12-13"}, "The deadline must be on or before the meeting"),
    ({"opens_on": "2017-11-01", "deadline": "not a date"}, "Enter a real date"),
    ({"opens_on": "2017-11-01", "deadline": ""}, "Enter the deadline for updates"),
])
def test_bad_dates_are_refused_with_a_clear_message(demo, client_for, data, message):
    response = client_for("author").post(reverse("rounds:open"), {"meeting_date": "2017-12-12", **data})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ReviewRound.objects.filter(paper__meeting_date=DECEMBER).exists()
    assert not Paper.objects.filter(meeting_date=DECEMBER).exists()


def test_a_second_open_round_for_a_meeting_is_refused(december, client_for):
    response = client_for("author").post(reverse("rounds:open"), {
        "meeting_date": "2017-12-12", "opens_on": "2017-11-02", "deadline": "2017-11-30"})
    assert "There is already an open round for the meeting of 12 December 2017" in response.content.decode()
    assert ReviewRound.objects.filter(paper__meeting_date=DECEMBER).count() == 1


def test_a_round_for_a_published_meeting_is_refused(demo):
    call_command("publish_paper", meeting="2017-09-22", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already published"):
        call_command("open_round", meeting="2017-09-22", opens="2017-09-10", deadline="2017-09-20",
                     stdout=io.StringIO())


def test_open_round_command(demo):
    out = io.StringIO()
    call_command("open_round", meeting="2017-12-12", opens="2017-11-01", deadline="2017-11-24", user="author", stdout=out)
    assert "Opened the review round for 12 December 2017: 15 risks" in out.getvalue()
    assert Paper.objects.filter(meeting_date=DECEMBER).exists()
    with pytest.raises(CommandError, match="may not open rounds"):
        call_command("open_round", meeting="2018-03-12", deadline="2018-03-01", user="panel", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--deadline must be a date"):
        call_command("open_round", meeting="2018-03-12", deadline="soon", stdout=io.StringIO())


# Statuses ----------------------------------------------------------------------------------

def test_statuses_follow_the_register(december, demo, client_for):
    first, second, third, fourth = list(Risk.objects.open()[:4])
    client = client_for("smt")
    client.post(reverse("risks:review", args=[first.pk]), {
        "reviewed_on": timezone.localdate().isoformat(), "likelihood": first.current_likelihood,
        "impact": first.current_impact, "trend": Trend.NO_CHANGE, "commentary": "Looked again",
        "reason": "Review recorded", "version": first.version})
    services.confirm_unchanged(review_round=december, risk_id=second.pk, user=demo["smt"], words="Nothing moved")
    risk_services.close_risk(risk_id=third.pk, expected_version=third.version, user=demo["smt"], reason="Gone")
    risk_services.update_risk(risk_id=fourth.pk, expected_version=fourth.version, user=demo["smt"],
                              reason="Reworded", title="Reworded title")
    got = statuses(december)
    assert (got[first.ref], got[second.ref], got[third.ref], got[fourth.ref]) == (
        status.UPDATED, status.CONFIRMED, status.CLOSED, status.UPDATED)
    assert list(got.values()).count(status.AWAITING) == 11


def test_round_page_shows_progress_filters_and_overdue(december, client_for):
    client = client_for("author")
    page = client.get(reverse("rounds:detail", args=[december.pk])).content.decode()
    assert "15 of 15 risks awaiting update" in page and "Overdue" in page  # the 2017 deadline has passed
    assert "Progress by owner" in page and "Paul Wylie" in page
    paul = Owner.objects.get(name="Paul Wylie")
    filtered = client.get(reverse("rounds:detail", args=[december.pk]), {"owner": paul.pk, "status": "awaiting"})
    assert len(filtered.context["rows"]) == owned_by("paul.wylie").count()
    bad = client.get(reverse("rounds:detail", args=[december.pk]), {"status": "bogus"})
    assert bad.status_code == 200 and "Choose a status from the list." in bad.content.decode()


def test_round_csv(december, client_for):
    response = client_for("smt").get(reverse("rounds:csv", args=[december.pk]), {"status": "awaiting"})
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "Ref,Risk,Owners,Status,Overdue,Next review,Risk appetite" and len(lines) == 16
    assert "Awaiting update,Yes" in lines[1]


# Confirm unchanged -------------------------------------------------------------------------

def test_owner_confirms_from_my_updates_in_one_step(december, client_for, users):
    from django.contrib.auth import get_user_model

    paul = get_user_model().objects.get(username="paul.wylie")
    client = client_for("smt")
    client.force_login(paul, backend="django.contrib.auth.backends.ModelBackend")
    home = client.get(reverse("home")).content.decode()
    risk = owned_by("paul.wylie").first()
    assert "My updates" in home and reverse("risks:review", args=[risk.pk]) in home
    assert reverse("rounds:confirm", args=[december.pk, risk.pk]) in home
    response = client.post(reverse("rounds:confirm", args=[december.pk, risk.pk]), {"words": "Still as it was"})
    assert response.status_code == 302
    confirmation = Confirmation.objects.get(round=december, risk=risk)
    assert confirmation.on_behalf_of is None and confirmation.confirmed_by == paul
    review = confirmation.review
    assert (review.trend, review.commentary, review.reviewer) == (Trend.NO_CHANGE, "Still as it was", paul)
    risk.refresh_from_db()
    assert risk.next_review == risk.next_review_after(timezone.localdate())
    assert risk.history.first().history_change_reason == services.CONFIRM_REASON
    assert reverse("rounds:confirm", args=[december.pk, risk.pk]) not in client.get(reverse("home")).content.decode()


def test_smt_editor_confirms_on_behalf_of_the_owner_and_others_are_refused(december, demo, client_for):
    risk = owned_by("paul.wylie").exclude(ownerships__owner__name="Siobhan Peters").first()
    assert client_for("author").post(reverse("rounds:confirm", args=[december.pk, risk.pk]), {"words": "x"}).status_code == 403
    assert client_for("panel").get(reverse("rounds:confirm", args=[december.pk, risk.pk])).status_code == 403
    client = client_for("smt")
    assert "You do not own this risk" in client.get(reverse("rounds:confirm", args=[december.pk, risk.pk])).content.decode()
    client.post(reverse("rounds:confirm", args=[december.pk, risk.pk]), {"words": "Checked with Paul"})
    confirmation = Confirmation.objects.get(round=december, risk=risk)
    assert confirmation.on_behalf_of.name == "Paul Wylie" and confirmation.confirmed_by == demo["smt"]
    assert "on behalf of Paul Wylie" in confirmation.review.commentary


def test_confirming_twice_or_without_words_is_refused(december, demo, client_for):
    risk = Risk.objects.open().first()
    client = client_for("smt")
    empty = client.post(reverse("rounds:confirm", args=[december.pk, risk.pk]), {"words": " "})
    assert "Say in a few words why nothing has changed." in empty.content.decode()
    client.post(reverse("rounds:confirm", args=[december.pk, risk.pk]), {"words": "Same"})
    again = client.post(reverse("rounds:confirm", args=[december.pk, risk.pk]), {"words": "Same again"})
    assert "already confirmed unchanged" in again.content.decode()
    assert risk.reviews.count() == 2  # the fixture's, and one confirmation


# Sign-off ----------------------------------------------------------------------------------

def test_sign_off_is_refused_while_anything_is_outstanding(december, client_for):
    response = client_for("smt").post(reverse("rounds:sign_off", args=[december.pk]), {"note": "Early"})
    assert "cannot be signed off yet" in response.content.decode()
    assert not SignOff.objects.filter(round=december).exists()
    assert client_for("author").post(reverse("rounds:sign_off", args=[december.pk])).status_code == 403


def complete(review_round, user):
    for risk in Risk.objects.open_on(review_round.opens_on):
        services.confirm_unchanged(review_round=review_round, risk_id=risk.pk, user=user, words="Unchanged")


def test_sign_off_then_a_change_marks_it_out_of_date(december, demo, client_for):
    complete(december, demo["smt"])
    client = client_for("smt")
    response = client.post(reverse("rounds:sign_off", args=[december.pk]), {"note": "SMT of 28 November"})
    assert response.status_code == 302
    sign_off = SignOff.objects.get(round=december)
    assert sign_off.signed_by == demo["smt"] and sign_off.note == "SMT of 28 November"
    assert status.sign_off_state(december).current
    assert services.outstanding_for_paper(december.paper) == []
    risk = Risk.objects.open().get(ref="4")
    risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                              reason="Later change", title="Funding, again")
    page = client_for("author").get(reverse("rounds:detail", args=[december.pk])).content.decode()
    assert "Out of date" in page and "risk 4" in page
    assert any("out of date" in item for item in services.outstanding_for_paper(december.paper))


# The publish gate --------------------------------------------------------------------------

def test_publish_paper_refuses_with_items_outstanding(december, capsys):
    with pytest.raises(CommandError, match="items are outstanding") as refused:
        call_command("publish_paper", meeting="2017-12-12", stdout=io.StringIO())
    assert "Risk 1 " in str(refused.value) and "not signed off" in str(refused.value)
    assert refused.value.returncode == 1
    assert not Publication.objects.filter(paper=december.paper).exists()


def test_publish_paper_with_accept_outstanding_stores_the_reason(december):
    call_command("publish_paper", meeting="2017-12-12", accept_outstanding="Panel brought forward",
                 stdout=io.StringIO())
    publication = Publication.objects.get(paper=december.paper)
    override = PublicationGateOverride.objects.get(publication=publication)
    assert override.reason == "Panel brought forward" and "not signed off" in override.outstanding
    december.refresh_from_db()
    assert not december.is_open


def test_publish_page_lists_outstanding_and_needs_a_reason(december, client_for):
    client = client_for("author")
    url = reverse("reports:publish", args=[december.paper.pk])
    page = client.get(url).content.decode()
    assert "Items are outstanding" in page and "The SMT has not signed off" in page
    refused = client.post(url, form_values(page))
    assert "give the reason for publishing anyway" in refused.content.decode()
    assert not Publication.objects.filter(paper=december.paper).exists()
    publish_through_page(client, december.paper, accept_outstanding="The panel asked for it now")
    assert Publication.objects.get(paper=december.paper).gate_override.reason == "The panel asked for it now"


def test_september_publishes_through_the_gate_without_a_reason(demo, client_for):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    page = client_for("author").get(reverse("reports:publish", args=[paper.pk])).content.decode()
    assert "the SMT sign-off is current" in page
    publish_through_page(client_for("author"), paper)
    publication = Publication.objects.get(paper=paper)
    assert not PublicationGateOverride.objects.filter(publication=publication).exists()


# Reviews keep the calendar, owners, New risk ------------------------------------------------

def test_a_review_moves_next_review_by_the_interval_and_new_is_not_offered(demo, client_for):
    risk = Risk.objects.open().first()
    client = client_for("smt")
    page = client.get(reverse("risks:review", args=[risk.pk])).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page and 'value="new"' not in page
    client.post(reverse("risks:review", args=[risk.pk]), {
        "reviewed_on": "2017-12-01", "likelihood": risk.current_likelihood, "impact": risk.current_impact,
        "trend": Trend.NO_CHANGE, "reason": "Review recorded", "version": risk.version})
    risk.refresh_from_db()
    assert risk.next_review == date(2018, 3, 1)
    refused = client.post(reverse("risks:review", args=[risk.pk]), {
        "reviewed_on": "2017-12-02", "likelihood": risk.current_likelihood, "impact": risk.current_impact,
        "trend": Trend.NEW, "reason": "Review recorded", "version": risk.version})
    assert refused.status_code == 200 and risk.reviews.count() == 2


def test_half_yearly_interval(demo):
    risk = Risk.objects.open().first()
    risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Slower",
                              review_interval_months=6)
    risk_services.record_review(risk_id=risk.pk, user=demo["smt"], reason="Review", reviewed_on=date(2017, 12, 31),
                                trend=Trend.NO_CHANGE, likelihood=3, impact=3)
    risk.refresh_from_db()
    assert risk.next_review == date(2018, 6, 30)


def test_smt_editors_manage_owners(demo, client_for):
    client = client_for("smt")
    response = client.post(reverse("rounds:owner_create"), {
        "name": "Ann Other", "role_title": "Director", "email": "ann.other@example.org", "active": "on",
        "reason": "New director"})
    assert response.status_code == 302
    owner = Owner.objects.get(name="Ann Other")
    assert owner.history.first().history_user == demo["smt"]
    client.post(reverse("rounds:owner_edit", args=[owner.pk]), {
        "name": "Ann Other-Smith", "email": "ann@example.org", "reason": "Renamed and retired"})
    owner.refresh_from_db()
    assert (owner.name, owner.email, owner.active) == ("Ann Other-Smith", "ann@example.org", False)
    bad = client.post(reverse("rounds:owner_create"), {"name": "Paul Wylie", "email": "nope", "reason": "x"})
    text = bad.content.decode()
    assert "An owner with this name already exists." in text and "Enter an email address like" in text
    assert client_for("author").post(reverse("rounds:owner_create"), {"name": "X", "reason": "x"}).status_code == 403


def test_new_risk_button_for_smt_editors_only(demo, client_for):
    create = reverse("risks:create")
    assert create in client_for("smt").get(reverse("risks:register")).content.decode()
    assert create in client_for("smt").get(reverse("home")).content.decode()
    assert create not in client_for("author").get(reverse("risks:register")).content.decode()


def test_a_retired_owner_is_not_given_new_risks(demo, client_for):
    from tests.edit_helpers import new_risk_data

    owner = Owner.objects.first()
    owner.active = False
    owner.save()
    response = client_for("smt").post(reverse("risks:create"), new_risk_data())
    assert f"{owner.name} retired as an owner: choose an active owner." in response.content.decode()
    assert not Risk.objects.filter(title="Cyber attack").exists()


def test_the_quarter_from_opening_to_publishing(demo, client_for, django_capture_on_commit_callbacks):
    """Issue 12's "done when", at the level of pages: open, remind, update, sign off, publish, change."""
    from django.contrib.auth import get_user_model
    from django.core import mail

    from rounds.reminders import send_due_reminders

    with django_capture_on_commit_callbacks(execute=False):
        client_for("author").post(reverse("rounds:open"), {
            "meeting_date": "2017-12-12", "opens_on": "2017-11-01", "deadline": "2017-11-24"})
    review_round = ReviewRound.objects.get(paper__meeting_date=DECEMBER)
    assert send_due_reminders(date(2017, 11, 1)) == len(mail.outbox) == 3  # one per owner of risks
    client = client_for(None)
    for owner in Owner.objects.filter(risks__isnull=False).distinct().select_related("user"):
        client.force_login(owner.user, backend="django.contrib.auth.backends.ModelBackend")
        for row in next(item for item in status.my_updates(owner.user) if item["round"] == review_round)["rows"]:
            client.post(reverse("rounds:confirm", args=[review_round.pk, row.risk.pk]), {"words": "As before"})
    assert set(statuses(review_round).values()) == {status.CONFIRMED}
    client_for("smt").post(reverse("rounds:sign_off", args=[review_round.pk]), {"note": "SMT, 28 November"})
    assert status.sign_off_state(review_round).current
    publish = publish_through_page(client_for("author"), review_round.paper)
    assert publish.status_code == 302
    publication = Publication.objects.get(paper=review_round.paper)
    assert not PublicationGateOverride.objects.filter(publication=publication).exists()
    risk = Risk.objects.open().first()
    risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=get_user_model().objects.get(username="smt"),
                              reason="After the panel", title="Changed after sign-off")
    assert "Out of date" in client_for("author").get(reverse("rounds:detail", args=[review_round.pk])).content.decode()


def test_smt_editors_keep_a_risks_dependencies(demo, client_for):
    from risks.models import RiskDependency

    risk, other = list(Risk.objects.open()[:2])
    client = client_for("smt")
    url = reverse("risks:dependencies", args=[risk.pk])
    assert url in client.get(reverse("risks:detail", args=[risk.pk])).content.decode()
    missing = client.post(url, {"depends_on": "", "reason": "x"})
    assert "Select the risk this one depends on." in missing.content.decode()
    RiskDependency.objects.filter(risk=risk, depends_on=other).delete()
    client.post(url, {"depends_on": other.pk, "note": "Funding knocks on", "reason": "Dependency recorded"})
    dependency = RiskDependency.objects.get(risk=risk, depends_on=other)
    assert dependency.history.first().history_user == demo["smt"]
    twice = client.post(url, {"depends_on": other.pk, "reason": "Again"})
    assert "This dependency is already recorded." in twice.content.decode()
    assert client_for("author").get(url).status_code == 403
    client = client_for("smt")
    client.post(reverse("risks:remove_dependency", args=[risk.pk, dependency.pk]))
    assert not RiskDependency.objects.filter(pk=dependency.pk).exists()
    assert RiskDependency.history.filter(id=dependency.pk, history_type="-").get().history_user == demo["smt"]
