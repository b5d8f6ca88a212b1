"""The worker's heartbeat: /healthz queues one when the worker has not been
seen for a while, and a worker that runs it has been seen."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

KEEP_HEARTBEATS = timedelta(hours=1)


@task
def heartbeat():
    """Nothing to do but be run; old heartbeats' results are cleared on the way."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path=heartbeat_path(), finished_at__lt=timezone.now() - KEEP_HEARTBEATS).delete()
    return "alive"


def heartbeat_path():
    return f"{__name__}.heartbeat"
