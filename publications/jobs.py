"""Publishing in the background: the publish page asks, the tasks worker publishes.

    job = request_publish(paper=..., user=..., reason=..., ...)   # the web request: quick
    run_job(job.pk)                                                 # the worker: renders, stores

Progress is written to the PublishJob row as each pack and format is rendered,
so the progress page can show it. The publication appears only when every file
is stored, in one transaction (publishing.store); a job whose worker died can be
run again and still makes one version.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from publications import publishing
from publications.models import PublishJob
from reports.formats import FORMATS

logger = logging.getLogger("publications")

# A running job not heard from for this long lost its worker (rendering one
# file takes seconds, and the job is touched after each).
STALE_AFTER = timedelta(minutes=5)
WORKER_STOPPED = "The worker stopped before the paper was stored: nothing was published. Try again."


def expected_files():
    return [f"{pack} {name}" for pack in publishing.PACKS for name in FORMATS]


def request_publish(*, paper, user, reason, accept_outstanding, expected_paper_version, expected_version):
    """The job for this version of the paper, queued once (a repeat returns the same job)."""
    from publications.tasks import publish_job_task

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
    from publications.tasks import publish_job_task

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


def _update(job_id, **fields):
    PublishJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def run_job(job_id):
    """Publish the job's version; every outcome is written to the job. Returns the job."""
    from rounds.services import publish_with_gate

    # Claim it: only a queued job runs, so two workers (or a rerun) never both publish.
    if not PublishJob.objects.filter(pk=job_id, status=PublishJob.Status.QUEUED).update(
            status=PublishJob.Status.RUNNING, stage="Taking the snapshot", updated_at=timezone.now()):
        return PublishJob.objects.get(pk=job_id)
    job = PublishJob.objects.select_related("paper", "requested_by").get(pk=job_id)
    PublishJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    rendered = []

    def on_rendered(pack, format_name):
        rendered.append(f"{pack} {format_name}")
        _update(job_id, rendered=list(rendered), stage=f"Rendered the {pack} pack as {FORMATS[format_name].label}")

    try:
        publication = publish_with_gate(
            paper_id=job.paper_id, user=job.requested_by, reason=job.reason,
            accept_outstanding=job.accept_outstanding, expected_paper_version=job.expected_paper_version,
            expected_version=job.expected_version, on_rendered=on_rendered,
        )
    except publishing.PublishConflict as conflict:
        if conflict.published_version == job.expected_version:
            # Stored by an earlier run of this job (or the command line) meanwhile: that is the version.
            published = job.paper.publications.get(version=job.expected_version)
            _update(job_id, status=PublishJob.Status.DONE, publication=published, stage="Stored")
        else:
            _update(job_id, status=PublishJob.Status.FAILED, error=conflict.message, stage="")
    except ValidationError as error:
        _update(job_id, status=PublishJob.Status.FAILED, error=" ".join(error.messages), stage="")
    except Exception:
        logger.exception("Publishing job %s failed", job_id)
        _update(job_id, status=PublishJob.Status.FAILED, retryable=True, stage="",
                error="Something went wrong while rendering or storing the paper: nothing was published. Try again.")
    else:
        _update(job_id, status=PublishJob.Status.DONE, publication=publication, stage="Stored")
    return PublishJob.objects.get(pk=job_id)


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
