"""riskregister.constraints.Check judges a check constraint in Python; the database's
verdict (Django's own CheckConstraint.validate) must be the same for every instance."""

import itertools
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from controls.models import Control
from riskregister.constraints import Check
from risks.models import AppetiteAcceptance, Review, Risk


def database_verdict(constraint, model, instance):
    try:
        models.CheckConstraint.validate(constraint, model, instance)
    except ValidationError:
        return False
    return True


def python_verdict(constraint, model, instance):
    try:
        constraint.validate(model, instance)
    except ValidationError:
        return False
    return True


def risks():
    """Risks with scores inside and outside 1 to 5, either status, dates in every order and missing."""
    dates = (None, date(2017, 4, 1), date(2017, 9, 1))
    for score, status, opened, closed, title in itertools.product(
        (0, 1, 5, 6, None, "3"), ("open", "closed", "unknown"), dates, dates, ("", "Adequate funding"),
    ):
        yield Risk(pk=7, ref="4", title=title, status=status, opened_on=opened, closed_on=closed, parent_id=None,
                   inherent_likelihood=score, inherent_impact=3, current_likelihood=3, current_impact=score,
                   target_likelihood=2, target_impact=2)
    yield Risk(pk=7, parent_id=7, title="Own parent", status="open", opened_on=dates[1])
    yield Risk(pk=7, parent_id=8, title="Another's child", status="open", opened_on=dates[1])


def others():
    for kind, description in itertools.product(("action", "potential", "other"), ("", "Text")):
        yield Control(pk=3, kind=kind, description=description)
    for trend, score in itertools.product(("increasing", "sideways"), (0, 3, 6)):
        yield Review(pk=2, trend=trend, likelihood=score, impact=3)
    for accepted, expires in itertools.product((date(2017, 9, 1),), (date(2017, 8, 1), date(2017, 9, 1), None)):
        yield AppetiteAcceptance(pk=1, accepted_by="Chief Executive", reason="Funding", accepted_on=accepted,
                                 expires_on=expires)


@pytest.mark.django_db
def test_python_and_database_agree_on_every_check_constraint():
    compared = 0
    for instance in itertools.chain(risks(), others()):
        model = type(instance)
        for constraint in model._meta.constraints:
            if isinstance(constraint, Check):
                assert python_verdict(constraint, model, instance) == database_verdict(constraint, model, instance), (
                    constraint.name, vars(instance))
                compared += 1
    assert compared > 3000


@pytest.mark.django_db
def test_a_valid_risk_is_checked_without_the_database():
    risk = Risk(ref="4", title="Adequate funding", description="Failure to fund.", status="open",
                opened_on=date(2017, 4, 1), inherent_likelihood=5, inherent_impact=5, current_likelihood=4,
                current_impact=5, target_likelihood=3, target_impact=4)
    with CaptureQueriesContext(connection) as queries:
        risk.validate_constraints(exclude={"ref"})  # the unique ref needs a query; the checks do not
    assert queries.captured_queries == []


@pytest.mark.django_db
def test_a_broken_risk_gets_each_message():
    risk = Risk(ref="4", title="", status="closed", opened_on=date(2017, 9, 1), closed_on=date(2017, 4, 1),
                inherent_likelihood=6, inherent_impact=5, current_likelihood=4, current_impact=5,
                target_likelihood=3, target_impact=4)
    with pytest.raises(ValidationError) as raised:
        risk.validate_constraints(exclude={"ref"})
    messages = raised.value.messages
    assert "Enter a title." in messages
    assert "Inherent likelihood must be from 1 to 5." in messages
    assert "A risk cannot be closed before the date it was raised." in messages
