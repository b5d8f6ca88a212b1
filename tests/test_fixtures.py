"""The fixture register is the seed's register, word for word."""

import io

import pytest
from django.core.management import call_command

from controls.models import Control
from risks.models import Owner, Risk
from tests.seed import appendix_1_rows, appendix_2_sections


def test_the_seed_has_fifteen_appendix_1_rows_and_five_summary_positions():
    assert [row[0] for row in appendix_1_rows()] == [
        "1", "2a", "2b", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"
    ]
    assert len(appendix_2_sections()) == 5


@pytest.mark.django_db
def test_every_appendix_1_row_is_loaded_word_for_word(demo):
    risks = list(Risk.objects.open().with_owners())
    assert len(risks) == 15
    for risk, (ref, trend, title, description, owners) in zip(risks, appendix_1_rows(), strict=True):
        assert (risk.ref, risk.trend, risk.title, risk.description) == (ref, trend, title, description)
        assert [owner.name for owner in risk.ordered_owners()] == owners
    assert Risk.objects.get(ref="3").trend == "new"


@pytest.mark.django_db
def test_every_appendix_2_control_is_loaded_word_for_word(demo):
    for heading, statement, actions, potential in appendix_2_sections():
        risk = next(r for r in Risk.objects.open() if r.heading == heading)
        assert risk.statement == statement
        controls = risk.controls.order_by("position")
        assert [c.text for c in controls if c.kind == Control.Kind.ACTION] == actions
        assert [c.text for c in controls if c.kind == Control.Kind.POTENTIAL] == potential


@pytest.mark.django_db
def test_owners_and_history_of_the_loaded_register(demo):
    assert set(Owner.objects.values_list("name", flat=True)) >= {"Sam Cunningham", "Siobhan Peters", "Paul Wylie"}
    funding = Risk.objects.get(ref="4")
    first = funding.history.earliest()
    assert first.history_user == demo["admin"]
    assert "September 2017" in first.history_change_reason
    assert funding.dependents.count() >= 5  # "a domino effect on most other risks"


@pytest.mark.django_db
def test_load_demo_is_safe_to_run_twice(demo, settings):
    settings.DEBUG = True  # as `make run` runs it
    before = (Risk.objects.count(), Control.objects.count(), Risk.history.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Risk.objects.count(), Control.objects.count(), Risk.history.count()) == before
    assert "already loaded" in out.getvalue()
    assert "register-demo-2017" in out.getvalue()

