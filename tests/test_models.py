import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from risks import services
from risks.models import Risk, RiskDependency
from tests.factories import make_risk

# Risks with refs of their own ("1", "2a"...): the demo register would clash.
pytestmark = pytest.mark.usefixtures("empty_database")


@pytest.mark.django_db
def test_refs_sort_naturally_everywhere():
    for ref in ["10", "2b", "1", "11", "3", "2a", "9"]:
        make_risk(ref)
    assert [risk.ref for risk in Risk.objects.all()] == ["1", "2a", "2b", "3", "9", "10", "11"]
    assert [risk.ref for risk in Risk.objects.open().order_by("-ref_number", "-ref_suffix")][:2] == ["11", "10"]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["inherent_likelihood", "current_impact", "target_likelihood"])
@pytest.mark.parametrize("value", [0, 6])
def test_scores_outside_1_to_5_are_refused(field, value):
    with pytest.raises(ValidationError) as error:
        make_risk("1", **{field: value})
    assert field in error.value.message_dict
    assert not Risk.objects.exists()


@pytest.mark.django_db
def test_database_refuses_scores_outside_1_to_5_even_without_validation():
    risk = make_risk("1")
    risk.current_impact = 9
    with pytest.raises(IntegrityError), transaction.atomic():
        risk.save()


@pytest.mark.django_db
def test_two_open_risks_cannot_share_a_ref_but_a_closed_one_can():
    first = make_risk("4")
    with pytest.raises(ValidationError, match="Another open risk already has this ref"):
        make_risk("4")
    services.close_risk(risk_id=first.pk, expected_version=first.version, user=None, reason="Merged")
    assert make_risk("4").ref == "4"


@pytest.mark.django_db
def test_database_enforces_unique_open_ref():
    make_risk("4")
    duplicate = Risk(ref="4", title="Copy", description="Failure", **{
        f"{stage}_{axis}": 3 for stage in ("inherent", "current", "target") for axis in ("likelihood", "impact")
    })
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.django_db
@pytest.mark.parametrize("ref", ["", "a1", "01", "2A", "2ab", "12345"])
def test_malformed_refs_are_refused(ref):
    with pytest.raises(ValidationError) as error:
        make_risk(ref)
    assert "ref" in error.value.message_dict


@pytest.mark.django_db
def test_empty_title_is_refused_by_validation_and_database():
    with pytest.raises(ValidationError) as error:
        make_risk("1", title="")
    assert "title" in error.value.message_dict
    risk = make_risk("1")
    risk.title = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        risk.save()


@pytest.mark.django_db
def test_a_risk_cannot_depend_on_itself():
    risk = make_risk("1")
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services.add_dependency(risk=risk, depends_on=risk, user=None, reason="Test")
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskDependency(risk=risk, depends_on=risk).save()


@pytest.mark.django_db
def test_a_risk_cannot_be_its_own_ancestor():
    standing = make_risk("5")
    dynamic = make_risk("5a", parent=standing)
    with pytest.raises(ValidationError) as error:
        services.update_risk(risk_id=standing.pk, expected_version=standing.version, user=None,
                             reason="Loop", parent=dynamic)
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.update_risk(risk_id=standing.pk, expected_version=standing.version, user=None,
                             reason="Self", parent=standing)
    standing.refresh_from_db()
    assert standing.parent is None


@pytest.mark.django_db
def test_scores_and_bands():
    risk = make_risk("1", current_likelihood=4, current_impact=5)
    assert risk.current_score == 20
    assert risk.band == ("high", "High")
    risk.current_likelihood, risk.current_impact = 2, 2
    assert risk.band == ("low", "Low")


@pytest.mark.django_db
def test_summary_position_falls_back_to_title_and_description():
    risk = make_risk("1", title="Adequate funding", description="Failure to attract")
    assert (risk.heading, risk.statement) == ("Adequate funding", "Failure to attract")
