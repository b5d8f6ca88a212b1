"""`generate_register`: a realistic synthetic register where every object has its history."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from controls.models import Control
from risks.generator import LONG_HISTORY_REVISIONS
from risks.models import Owner, Review, Risk, RiskOwner


@pytest.fixture
def generated(empty_database):
    out = io.StringIO()
    call_command("generate_register", risks=40, seed=7, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_builds_the_register_it_was_asked_for(generated):
    assert "Generated 40 risks" in generated
    assert Risk.objects.count() == 40
    refs = list(Risk.objects.values_list("ref", flat=True))
    assert len(set(refs)) == 40
    assert any(ref.endswith("a") for ref in refs) and any(ref.endswith("b") for ref in refs)
    per_risk = Counter(Control.objects.values_list("risk_id", flat=True))
    assert set(per_risk) == set(Risk.objects.values_list("pk", flat=True))
    assert all(4 <= count <= 8 for count in per_risk.values())
    assert {"oversight", "convening", "direct_delivery"} <= set(Control.objects.values_list("lever", flat=True))
    assert Control.objects.filter(kind="potential").exists() and Control.objects.filter(due_date__isnull=False).exists()
    assert all(1 <= risk.ownerships.count() <= 3 for risk in Risk.objects.all())
    assert all(risk.owner_names == " / ".join(o.name for o in risk.ordered_owners()) for risk in Risk.objects.all())


@pytest.mark.django_db
def test_every_object_has_history_over_two_years(generated):
    for model in (Owner, Risk, RiskOwner, Control, Review):
        with_history = set(model.history.values_list("id", flat=True))
        assert set(model.objects.values_list("pk", flat=True)) <= with_history, model
    dates = Risk.history.order_by("history_date").values_list("history_date", flat=True)
    assert dates.last() - dates.first() > timedelta(days=700)
    assert Review.objects.count() == 40 * 8
    # Each object's latest revision is its current state.
    for risk in Risk.objects.all():
        latest = risk.history.first()
        assert (latest.version, latest.description, latest.current_likelihood, latest.status) == (
            risk.version, risk.description, risk.current_likelihood, risk.status)
    assert all(record.history_change_reason for record in Risk.history.all())


@pytest.mark.django_db
def test_one_risk_has_a_long_history(generated):
    longest = max(Risk.objects.all(), key=lambda risk: risk.history.count())
    assert longest.history.count() >= LONG_HISTORY_REVISIONS >= 200


@pytest.mark.django_db
def test_refuses_a_register_that_is_not_empty(generated):
    with pytest.raises(CommandError, match="not empty"):
        call_command("generate_register", risks=5, stdout=io.StringIO())
    assert Risk.objects.count() == 40


@pytest.mark.django_db
def test_records_the_chosen_user(empty_database, django_user_model):
    user = django_user_model.objects.create_user("generator")
    call_command("generate_register", risks=3, as_user="generator", stdout=io.StringIO())
    assert set(Risk.history.values_list("history_user", flat=True)) == {user.pk}
    with pytest.raises(CommandError, match="No user"):
        call_command("generate_register", risks=3, as_user="nobody", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_register_pages_serve_the_generated_register(generated, client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("editor")
    user.groups.add(Group.objects.get(name="SMT editor"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("risks:register"))
    assert len(response.context["risks"]) == Risk.objects.open().count()
    overdue = client.get(reverse("home")).context["dashboard"]["overdue_reviews"]
    assert len(overdue) == Risk.objects.open().filter(next_review__lt=timezone.localdate()).count() > 0
    assert response.context["heat_map"]["total"] == Risk.objects.open().count()
