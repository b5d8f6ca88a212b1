"""Background work of publications, run by the tasks worker (manage.py db_worker).
The web side of it (queueing, retrying, progress) is publications.jobs."""

import logging

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.tasks import task
from django.utils import timezone

from publications import publishing
from publications.models import PublishJob
from reports.formats import FORMATS

logger = logging.getLogger("publications")


@task
def publish_job_task(job_id):
    """Render and store one publish job; returns its final status."""
    return run_job(job_id).status


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
        try:
            _update(job_id, rendered=list(rendered), stage=f"Rendered the {pack} pack as {FORMATS[format_name].label}")
        except OperationalError:
            # Progress is for the reader only: a note that cannot be written now (the job's row
            # locked by a reader, as SQLite's shared in-memory test database does) must not
            # fail the publish. The next note, or the stored publication, brings the page up to date.
            logger.warning("Publishing job %s: progress not recorded after %s %s", job_id, pack, format_name)

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


