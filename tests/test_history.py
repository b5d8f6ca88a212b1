import pytest
from django.core.exceptions import ValidationError

from controls.models import Control
from riskregister.tracking import REASON_MAX_LENGTH, ConflictError, save_tracked
from risks import services
from risks.models import Risk
from tests.factories import make_owner, make_risk

# Risks of their own with the demo's refs ("1"): start from an empty register.
pytestmark = pytest.mark.usefixtures("empty_database")


@pytest.mark.django_db
def test_each_save_writes_one_revision_with_user_and_reason(django_user_model):
    editor = django_user_model.objects.create(username="editor")
    risk = make_risk("1", user=editor)
    assert risk.history.count() == 1
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=editor,
                         reason="Clearer wording", description="Failure to secure delivery")
    revisions = list(risk.history.all())
    assert len(revisions) == 2
    latest = revisions[0]
    assert latest.history_user == editor
    assert latest.history_change_reason == "Clearer wording"
    assert latest.description == "Failure to secure delivery"
    assert revisions[1].description == "Failure to do thing 1"


@pytest.mark.django_db
def test_a_change_without_a_reason_is_refused_and_nothing_saved(django_user_model):
    editor = django_user_model.objects.create(username="editor")
    risk = make_risk("1", user=editor)
    with pytest.raises(ValidationError):
        services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=editor, reason=" ",
                             title="Renamed")
    risk.refresh_from_db()
    assert risk.title == "Risk 1 title"
    assert risk.history.count() == 1


@pytest.mark.django_db
def test_owner_changes_appear_in_the_risks_history(django_user_model):
    editor = django_user_model.objects.create(username="editor")
    peters, wylie = make_owner("Siobhan Peters"), make_owner("Paul Wylie")
    risk = make_risk("2a", user=editor, owners=[peters, wylie])
    assert risk.owner_names == "Siobhan Peters / Paul Wylie"
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=editor,
                         reason="Paul now leads", owners=[wylie, peters])
    risk.refresh_from_db()
    assert [owner.name for owner in risk.ordered_owners()] == ["Paul Wylie", "Siobhan Peters"]
    latest, previous = risk.history.all()[:2]
    assert (previous.owner_names, latest.owner_names) == ("Siobhan Peters / Paul Wylie", "Paul Wylie / Siobhan Peters")
    assert latest.history_user == editor and latest.history_change_reason == "Paul now leads"
    # The ownership rows keep their own history too.
    ownership_revisions = risk.ownerships.get(owner=wylie).history.all()
    assert ownership_revisions[0].position == 0 and ownership_revisions[0].history_user == editor


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_writes_nothing():
    risk = make_risk("1")
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=None, reason="First", title="One")
    with pytest.raises(ConflictError) as conflict:
        services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=None, reason="Second", title="Two")
    assert conflict.value.current.title == "One"
    assert Risk.objects.get().title == "One"
    assert risk.history.count() == 2


@pytest.mark.django_db
def test_recording_a_review_sets_current_scores_and_trend(django_user_model):
    import datetime

    reviewer = django_user_model.objects.create(username="reviewer")
    risk = make_risk("1", opened_on=datetime.date(2017, 4, 1))  # a review cannot precede the date raised

    review = services.record_review(risk_id=risk.pk, user=reviewer, reason="Quarterly review",
                                    reviewed_on=datetime.date(2017, 9, 5), trend="increasing",
                                    likelihood=5, impact=4, commentary="Worse")
    risk.refresh_from_db()
    assert (risk.current_likelihood, risk.current_impact, risk.trend) == (5, 4, "increasing")
    assert review.reviewer == reviewer
    assert review.history.get().history_change_reason == "Quarterly review"
    assert risk.history.first().history_user == reviewer


@pytest.mark.django_db
def test_controls_keep_history():
    risk = make_risk("1")
    control = save_tracked(Control(risk=risk, description="Plan"), user=None, reason="Added")
    control.description = "Better plan"
    save_tracked(control, user=None, reason="Reworded")
    assert [h.history_change_reason for h in control.history.all()] == ["Reworded", "Added"]


@pytest.mark.django_db
def test_an_over_long_reason_is_refused_before_anything_is_written():
    risk = make_risk("1")
    with pytest.raises(ValidationError, match=f"{REASON_MAX_LENGTH} characters"):
        services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=None,
                             reason="x" * (REASON_MAX_LENGTH + 1), title="Renamed")
    assert Risk.objects.get().title == "Risk 1 title"
