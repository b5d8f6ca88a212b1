"""The tasks worker, as `make run` starts it, run once over the queue in this process."""

import io
from unittest import mock

from django.core.management import call_command
from django.urls import reverse

from tests.edit_helpers import form_values


def run_worker():
    """Run every queued task (reminders, publish jobs) and return.

    The worker closes "old" connections between tasks, and to Django a connection
    inside the test's transaction looks old (autocommit is off), so it would close
    the test's own connection (on PostgreSQL: "connection already closed"). Django's
    test client makes the same exception for requests; so does this."""
    from django_tasks_db.management.commands import db_worker

    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", batch=True, startup_delay=False, reload=False,
                     stdout=io.StringIO(), stderr=io.StringIO())


def publish_through_page(client, paper, **fields):
    """What an author does: the confirmation page's form, as the page fills it (plus
    `fields`), posted; then the worker. Returns the POST's response."""
    url = reverse("reports:publish", args=[paper.pk])
    response = client.post(url, {**form_values(client.get(url).text), **fields})
    if response.status_code == 302 and "/publish/jobs/" in response["Location"]:
        run_worker()
    return response
