import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from controls.models import Control
from riskregister.tracking import ConflictError
from risks import services
from risks.models import Owner, Risk
from tests.edit_helpers import edit_data, form_values
from tests.factories import funding


@pytest.mark.django_db
def test_a_stale_edit_is_a_409_showing_the_other_change_and_my_values(client_for, users):
    risk = funding()
    mine = edit_data(risk, reason="My wording", **{"risk-title": "Funding (my title)"})
    # Someone else saves first.
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["admin"],
                         reason="Their wording", description="Failure to secure their funding")
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this risk" in page
    assert "Reason: Their wording" in page and "their funding</ins>" in page
    assert 'value="Funding (my title)"' in page  # my values kept
    current = funding()
    assert f'name="change-version" value="{current.version}"' in page
    assert current.title == "Adequate funding"  # nothing of mine written
    assert current.description == "Failure to secure their funding"
    # Re-applying the conflict page's form puts my change on top of theirs.
    again = form_values(page)
    assert again["change-reason"] == "My wording"
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), again)
    assert response.status_code == 302, response.content.decode()
    current = Risk.objects.get(pk=risk.pk)
    assert (current.title, current.description) == ("Funding (my title)", "Failure to secure their funding")


@pytest.mark.django_db
def test_a_control_changed_by_someone_else_is_a_conflict(client_for, users):
    risk = funding()
    control = Control.objects.filter(risk=risk).order_by("position", "pk").first()
    mine = edit_data(risk, **{"controls-0-description": "My control text"})
    their_data = edit_data(risk, reason="Their control", **{"controls-0-description": "Their control text"})
    assert client_for("admin").post(reverse("risks:edit", args=[risk.pk]), their_data).status_code == 302
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), mine)
    assert response.status_code == 409
    assert "<ins>Their control text</ins>" in response.content.decode()
    assert "My control text" in response.content.decode()
    control.refresh_from_db()
    assert control.description == "Their control text"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["close", "review"])
def test_stale_close_and_review_are_conflicts(client_for, users, name):
    risk = funding()
    stale = risk.version
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["admin"],
                         reason="Meanwhile", title="Funding renamed")
    data = {"version": str(stale), "reason": "Mine"}
    if name == "review":
        data.update(reviewed_on="2018-01-05", likelihood="3", impact="3", trend="fluctuating",
                    trend_reason="Volatile budget")
    response = client_for("smt").post(reverse(f"risks:{name}", args=[risk.pk]), data)
    assert response.status_code == 409
    assert "renamed</ins>" in response.content.decode()
    risk.refresh_from_db()
    assert risk.status == "open" and risk.reviews.count() == 1


def _race(risk_id, version, threads=8):
    barrier = threading.Barrier(threads)
    outcomes = []

    def attempt(number):
        close_old_connections()
        try:
            barrier.wait()
            services.update_risk(risk_id=risk_id, expected_version=version, user=None,
                                 reason=f"Racer {number}", title=f"Title {number}")
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_simultaneous_saves_of_one_version_exactly_one_wins(empty_database):
    if connection.vendor != "postgresql":
        pytest.skip("A real race needs separate connections to a server database; run with DATABASE_URL=postgres://...")
    from tests.factories import make_risk

    risk = make_risk("1")
    outcomes = _race(risk.pk, risk.version)
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    risk.refresh_from_db()
    assert risk.version == 2
    assert risk.history.count() == 2  # the creation and the one winning save
    assert risk.history.first().history_change_reason == f"Racer {risk.title.split()[-1]}"


@pytest.mark.django_db
def test_reapplying_keeps_the_other_persons_owners_and_controls(client_for, users):
    risk = funding()
    mine = edit_data(risk, reason="My title", **{"risk-title": "Funding and resources"})
    owners = risk.ordered_owners()
    others = list(Owner.objects.exclude(pk__in=[o.pk for o in owners]))
    first, second = Control.objects.filter(risk=risk).order_by("position", "pk")[:2]
    # The other person adds an owner, rewords one control and deletes another.
    extra = len(owners)
    their = edit_data(risk, reason="Their owners and controls", **{
        f"owners-{extra}-owner": str(others[0].pk), f"owners-{extra}-order": "9",
        "controls-0-description": "Their rewording", "controls-1-DELETE": "on",
    })
    assert client_for("admin").post(reverse("risks:edit", args=[risk.pk]), their).status_code == 302
    conflict = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), mine)
    assert conflict.status_code == 409
    again = form_values(conflict.content.decode())
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), again)
    assert response.status_code == 302, response.content.decode()
    risk = Risk.objects.get(pk=risk.pk)
    assert risk.title == "Funding and resources"
    assert [o.name for o in risk.ordered_owners()] == [*[o.name for o in owners], others[0].name]
    first.refresh_from_db()
    assert first.description == "Their rewording"
    assert not Control.objects.filter(pk=second.pk).exists()
