"""Publishing in the background: the page queues a job, the worker renders and
stores, the progress page follows it; a worker that dies leaves nothing
published and the job can run again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from publications import jobs
from publications.models import Publication, PublishedFile, PublishJob
from reports import services as paper_services
from reports.formats import FORMATS
from tests.edit_helpers import form_values
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


def queue(client, paper):
    url = reverse("reports:publish", args=[paper.pk])
    response = client.post(url, form_values(client.get(url).text))
    assert response.status_code == 302
    return PublishJob.objects.get(paper=paper), response["Location"]


def test_the_progress_page_follows_the_job_from_queued_to_stored(paper, demo, client_for):
    client = client_for("author")
    job, page_url = queue(client, paper)
    queued = client.get(page_url + "?format=json").json()
    assert queued["status"] == "queued" and not queued["finished"] and queued["version"] is None
    assert [file["name"] for file in queued["files"]] == [f"{pack} {name}" for pack in ("public", "restricted")
                                                         for name in FORMATS]
    assert not any(file["done"] for file in queued["files"])
    page = client.get(page_url)
    assert "Waiting for the worker" in page.text and "Check progress" in page.text
    assert 'src="/static/js/publish-progress.js"' in page.text and "<script>" not in page.text

    run_worker()
    done = client.get(page_url + "?format=json").json()
    assert done["status"] == "done" and done["stored"] and all(file["done"] for file in done["files"])
    assert done["url"] == reverse("published:version", args=[paper.pk, 1])
    publication = Publication.objects.get()
    assert publication.files.count() == 2 * len(FORMATS)
    job.refresh_from_db()
    assert (job.publication, job.attempts, job.requested_by) == (publication, 1, demo["author"])


def test_an_edit_before_the_worker_runs_publishes_nothing(paper, demo, client_for):
    client = client_for("author")
    job, page_url = queue(client, paper)
    paper.refresh_from_db()
    paper_services.update_paper(paper_id=paper.pk, expected_version=paper.version, user=demo["author"],
                                reason="A late correction", title="Retitled while queued")
    run_worker()
    job.refresh_from_db()
    assert job.status == "failed" and "The paper was changed after you opened this page" in job.error
    assert not Publication.objects.exists() and not PublishedFile.objects.exists()
    page = client.get(page_url)
    assert "<title>Error: " in page.text and "Nothing was published" in page.text
    assert "Try again" not in page.text  # the author looks at the paper first


def test_a_worker_that_died_midway_leaves_nothing_and_the_job_runs_again(paper, client_for):
    client = client_for("author")
    job, page_url = queue(client, paper)
    # The worker claimed the job, rendered one file, and was killed: the row says running, long ago.
    PublishJob.objects.filter(pk=job.pk).update(status="running", rendered=["public html"],
                                                updated_at=timezone.now() - timedelta(hours=1))
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # its task was taken by the dead worker
    assert not Publication.objects.exists()
    page = client.get(page_url)
    assert jobs.WORKER_STOPPED in page.text and "Try again" in page.text

    assert client.post(page_url).status_code == 302
    assert client.post(page_url).status_code == 302  # a second click queues nothing more
    run_worker()
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1
    assert Publication.objects.count() == 1


def test_a_job_still_running_is_not_run_twice(paper, client_for):
    job, page_url = queue(client_for("author"), paper)
    PublishJob.objects.filter(pk=job.pk).update(status="running", updated_at=timezone.now())
    assert not jobs.retry(PublishJob.objects.get(pk=job.pk))
    run_worker()  # the queued task finds the job claimed, and leaves it
    assert PublishJob.objects.get(pk=job.pk).status == "running" and not Publication.objects.exists()


@pytest.mark.parametrize("username", ["panel", "smt"])
def test_only_authors_see_a_job(paper, client_for, username):
    job, page_url = queue(client_for("author"), paper)
    client = client_for(username)
    assert client.get(page_url).status_code == 403
    assert client.post(page_url).status_code == 403


def test_a_job_belongs_to_its_paper_and_takes_get_and_post_only(paper, demo, client_for):
    job, page_url = queue(client_for("author"), paper)
    other = paper_services.create_paper(user=demo["author"], reason="Another", meeting_date="2017-12-12",
                                        title="Risk report", copy_from=paper)
    client = client_for("author")
    assert client.get(reverse("reports:publish_job", args=[other.pk, job.pk])).status_code == 404
    assert client.put(page_url).status_code == 405
    assert client.delete(page_url).status_code == 405
