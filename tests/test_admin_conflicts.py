"""The admin's change forms check versions like the app's edit pages, and lock a
risk before writing anything under it (the order every service uses)."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from controls.models import Control
from reports import services as paper_services
from reports.models import Paper
from riskregister.tracking import save_tracked
from risks import services
from risks.models import Risk
from tests.edit_helpers import form_values
from tests.factories import funding, make_risk

STALE = "Someone else changed this {} since you opened this page, so nothing was saved."


def open_admin_page(client, url, **changes):
    """What the admin's change page would submit, with these changes typed in."""
    data = form_values(client.get(url).text)
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_stale_admin_risk_page_is_refused_and_overwrites_nothing(client_for, users):
    client = client_for("admin")
    risk = funding()
    url = reverse("admin:risks_risk_change", args=[risk.pk])
    stale = open_admin_page(client, url, title="Funding (admin)", change_reason="Admin rename")
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"],
                         reason="SMT rewording", description="Failure to secure the SMT's funding")
    revisions = risk.history.count()

    response = client.post(url, stale)

    assert response.status_code == 200
    assert STALE.format("risk") in response.text
    assert 'value="Funding (admin)"' in response.text  # what the admin typed stays on the page
    current = funding()
    assert current.description == "Failure to secure the SMT's funding" and current.title == "Adequate funding"
    assert risk.history.count() == revisions


@pytest.mark.django_db
def test_a_fresh_admin_risk_page_saves_and_moves_the_version_on(client_for, users):
    client = client_for("admin")
    risk = funding()
    url = reverse("admin:risks_risk_change", args=[risk.pk])
    response = client.post(url, open_admin_page(client, url, title="Funding (admin)", change_reason="Admin rename"))
    assert response.status_code == 302
    current = Risk.objects.get(pk=risk.pk)
    assert (current.title, current.version) == ("Funding (admin)", risk.version + 1)
    assert current.history.first().history_change_reason == "Admin rename"


@pytest.mark.django_db
def test_a_stale_admin_paper_page_is_refused_and_overwrites_nothing(client_for, users):
    client = client_for("admin")
    paper = Paper.objects.get(meeting_date="2017-09-22")
    url = reverse("admin:reports_paper_change", args=[paper.pk])
    stale = open_admin_page(client, url, title="Admin's title", change_reason="Admin retitle")
    paper_services.update_paper(paper_id=paper.pk, expected_version=paper.version, user=users["author"],
                                reason="Author's title", title="Author's title")
    revisions = paper.history.count()

    response = client.post(url, stale)

    assert response.status_code == 200
    assert STALE.format("paper") in response.text
    paper.refresh_from_db()
    assert paper.title == "Author's title" and paper.history.count() == revisions


@pytest.mark.django_db
def test_a_stale_admin_control_page_is_refused_when_its_risk_was_saved(client_for, users):
    client = client_for("admin")
    risk = funding()
    control = Control.objects.filter(risk=risk).order_by("pk").first()
    url = reverse("admin:controls_control_change", args=[control.pk])
    stale = open_admin_page(client, url, description="Admin's words", change_reason="Admin tidy-up")
    services.edit_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="SMT's words",
                       fields={}, controls=[{"id": control.pk, "description": "SMT's words"}])
    revisions = control.history.count()

    response = client.post(url, stale)

    assert response.status_code == 200
    assert STALE.format("risk") in response.text
    control.refresh_from_db()
    assert control.description == "SMT's words" and control.history.count() == revisions


def _waiting_on_locks():
    with connection.cursor() as cursor:
        # Statistics views are a snapshot per transaction: take a new one each time.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database()")
        return cursor.fetchone()[0]


def _activity():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT state, wait_event_type, wait_event, left(query, 80) FROM pg_stat_activity "
                       "WHERE datname = current_database()")
        return cursor.fetchall()


def _wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the other sessions never reached the point the test needs: {_activity()}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_an_admin_control_save_and_an_edit_page_save_never_deadlock():
    """The admin's control save and edit_risk meet on one risk and one control.

    The test holds the controls' history table, so the admin's save stops just
    after writing the control row; then edit_risk starts. Were the admin to lock
    the risk only after writing the control (as it once did), edit_risk would hold
    the risk and wait for the control while the admin waits for the risk: a
    deadlock, which PostgreSQL breaks by failing one of the two saves.
    """
    if connection.vendor != "postgresql":
        pytest.skip("A real race needs separate connections to a server database; run with DATABASE_URL=postgres://...")
    User = get_user_model()
    admin = User.objects.create_superuser("race-admin", password=None)
    editor = User.objects.create_user("race-editor")
    risk = make_risk("901")  # beside the demo register
    control = save_tracked(Control(risk=risk, description="Plan"), user=None, reason="Added")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:controls_control_change", args=[control.pk])
    admin_post = open_admin_page(client, url, description="Admin's words", change_reason="Admin change")
    outcomes = {}

    def run(name, save):
        try:
            outcomes[name] = save()
        except Exception as error:  # the outcome the test reports
            outcomes[name] = repr(error)
        finally:
            connection.close()

    def admin_save():
        return client.post(url, admin_post).status_code

    def edit_page_save():
        services.edit_risk(risk_id=risk.pk, expected_version=None, user=editor, reason="Edit page",
                           fields={}, controls=[{"id": control.pk, "description": "Editor's words"}])
        return "saved"

    threads = [threading.Thread(target=run, args=("admin", admin_save)),
               threading.Thread(target=run, args=("edit page", edit_page_save))]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{Control.history.model._meta.db_table}" IN SHARE MODE')
        threads[0].start()
        _wait_until(lambda: _waiting_on_locks() >= 1)
        threads[1].start()
        _wait_until(lambda: _waiting_on_locks() >= 2)
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == {"admin": 302, "edit page": "saved"}
    control.refresh_from_db()
    risk.refresh_from_db()
    assert control.description == "Editor's words"  # the edit page waited for the admin, then saved
    assert risk.version == 3
    assert [r.history_change_reason for r in risk.history.all()[:2]] == ["Edit page", "Admin change"]


@pytest.mark.django_db
def test_reverting_to_an_old_revision_in_the_admin_moves_the_version_forward(client_for, users):
    client = client_for("admin")
    risk = funding()
    oldest = risk.history.order_by("history_id").first()
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"],
                         reason="SMT rename", title="Funding renamed")
    version = Risk.objects.get(pk=risk.pk).version
    url = reverse("admin:risks_risk_simple_history", args=[risk.pk, oldest.history_id])
    response = client.post(url, open_admin_page(client, url, change_reason="Back to the original"))
    assert response.status_code == 302, response.text[:2000]
    reverted = Risk.objects.get(pk=risk.pk)
    assert reverted.title == "Adequate funding" and reverted.version == version + 1
