"""The start page: the SMT editor's dashboard, and a landing page for the other roles."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from controls.models import Control
from riskregister.access import SMT_EDITOR
from riskregister.tracking import save_tracked
from risks import services
from risks.models import Owner, Risk
from tests.factories import make_risk

HOME = reverse("home")


@pytest.fixture
def colleague(django_user_model):
    user = django_user_model.objects.create_user("colleague", first_name="Cal", last_name="League")
    user.groups.add(Group.objects.get(name=SMT_EDITOR))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("username", [None, "panel", "author", "smt", "admin"])
def test_start_page_by_role(client_for, username):
    response = client_for(username).get(HOME)
    if username is None:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == 200
    register_link = f'<a href="{reverse("risks:register")}">The corporate risk register</a>'
    assert (register_link in response.text) is (username != "panel")
    assert ('id="my-risks"' in response.text) is (username in ("smt", "admin"))
    published_link = f'<a href="{reverse("published:overview")}">Published papers</a>'
    assert published_link in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_start_page_refuses_other_methods(client_for, method):
    assert getattr(client_for("smt"), method)(HOME).status_code == 405


@pytest.mark.django_db
def test_my_risks_are_those_of_the_owner_linked_to_me(client_for, users):
    response = client_for("smt").get(HOME)
    mine = [risk.ref for risk in response.context["dashboard"]["my_risks"]]
    assert mine == list(Risk.objects.open().filter(owners__user=users["smt"]).values_list("ref", flat=True))
    assert "4" in mine and "1" not in mine  # Siobhan Peters owns 4 (funding), not 1
    assert "Adequate funding" in response.text


@pytest.mark.django_db
def test_an_unlinked_editor_owns_nothing(client_for, colleague, client):
    client.force_login(colleague, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(HOME)
    assert response.context["dashboard"]["my_risks"] == []
    assert "You own no open risks." in response.text


@pytest.mark.django_db
def test_overdue_reviews_are_open_risks_past_their_next_review(client_for, users):
    today = timezone.localdate()
    funding = Risk.objects.get(title="Adequate funding")
    services.update_risk(risk_id=funding.pk, expected_version=funding.version, user=users["smt"],
                         reason="Next review set", next_review=today + timedelta(days=30))
    due_today = Risk.objects.get(ref="5")
    services.update_risk(risk_id=due_today.pk, expected_version=due_today.version, user=users["smt"],
                         reason="Next review set", next_review=today)
    overdue = client_for("smt").get(HOME).context["dashboard"]["overdue_reviews"]
    refs = [risk.ref for risk in overdue]
    assert refs == list(Risk.objects.open().filter(next_review__lt=today).values_list("ref", flat=True))
    assert "4" not in refs and "5" not in refs and "1" in refs


@pytest.mark.django_db
def test_overdue_control_actions_exclude_finished_and_future_ones(client_for, users):
    today = timezone.localdate()
    risk = Risk.objects.get(ref="1")
    def control(description, status, due):
        return save_tracked(Control(risk=risk, description=description, status=status, due_date=due),
                                     user=users["smt"], reason="Test control")
    late = control("Late action", Control.Status.IN_PROGRESS, today - timedelta(days=1))
    control("Retired action", Control.Status.RETIRED, today - timedelta(days=1))
    control("Delivered action", Control.Status.IN_PLACE, today - timedelta(days=1))
    control("Future action", Control.Status.PLANNED, today + timedelta(days=1))
    response = client_for("smt").get(HOME)
    overdue = response.context["dashboard"]["overdue_controls"]
    descriptions = [item.description for item in overdue]
    assert late.description in descriptions
    assert not {"Retired action", "Delivered action", "Future action"} & set(descriptions)
    # The fixture's own late action: "GLA budget ..." due 31 December 2017, in progress.
    assert any(item.name.startswith("GLA budget") for item in overdue)
    assert "Late action" in response.text


@pytest.mark.django_db
def test_recent_changes_are_by_others_newest_first(client_for, users, colleague):
    risk = Risk.objects.get(ref="4")
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"],
                         reason="My own edit", description="Failure to secure funding")
    services.update_risk(risk_id=risk.pk, expected_version=risk.version + 1, user=colleague,
                         reason="Colleague's edit", title="Funding")
    changes = client_for("smt").get(HOME).context["dashboard"]["recent_changes"]
    reasons = [change.reason for change in changes]
    assert reasons[0] == "Colleague's edit" and "My own edit" not in reasons
    assert changes[0].who == "Cal League" and changes[0].risk_id == risk.pk
    assert [change.when for change in changes] == sorted((change.when for change in changes), reverse=True)
    assert len(changes) == 15  # the demo load made many more, by the administrator
    # The colleague sees the smt editor's edit, not their own.
    from django.test import Client

    other = Client()
    other.force_login(colleague, backend="django.contrib.auth.backends.ModelBackend")
    theirs = [change.reason for change in other.get(HOME).context["dashboard"]["recent_changes"]]
    assert "My own edit" in theirs and "Colleague's edit" not in theirs


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow(client_for, users, django_assert_num_queries):
    client = client_for("smt")
    client.get(HOME)
    with CaptureQueriesContext(connection) as small:
        client.get(HOME)
    owner = Owner.objects.get(user=users["smt"])
    past = timezone.localdate() - timedelta(days=3)
    for number in range(200, 220):
        risk = make_risk(str(number), user=users["admin"], owners=[owner], opened_on=past - timedelta(days=90), next_review=past)
        save_tracked(Control(risk=risk, description="Late", status=Control.Status.PLANNED, due_date=past),
                              user=users["admin"], reason="Test control")
    with django_assert_num_queries(len(small)):
        response = client.get(HOME)
    assert len(response.context["dashboard"]["my_risks"]) == Risk.objects.open().filter(owners=owner).count()
