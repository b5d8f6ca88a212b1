"""Background work of publications, run by the tasks worker (manage.py db_worker)."""

from django.tasks import task

from publications import jobs


@task
def publish_job_task(job_id):
    """Render and store one publish job; returns its final status."""
    return jobs.run_job(job_id).status
