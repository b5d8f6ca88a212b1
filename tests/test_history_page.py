import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controls.models import Control
from organisation.models import RiskCategory
from organisation.services import create_entry, delete_entry, update_entry
from riskregister.history_chain import first_broken_link
from riskregister.tracking import save_tracked
from risks import services
from risks.models import Risk
from tests.factories import funding

pytestmark = pytest.mark.django_db


def revise(risk, user, count):
    for number in range(count):
        risk = services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=user,
                                    reason=f"Revision {number}", description=f"Failure number {number} to fund")
    return risk


def test_history_wrong_method_is_405(client_for):
    assert client_for("smt").post(reverse("risks:history", args=[funding().pk])).status_code == 405


def test_history_lists_every_kind_of_revision_newest_first_with_word_diffs(client_for, users):
    risk = funding()
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"],
                         reason="Sharper <b>wording</b>", description="Failure to secure <i>enough</i> money")
    page = client_for("author").get(reverse("risks:history", args=[risk.pk])).content.decode()
    for heading in ("Risk changed", "Risk added", "Control added", "Owner added", "Review added"):
        assert heading in page
    assert page.index("Sharper") < page.index("Loaded from the September 2017")  # newest first
    assert "Reason: Sharper &lt;b&gt;wording&lt;/b&gt;" in page
    assert "&lt;i&gt;enough&lt;/i&gt; money</ins>" in page
    assert "<del>" in page
    assert "By Siobhan Peters on" in page
    assert "<i>enough</i>" not in page


def test_history_query_count_does_not_grow_with_revisions(client_for, users):
    risk = funding()
    client = client_for("smt")
    url = reverse("risks:history", args=[risk.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    risk = revise(risk, users["smt"], 20)
    control = Control.objects.filter(risk=risk).first()
    control.description = "Reworded"
    save_tracked(control, user=users["author"], reason="Control")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.content.decode().count("Reason: Revision") == 20


def test_restore_a_revision_as_a_new_revision(client_for, users):
    risk = funding()
    original = risk.history.first()
    risk = revise(risk, users["smt"], 2)
    client = client_for("smt")
    url = reverse("risks:restore", args=[risk.pk, original.history_id])
    page = client.get(url).content.decode()
    assert "What restoring changes" in page and "<ins>" in page
    before = risk.history.count()
    response = client.post(url, {"version": risk.version, "revision": original.history_id, "reason": "Back to the paper"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.description == original.description
    assert risk.history.count() == before + 1  # a new revision; nothing deleted
    latest = risk.history.first()
    assert (latest.history_user, latest.history_change_reason) == (users["smt"], "Back to the paper")


def test_restore_needs_a_reason_and_refuses_a_stale_version(client_for, users):
    risk = funding()
    original = risk.history.first()
    stale = revise(risk, users["smt"], 1).version
    url = reverse("risks:restore", args=[risk.pk, original.history_id])
    client = client_for("smt")
    response = client.post(url, {"version": stale, "revision": original.history_id, "reason": ""})
    assert response.status_code == 200 and "Enter why this revision is being restored." in response.content.decode()
    services.update_risk(risk_id=risk.pk, expected_version=stale, user=users["admin"],
                         reason="Meanwhile", title="Funding in 2018")
    response = client.post(url, {"version": stale, "revision": original.history_id, "reason": "Undo"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Reason: Meanwhile" in page and "in 2018</ins>" in page
    assert f'name="version" value="{stale + 1}"' in page  # the form now carries the current version
    assert Risk.objects.get(pk=risk.pk).description == "Failure number 0 to fund"


def test_restore_refuses_a_tampered_revision(client_for):
    risk = funding()
    url = reverse("risks:restore", args=[risk.pk, risk.history.first().history_id])
    response = client_for("smt").post(url, {"version": risk.version, "revision": "999999", "reason": "x"})
    assert response.status_code == 200 and "This form was changed" in response.content.decode()
    other = Risk.objects.exclude(pk=risk.pk).first().history.first()
    assert client_for("smt").get(reverse("risks:restore", args=[risk.pk, other.history_id])).status_code == 404


@pytest.mark.parametrize("username, expected", [("author", 403), ("panel", 403), (None, 302)])
def test_restore_is_for_smt_editors_only(client_for, username, expected):
    risk = funding()
    original = risk.history.first()
    url = reverse("risks:restore", args=[risk.pk, original.history_id])
    client = client_for(username)
    assert client.get(url).status_code == expected
    assert client.post(url, {"version": risk.version, "revision": original.history_id, "reason": "x"}).status_code == expected
    assert funding().history.count() == risk.history.count()


# Restoring a revision's other categories ------------------------------------------------

def recategorise(risk, user, others, reason):
    return services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=user, reason=reason,
                                secondary_categories=others)


def restore_post(client, risk, revision, reason="Back as it was"):
    return client.post(reverse("risks:restore", args=[risk.pk, revision.history_id]),
                       {"version": risk.version, "revision": revision.history_id, "reason": reason}, follow=True)


def test_restore_brings_back_the_other_categories(client_for, users):
    people, governance = RiskCategory.objects.get(key="people"), RiskCategory.objects.get(key="governance")
    risk = recategorise(funding(), users["smt"], [people, governance], "Also people and governance")
    revision = risk.history.first()
    assert revision.secondary_category_names == "Governance / People"
    risk = recategorise(risk, users["smt"], [], "Financial only")
    client = client_for("smt")
    page = client.get(reverse("risks:restore", args=[risk.pk, revision.history_id])).content.decode()
    assert '<th scope="row">Other categories</th><td></td><td><ins>Governance / People</ins></td>' in page
    before = risk.history.count()
    response = restore_post(client, risk, revision)
    assert response.status_code == 200 and "The revision was restored as a new revision." in response.text
    assert "Not restored" not in response.text and "retired" not in response.text
    risk.refresh_from_db()
    assert set(risk.secondary_categories.all()) == {people, governance}
    assert risk.history.count() == before + 1  # one revision, for the fields and the categories
    latest = risk.history.first()
    assert latest.secondary_category_names == "Governance / People"
    assert (latest.history_user, latest.history_change_reason) == (users["smt"], "Back as it was")


def test_restore_follows_renamed_and_retired_categories_and_names_deleted_ones(client_for, users):
    admin = users["admin"]
    people, governance = RiskCategory.objects.get(key="people"), RiskCategory.objects.get(key="governance")
    cyber = create_entry(RiskCategory, label="Cyber", description="", position=99, user=admin, reason="New")
    risk = recategorise(funding(), users["smt"], [people, governance, cyber], "Three more")
    revision = risk.history.first()
    assert revision.secondary_category_names == "Governance / People / Cyber"
    risk = recategorise(risk, users["smt"], [], "Financial only")
    # Since then: People renamed, Governance retired, Cyber deleted.
    update_entry(people, label="Workforce", description="", position=people.position, active=True,
                 user=admin, reason="Renamed", expected_version=people.version)
    update_entry(governance, label=governance.label, description="", position=governance.position, active=False,
                 user=admin, reason="Retired", expected_version=governance.version)
    delete_entry(cyber, user=admin, reason="Not needed", expected_version=cyber.version)
    client = client_for("smt")
    page = client.get(reverse("risks:restore", args=[risk.pk, revision.history_id])).content.decode()
    assert "<td><ins>Governance / Workforce</ins></td>" in page
    assert "Not restored, as no category is called this now (deleted since): Cyber." in page
    assert "Restored although retired since: Governance" in page
    response = restore_post(client, risk, revision)
    text = response.content.decode()
    assert "The revision was restored as a new revision." in text
    assert "Other categories: Not restored, as no category is called this now (deleted since): Cyber." in text
    assert "Other categories: Restored although retired since: Governance" in text
    risk.refresh_from_db()
    assert set(risk.secondary_categories.all()) == {people, governance}
    latest = risk.history.first()
    assert latest.secondary_category_names == "Governance / Workforce"
    assert latest.history_change_reason == "Back as it was"


def test_restoring_other_categories_keeps_the_history_chain(client_for, users):
    people = RiskCategory.objects.get(key="people")
    risk = recategorise(funding(), users["smt"], [people], "Also people")
    revision = risk.history.first()
    risk = recategorise(risk, users["smt"], [], "Financial only")
    assert restore_post(client_for("smt"), risk, revision).status_code == 200
    assert first_broken_link(Risk.history.model) is None


def test_history_lists_dependencies_and_appetite_acceptances_as_entries_of_their_own(client_for, users):
    from tests.test_appetite import accept, set_financial_appetite

    set_financial_appetite(users["author"])
    risk = funding()
    other = Risk.objects.get(ref="1")
    client = client_for("smt")
    url = reverse("risks:history", args=[risk.pk])
    # Risks named in the history are read in one query, run once there is one to name.
    services.add_dependency(risk=risk, depends_on=Risk.objects.get(ref="3"), user=users["smt"], reason="Linked")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    dependency = services.add_dependency(risk=risk, depends_on=other, note="Transformation needs money",
                                         user=users["smt"], reason="Linked at the SMT")
    services.remove_dependency(dependency, user=users["author"], reason="No longer linked")
    acceptance = accept(users["smt"], risk)
    risk.refresh_from_db()
    services.withdraw_acceptance(risk_id=risk.pk, acceptance_id=acceptance.pk, expected_version=risk.version,
                                 user=users["author"], reason="Settlement reopened")
    with CaptureQueriesContext(connection) as after:
        page = " ".join(client.get(url).content.decode().split())
    assert len(after.captured_queries) == len(before.captured_queries)
    expires = f"{acceptance.expires_on:%-d %B %Y}"
    assert f"Acceptance added: outside appetite, by Rebecca Lawrence until {expires}" in page
    assert f"Acceptance withdrawn: outside appetite, by Rebecca Lawrence until {expires}" in page
    assert "Reason: Settlement fixed" in page and "Reason: Settlement reopened" in page
    assert "<th scope=\"row\">Why it is accepted</th><td></td><td><ins>Settlement fixed</ins></td>" in page
    assert f"Dependency added: Risk 1: {other.title}" in page and f"Dependency deleted: Risk 1: {other.title}" in page
    assert "<ins>Transformation needs money</ins>" in page and "Reason: No longer linked" in page
    # Newest first: the withdrawal, then the acceptance, then the dependency's removal and its adding.
    order = ["Acceptance withdrawn", "Acceptance added", "Dependency deleted", "Dependency added"]
    assert [page.index(heading) for heading in order] == sorted(page.index(heading) for heading in order)
