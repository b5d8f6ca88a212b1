"""Publishing in the background: the publish page asks, the tasks worker publishes.

    job = request_publish(paper=..., user=..., reason=..., ...)   # the web request: quick
    publications.tasks.publish_job_task(job.pk)                     # the worker: renders, stores

Progress is written to the PublishJob row as each pack and format is rendered,
so the progress page can show it. The publication appears only when every file
is stored, in one transaction (publishing.store); a job whose worker died can be
run again and still makes one version.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from publications import publishing
from publications.models import PublishJob
from publications.tasks import publish_job_task
from reports.formats import FORMATS

# A running job not heard from for this long lost its worker (rendering one
# file takes seconds, and the job is touched after each).
STALE_AFTER = timedelta(minutes=5)
WORKER_STOPPED = "The worker stopped before the paper was stored: nothing was published. Try again."


def expected_files():
    return [f"{pack} {name}" for pack in publishing.PACKS for name in FORMATS]


def request_publish(*, paper, user, reason, accept_outstanding, expected_paper_version, expected_version):
    """The job for this version of the paper, queued once (a repeat returns the same job)."""
    try:
        with transaction.atomic():
            job = PublishJob.objects.create(
                paper=paper, expected_version=expected_version, expected_paper_version=expected_paper_version,
                reason=reason, accept_outstanding=accept_outstanding, requested_by=user,
            )
            # The database queue's row commits with the job's: the worker sees both or neither.
            publish_job_task.enqueue(job.pk)
    except IntegrityError:
        job = PublishJob.objects.get(paper=paper, expected_version=expected_version)
    return job


def is_stale(job, now=None):
    now = now or timezone.now()
    return job.status == PublishJob.Status.RUNNING and job.updated_at < now - STALE_AFTER


def may_retry(job):
    return (job.status == PublishJob.Status.FAILED and job.retryable) or is_stale(job)


def retry(job):
    """Queue the job again; False if it may not be (it is running, done or failed for good)."""
    stale_before = timezone.now() - STALE_AFTER
    claimed = PublishJob.objects.filter(
        Q(status=PublishJob.Status.FAILED, retryable=True)
        | Q(status=PublishJob.Status.RUNNING, updated_at__lt=stale_before),
        pk=job.pk,
    ).update(status=PublishJob.Status.QUEUED, error="", retryable=False, stage="", rendered=[],
             updated_at=timezone.now())
    if claimed:
        publish_job_task.enqueue(job.pk)
    return bool(claimed)


def progress(job):
    """What the progress page shows, as plain data (also its JSON)."""
    stale = is_stale(job)
    files = [{"name": name, "label": _label(name), "done": name in job.rendered} for name in expected_files()]
    return {
        "status": job.status, "status_label": job.get_status_display(), "finished": job.finished,
        "stage": job.stage, "files": files, "stored": job.status == PublishJob.Status.DONE,
        "error": WORKER_STOPPED if stale else job.error, "may_retry": may_retry(job),
        "version": job.publication.version if job.publication_id else None,
    }


def _label(name):
    pack, _, format_name = name.partition(" ")
    fmt = FORMATS.get(format_name)
    return f"{'Restricted' if pack == 'restricted' else 'Public'} pack, {fmt.label if fmt else format_name}"
