import pytest
from django.test import Client
from django.urls import reverse

from controls.models import Control
from riskregister.tracking import REASON_MAX_LENGTH
from risks import services
from risks.models import Owner, Risk
from tests.edit_helpers import edit_data
from tests.factories import funding

pytestmark = pytest.mark.django_db


def controls_of(risk):
    return list(Control.objects.filter(risk=risk).order_by("position", "pk"))


def new_control_keys(risk):
    """The POST keys of the empty extra control row of the edit page."""
    index = len(controls_of(risk))
    return lambda field: f"controls-{index}-{field}"


def test_edit_description_and_add_a_control_in_one_save(client_for, users):
    risk = funding()
    key = new_control_keys(risk)
    data = edit_data(risk, reason="Budget settlement", **{
        "risk-description": "Failure to secure adequate funding for 2018",
        key("kind"): "action", key("name"): "Budget review", key("separator"): ": ",
        key("description"): "Quarterly budget review with the Home Office", key("lever"): "direct_delivery",
        key("status"): "planned", key("position"): "9",
    })
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    risk.refresh_from_db()
    assert risk.description == "Failure to secure adequate funding for 2018"
    added = Control.objects.get(risk=risk, name="Budget review")
    assert added.lever == "direct_delivery"
    revision = risk.history.first()
    assert (revision.history_user, revision.history_change_reason) == (users["smt"], "Budget settlement")
    control_revision = added.history.get()
    assert (control_revision.history_user, control_revision.history_change_reason) == (users["smt"], "Budget settlement")
    page = client_for("smt").get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert "Budget review" in page and "for 2018" in page
    history = client_for("smt").get(reverse("risks:history", args=[risk.pk])).content.decode()
    assert "By Siobhan Peters on" in history and "Reason: Budget settlement" in history


def test_edit_reorders_and_removes_controls(client_for):
    risk = funding()
    first, second = controls_of(risk)[:2]
    count = len(controls_of(risk))
    data = edit_data(risk, **{"controls-0-DELETE": "on", "controls-1-position": "50"})
    assert client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data).status_code == 302
    assert not Control.objects.filter(pk=first.pk).exists()
    assert first.history.first().history_type == "-"  # deleted, history kept
    assert Control.objects.get(pk=second.pk).position == 50
    assert len(controls_of(risk)) == count - 1


def test_edit_changes_owners_and_their_order(client_for):
    risk = funding()
    owners = risk.ordered_owners()
    other = Owner.objects.exclude(pk__in=[o.pk for o in owners]).first()
    extra = len(owners)
    data = edit_data(risk, **{"owners-0-order": "3", f"owners-{extra}-owner": str(other.pk),
                              f"owners-{extra}-order": "1"})
    assert client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data).status_code == 302
    risk.refresh_from_db()
    names = [o.name for o in risk.ordered_owners()]
    assert names[0] == other.name and names[-1] == owners[0].name


@pytest.mark.parametrize("username, expected", [("author", 403), ("panel", 403), (None, 302)])
def test_edit_is_for_smt_editors_only(client_for, username, expected):
    risk = funding()
    data = edit_data(risk, **{"risk-title": "Hijacked"})
    client = client_for(username)
    assert client.get(reverse("risks:edit", args=[risk.pk])).status_code == expected
    assert client.post(reverse("risks:edit", args=[risk.pk]), data).status_code == expected
    assert funding().title == "Adequate funding"


def test_edit_wrong_method_is_405(client_for):
    assert client_for("smt").put(reverse("risks:edit", args=[funding().pk])).status_code == 405


@pytest.mark.parametrize("key, value, message", [
    ("risk-inherent_likelihood", "9", "Enter a score from 1 to 5."),
    ("risk-inherent_impact", "abc", "Enter a whole number"),
    ("risk-title", "x" * 201, "at most 200 characters"),
    ("owners-0-owner", "999999", "Choose an owner from the list"),
    ("controls-0-owner", "999999", "Choose an owner from the list"),
    ("owners-0-owner", "abc", "Choose an owner from the list"),
    ("controls-0-owner", "1.5", "Choose an owner from the list"),
    ("risk-category", "999999", "Choose a category from the list."),
    ("controls-0-lever", "bribery", "Choose a lever from the list."),
    ("controls-0-description", "", "Enter the description."),
    ("change-reason", "", "Enter the reason for the change."),
    ("change-reason", "r" * (REASON_MAX_LENGTH + 1), f"at most {REASON_MAX_LENGTH} characters"),
    ("change-version", "abc", "Enter a whole number"),
    ("risk-ref", "2a", "Another open risk already has this ref"),
])
def test_bad_input_is_refused_next_to_the_field_and_nothing_saved(client_for, key, value, message):
    risk = funding()
    before_revisions = risk.history.count()
    before_controls = Control.history.filter(risk_id=risk.pk).count()
    data = edit_data(risk, **{"risk-description": "Kept text <i>typed</i>", key: value})
    if key == "risk-ref":
        data[key] = Risk.objects.exclude(pk=risk.pk).filter(status="open").first().ref
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert "Kept text &lt;i&gt;typed&lt;/i&gt;" in page  # entries kept, shown as text
    assert risk.history.count() == before_revisions
    assert Control.history.filter(risk_id=risk.pk).count() == before_controls


def test_a_control_of_another_risk_is_refused(client_for):
    risk = funding()
    stranger = Control.objects.exclude(risk=risk).first()
    data = edit_data(risk, **{"controls-0-id": str(stranger.pk), "controls-0-description": "Taken over"})
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data)
    assert response.status_code == 200
    assert "not one of this risk" in response.content.decode()
    stranger.refresh_from_db()
    assert stranger.description != "Taken over" and stranger.risk_id != risk.pk


def test_a_broken_management_form_is_a_form_error_not_a_500(client_for):
    risk = funding()
    data = edit_data(risk, **{"controls-TOTAL_FORMS": "abc"})
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data)
    assert response.status_code == 200
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()


def test_missing_csrf_token_is_403_and_nothing_saved(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["smt"], backend="django.contrib.auth.backends.ModelBackend")
    risk = funding()
    response = client.post(reverse("risks:edit", args=[risk.pk]), edit_data(risk, **{"risk-title": "No token"}))
    assert response.status_code == 403
    assert funding().title == "Adequate funding"


def test_a_failure_half_way_saves_nothing(users):
    """An invalid control after valid ones rolls back the controls, owners and risk alike."""
    risk = funding()
    first = controls_of(risk)[0]
    before = (risk.history.count(), Control.history.filter(risk_id=risk.pk).count(), risk.ownerships.count())
    other = Owner.objects.exclude(pk__in=[o.pk for o in risk.ordered_owners()]).first()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.edit_risk(
            risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Half",
            fields={"title": "Renamed"}, owners=[*risk.ordered_owners(), other],
            controls=[{"id": first.pk, "description": "Changed first"},
                      {"id": None, "description": "", "kind": "action"}],
        )
    risk.refresh_from_db()
    first.refresh_from_db()
    assert risk.title == "Adequate funding"
    assert first.description != "Changed first"
    assert before == (risk.history.count(), Control.history.filter(risk_id=risk.pk).count(), risk.ownerships.count())


def test_a_display_order_out_of_range_is_a_field_error(client_for):
    risk = funding()
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]),
                                      edit_data(risk, **{"controls-0-position": "40000"}))
    assert response.status_code == 200
    assert "less than or equal to 999" in response.content.decode()


@pytest.mark.parametrize("key", ["change-version", "owners-0-owner", "controls-0-owner", "controls-0-id", "risk-parent"])
def test_huge_numbers_in_hidden_or_choice_fields_are_form_errors(client_for, key):
    risk = funding()
    before = risk.history.count()
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]),
                                      edit_data(risk, **{key: "9" * 30, "risk-title": "Changed"}))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert risk.history.count() == before


def test_the_owners_are_read_once_for_every_owner_and_control_row(client_for):
    """One plain query for the owner rows and the control rows together, on the page and
    on its save (a submitted owner is checked against it, not read again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    risk = funding()
    client = client_for("smt")
    url = reverse("risks:edit", args=[risk.pk])
    with CaptureQueriesContext(connection) as page:
        client.get(url)
    owner = Owner.objects.filter(active=True).order_by("pk").last()
    data = edit_data(risk, reason="Owners checked", **{"controls-0-owner": str(owner.pk)})
    with CaptureQueriesContext(connection) as save:
        assert client.post(url, data).status_code == 302
    for queries in (page, save):
        # (The save's model validation still confirms, inside its transaction, that the owner exists.)
        assert len([q for q in queries if q["sql"].startswith('SELECT "risks_owner"."id"')]) == 1
        assert not any("DECLARE" in q["sql"] for q in queries)
    assert controls_of(risk)[0].owner == owner
