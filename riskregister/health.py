"""GET /healthz: is this server fit to take traffic?

For load balancers and monitoring: answers without signing in, and says only
which check failed, never why (no versions, hosts or error text).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# Once every migration is applied it stays so until the code changes, and new
# code means a new process: so a process checks the migration graph only until
# it has seen it complete (loading the graph costs more than the rest).
_migrations_seen_applied = False


def database_reachable():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def migrations_applied():
    global _migrations_seen_applied
    if not _migrations_seen_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_seen_applied = not plan
    return _migrations_seen_applied


def worker_seen(now=None):
    """A task finished within WORKER_SEEN_WITHIN (any task: reminders, publishing,
    a heartbeat). If none did, a heartbeat is queued (one at a time), so a
    monitor that polls this page keeps the answer fresh while the queue is idle."""
    from django_tasks_db.models import DBTaskResult

    from riskregister.tasks import heartbeat, heartbeat_path

    now = now or timezone.now()
    if DBTaskResult.objects.filter(finished_at__gte=now - settings.WORKER_SEEN_WITHIN).exists():
        return True
    if not DBTaskResult.objects.filter(task_path=heartbeat_path(), finished_at__isnull=True).exists():
        heartbeat.enqueue()
    return False


def run_checks():
    checks = {"database": database_reachable()}
    checks["migrations"] = checks["database"] and migrations_applied()
    checks["worker"] = checks["migrations"] and worker_seen()
    return checks


@login_not_required
@never_cache
@require_safe
def healthz(request):
    checks = run_checks()
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if passed else "failing" for name, passed in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)
