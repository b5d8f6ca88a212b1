"""GET /healthz: 200 with a small JSON body when the server can take traffic, 503 naming what fails."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from riskregister import health
from riskregister.tasks import heartbeat_path
from tests.worker import run_worker


@pytest.fixture
def fresh_health_checks():
    health._migrations_seen_applied = False
    yield
    health._migrations_seen_applied = False


def heartbeats():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=heartbeat_path())


def test_healthy_once_the_worker_has_been_seen(client, db, fresh_health_checks):
    # No task has run yet: the worker is not known to be alive, and a heartbeat is queued (once).
    first = client.get("/healthz")
    assert first.status_code == 503
    assert first.json() == {"status": "unavailable", "database": "ok", "migrations": "ok", "worker": "failing"}
    client.get("/healthz")
    assert heartbeats().count() == 1
    run_worker()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "worker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_unapplied_migration_is_503_naming_it(client, db, fresh_health_checks):
    latest = MigrationRecorder.Migration.objects.filter(app="risks").order_by("-applied").first()
    latest.delete()  # rolled back with the test
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "migrations": "failing",
                               "worker": "failing"}


def test_reveals_nothing_else(client, db, fresh_health_checks):
    body = client.get("/healthz").content.decode()
    assert connection.settings_dict["NAME"] not in body
    assert "version" not in body.lower()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
