"""Background work of review rounds, run by the tasks worker (manage.py db_worker)."""

from django.tasks import task

from rounds import reminders


@task
def send_reminders_task():
    """Send every reminder due now; returns how many emails went."""
    return reminders.send_due_reminders()
