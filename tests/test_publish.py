"""Publishing a paper: stored files and digests, frozen after later edits,
corrections, validation, immutability, integrity checks and the commands.

Each publication renders two PDFs, so tests publish as little as they can."""

import datetime
import hashlib
import io
import json
import logging
import re
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from publications import publishing
from publications.models import ImmutableError, Publication, PublishedFile, PublishJob
from publications.views import demote_headings
from reports import rendering, services as paper_services
from reports.formats import FORMATS
from reports.models import Paper
from riskregister.tracking import revisions_dated
from risks import services as risk_services
from risks.models import Risk
from tests import tampering
from tests.edit_helpers import form_values
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(paper, demo):
    return publishing.publish_paper(paper_id=paper.pk, user=demo["author"])


def stored(publication, pack, fmt):
    return PublishedFile.objects.get(publication=publication, pack=pack, format=fmt)


# The stored files' URLs by their first names: one view serves every format now.
FILE_URLS = {"pdf": ("file", "pdf"), "html": ("file", "html"),
             "pdf_restricted": ("file_restricted", "pdf"), "html_restricted": ("file_restricted", "html")}


def url(name, publication):
    if name in FILE_URLS:
        view, fmt = FILE_URLS[name]
        return reverse(f"published:{view}", args=[publication.paper_id, publication.version, fmt])
    return reverse(f"published:{name}", args=[publication.paper_id, publication.version])


def tamper(stored_file, content):
    # Behind the application's back (publications refuse update()): as a disk
    # or database fault, or a malicious edit, would.
    tampering.execute(f"UPDATE {PublishedFile._meta.db_table} SET content = %s WHERE id = %s", [content, stored_file.pk])


# Publishing -------------------------------------------------------------------

def test_publish_stores_snapshots_and_six_files_with_digests(published, paper, demo):
    assert (published.version, published.published_by, published.reason) == (1, demo["author"], "")
    files = list(published.files.all())
    assert sorted((f.pack, f.format) for f in files) == [
        ("public", "docx"), ("public", "html"), ("public", "pdf"),
        ("restricted", "docx"), ("restricted", "html"), ("restricted", "pdf"),
    ]
    for f in files:
        content = bytes(f.content)
        assert f.sha256 == hashlib.sha256(content).hexdigest() and f.size == len(content) and f.verify()
    assert stored(published, "public", "pdf").filename == "audit-panel-2017-09-22-public-v1.pdf"
    # The snapshot is the data the files were rendered from.
    assert published.public_snapshot == json.loads(json.dumps(rendering.gather(paper, restricted=False, draft=False)))
    assert published.restricted_snapshot["appendix_4"] and published.public_snapshot["appendix_4"] is None
    assert Publication.objects.get().verify_snapshots()  # as read back from the database
    html = bytes(stored(published, "public", "html").content).decode()
    assert html == rendering.render_html(published.public_snapshot)
    assert "style=" not in html and "<script" not in html  # CSP: the stored HTML links its CSS


def test_published_pdfs_read_back(published):
    public = PdfReader(io.BytesIO(bytes(stored(published, "public", "pdf").content)))
    text = " ".join(page.extract_text() for page in public.pages)
    assert "Appendix 1: MOPAC corporate risk overview" in text and "Adequate funding" in text
    assert "Appendix 4: MOPAC Risk Register (Restricted)" not in text
    restricted = PdfReader(io.BytesIO(bytes(stored(published, "restricted", "pdf").content)))
    assert len(restricted.pages) > len(public.pages)
    assert "Appendix 4: MOPAC Risk Register (Restricted)" in " ".join(p.extract_text() for p in restricted.pages)


def test_later_edits_change_nothing_that_was_published(published, paper, demo, client_for):
    before = {(f.pack, f.format): bytes(f.content) for f in published.files.all()}
    risk = Risk.objects.get(ref="4", status="open")
    old_description = risk.description
    risk_services.update_risk(
        risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Reworded",
        description="Failure to keep the books balanced (edited after publishing)",
    )
    paper_services.update_paper(
        paper_id=paper.pk, expected_version=paper.version, user=demo["author"], reason="Draft edit",
        summary="A completely new summary written after publishing.",
    )
    client = client_for("panel")
    pdf = client.get(url("pdf", published))
    assert pdf.status_code == 200 and pdf.content == before[("public", "pdf")]
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="audit-panel-2017-09-22-public-v1.pdf"'
    assert client.get(url("html", published)).content == before[("public", "html")]
    page = client.get(url("version", published)).text
    assert old_description in page and "edited after publishing" not in page
    assert "A completely new summary" not in page
    assert all(f.verify() for f in PublishedFile.objects.all())
    assert {(f.pack, f.format): bytes(f.content) for f in published.files.all()} == before


def test_a_correction_needs_a_reason_and_supersedes_the_first(published, paper, demo, client_for):
    with pytest.raises(ValidationError) as refused:
        publishing.publish_paper(paper_id=paper.pk, user=demo["author"], reason="  ")
    assert publishing.REASON_REQUIRED in refused.value.messages
    assert Publication.objects.count() == 1 and PublishedFile.objects.count() == 6
    second = publishing.publish_paper(paper_id=paper.pk, user=demo["author"], reason="Owner name corrected")
    assert second.version == 2 and second.reason == "Owner name corrected"
    client = client_for("panel")
    old = client.get(url("version", published))
    assert old.status_code == 200 and "This version has been superseded." in old.text
    assert url("version", second) in old.text
    current = client.get(reverse("published:current", args=[paper.pk]))
    assert "version 2 (current)" in current.text and "Owner name corrected" in current.text
    overview = client.get(reverse("published:overview")).text
    assert "2 (current)" in overview and "Superseded versions" in overview and url("version", published) in overview
    assert client.get(url("pdf", published)).status_code == 200  # still readable


@pytest.mark.parametrize("breakage", ["reference_raised_after_the_meeting", "appendix_2_raised_after_the_meeting"])
def test_a_paper_failing_validation_is_not_published(paper, demo, client_for, breakage):
    # Closing a risk today would not do: it was open on the 2017 meeting date.
    ref = "4" if breakage == "reference_raised_after_the_meeting" else "1"  # funding is cross-referenced; risk 1 is in Appendix 2 only
    risk = Risk.objects.get(ref=ref, status="open")
    # Corrected before the meeting, so the register as at the meeting has it raised after it.
    with revisions_dated(timezone.make_aware(datetime.datetime(2017, 9, 10, 12))):
        risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                                  reason="Date raised corrected", opened_on=datetime.date(2017, 10, 2))
    with pytest.raises(ValidationError):
        publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    response = client_for("author").post(reverse("reports:publish", args=[paper.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "This paper cannot be published yet" in response.text
    assert ("refers to Risk 4, raised after the meeting date" if breakage == "reference_raised_after_the_meeting" else
            "Appendix 2: risk 1 (Address vulnerability) was not open on the meeting date") in response.text
    assert Publication.objects.count() == 0 and PublishedFile.objects.count() == 0


# The publish page ---------------------------------------------------------------

def test_publish_from_the_confirmation_page(paper, demo, client_for):
    client = client_for("author")
    edit = client.get(reverse("reports:edit", args=[paper.pk]))
    assert reverse("reports:publish", args=[paper.pk]) in edit.text
    confirm = client.get(reverse("reports:publish", args=[paper.pk]))
    assert confirm.status_code == 200 and "Publish version 1" in confirm.text
    assert Publication.objects.count() == 0  # GET changes nothing
    response = client.post(reverse("reports:publish", args=[paper.pk]), form_values(confirm.text))
    job = PublishJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:publish_job", args=[paper.pk, job.pk])
    assert Publication.objects.count() == 0  # the worker publishes
    run_worker()
    publication = Publication.objects.get()
    assert publication.published_by == demo["author"] and publication.job == PublishJob.objects.get()
    done = client.get(response["Location"])
    assert "Published" in done.text and url("version", publication) in done.text
    page = client.get(reverse("reports:publish", args=[paper.pk]))
    again = client.post(reverse("reports:publish", args=[paper.pk]), form_values(page.text))
    assert again.status_code == 200 and publishing.REASON_REQUIRED in again.text
    assert 'href="#id_reason"' in again.text and Publication.objects.count() == 1


@pytest.mark.parametrize("username,expected", [("panel", 403), ("smt", 403), ("admin", 200)])
def test_only_authors_publish(paper, client_for, username, expected):
    client = client_for(username)
    assert client.get(reverse("reports:publish", args=[paper.pk])).status_code == expected
    if expected == 403:
        assert client.post(reverse("reports:publish", args=[paper.pk]), {"reason": "x"}).status_code == 403
    assert Publication.objects.count() == 0


def test_publish_page_refuses_other_methods_and_unknown_papers(paper, client_for):
    client = client_for("author")
    assert client.put(reverse("reports:publish", args=[paper.pk])).status_code == 405
    assert client.delete(reverse("reports:publish", args=[paper.pk])).status_code == 405
    assert client.get(reverse("reports:publish", args=[paper.pk + 100])).status_code == 404
    assert Publication.objects.count() == 0


# Immutability -----------------------------------------------------------------

def test_nothing_published_can_be_changed_or_deleted(published, client_for):
    publication = Publication.objects.get(pk=published.pk)
    publication.reason = "rewritten"
    with pytest.raises(ImmutableError):
        publication.save()
    with pytest.raises(ImmutableError):
        publication.delete()
    stored_file = published.files.first()
    stored_file.content = b"other bytes"
    with pytest.raises(ImmutableError):
        stored_file.save()
    with pytest.raises(ImmutableError):
        PublishedFile.objects.all().update(sha256="0" * 64)
    with pytest.raises(ImmutableError):
        Publication.objects.all().delete()
    assert Publication.objects.get().reason == "" and all(f.verify() for f in PublishedFile.objects.all())
    # The paper cannot be deleted from under its publications either.
    from django.db.models import ProtectedError
    with pytest.raises(ProtectedError):
        Paper.objects.get().delete()
    # The admin shows publications read-only: no add, change or delete.
    admin = client_for("admin")
    assert admin.get(reverse("admin:publications_publication_changelist")).status_code == 200
    change = admin.get(reverse("admin:publications_publication_change", args=[published.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert admin.get(reverse("admin:publications_publication_add")).status_code == 403
    assert admin.get(reverse("admin:publications_publication_delete", args=[published.pk])).status_code == 403
    assert admin.post(reverse("admin:publications_publication_change", args=[published.pk]), {"reason": "x"}).status_code == 403
    assert Publication.objects.get().reason == ""


# Integrity --------------------------------------------------------------------

def test_a_tampered_file_is_not_served_and_is_logged(published, client_for, caplog):
    pdf = stored(published, "public", "pdf")
    tamper(pdf, bytes(pdf.content).replace(b"Adequate", b"Tampered", 1) + b"%")
    client = client_for("panel")
    with caplog.at_level(logging.ERROR, logger="publications"):
        response = client.get(url("pdf", published))
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")
    assert "failed its integrity check" in response.text and b"%PDF" not in response.content
    assert any("failed its SHA-256 check" in record.getMessage() for record in caplog.records)
    html = stored(published, "public", "html")
    tamper(html, bytes(html.content).replace(b"Adequate funding", b"Plenty of money"))
    page = client.get(url("version", published))
    assert page.status_code == 500 and "Plenty of money" not in page.text
    assert client.get(url("html", published)).status_code == 500


def run_command(*argv):
    """Run a management command from its command-line arguments; the exit status manage.py
    would give (BaseCommand.run_from_argv exits with CommandError.returncode). Not through
    run_from_argv itself: it closes the database connections, the test's included."""
    try:
        call_command(*argv)
    except CommandError as error:
        print(f"CommandError: {error}", file=sys.stderr)
        return error.returncode
    return 0


def test_verify_publications(published, capsys):
    assert run_command("verify_publications") == 0
    out = capsys.readouterr().out
    # The chain link, the metadata and snapshots, and each file.
    assert out.count("OK ") == 2 + 2 * len(FORMATS) and "checks passed: files, metadata, completeness and chain." in out
    restricted = stored(published, "restricted", "html")
    tamper(restricted, b"<html>forged</html>")
    assert run_command("verify_publications") == 1
    captured = capsys.readouterr()
    assert "MISMATCH  2017-09-22 v1 (publication" in captured.out and captured.out.count("OK ") == 1 + 2 * len(FORMATS)
    assert "1 problems; the first: MISMATCH 2017-09-22 v1" in captured.err and "restricted html" in captured.err


def test_verify_publications_with_nothing_published(db, capsys):
    assert run_command("verify_publications") == 0
    assert "All 0 checks passed" in capsys.readouterr().out


# The publish_paper command ------------------------------------------------------------

def test_publish_paper_command(paper, demo, capsys):
    assert run_command("publish_paper", "--meeting", "2017-09-22", "--user", "author") == 0
    out = capsys.readouterr().out
    publication = Publication.objects.get()
    assert "Published version 1 of the paper for 22 September 2017." in out
    assert stored(publication, "public", "pdf").sha256 in out and publication.published_by == demo["author"]
    # A second time: a reason is required.
    assert run_command("publish_paper", "--meeting", "2017-09-22") == 1
    assert publishing.REASON_REQUIRED in capsys.readouterr().err
    assert Publication.objects.count() == 1
    # Without --user: the inactive system account is recorded.
    call_command("publish_paper", meeting="2017-09-22", reason="Correction from the command line", stdout=io.StringIO())
    second = Publication.objects.get(version=2)
    assert second.published_by.username == "system" and not second.published_by.is_active
    assert not second.published_by.has_usable_password()


@pytest.mark.parametrize("options,message", [
    ({"meeting": "2017-09-23"}, "There is no paper for a meeting on 23 September 2017."),
    ({"meeting": "22/09/2017"}, "--meeting must be a date as YYYY-MM-DD"),
    ({"meeting": "2017-09-22", "user": "panel"}, "'panel' may not publish papers"),
    ({"meeting": "2017-09-22", "user": "nobody"}, "No active user named 'nobody'."),
])
def test_publish_paper_command_refuses_bad_input(paper, options, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("publish_paper", stdout=io.StringIO(), **options)
    assert Publication.objects.count() == 0


# Reading ----------------------------------------------------------------------

def test_the_published_page_embeds_the_stored_paper(published, client_for):
    client = client_for("panel")
    overview = client.get(reverse("published:overview"))
    assert overview.status_code == 200 and "22 September 2017" in overview.text
    assert url("version", published) in overview.text and url("pdf", published) in overview.text
    assert stored(published, "public", "pdf").sha256 in overview.text
    assert stored(published, "restricted", "pdf").sha256 not in overview.text  # panel: public pack only
    assert url("pdf_restricted", published) not in overview.text
    page = client.get(url("version", published))
    text = page.text
    stored_html = bytes(stored(published, "public", "html").content).decode()
    body = stored_html.partition('<main id="paper" tabindex="-1">')[2].rpartition("</main>")[0]  # the skip link's target
    # The stored body, its headings one level down under the page's own single <h1>.
    assert demote_headings(body) in text and body.count("<h2") == demote_headings(body).count("<h3")
    assert text.count("<h1") == 1 and "<h2>MOPAC Risk Management Report</h2>" in text
    assert '<th scope="col">Risk trend</th>' in text and '<th scope="row">2a</th>' in text
    assert "version 1 (current)" in text and stored(published, "public", "html").sha256 in text
    # Nothing of the stored paper runs or styles itself: the page's one script is the site's own
    # session warning (a static file, as the CSP requires).
    assert "style=" not in text and "<script" not in body
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/js/session-timeout.js" defer>']
    assert "What changed since" not in text  # the first published paper
    assert url("version_restricted", published) not in text
    restricted = client_for("smt").get(url("version_restricted", published))
    assert restricted.status_code == 200 and "Appendix 4: MOPAC Risk Register (Restricted)" in restricted.text
    assert stored(published, "restricted", "pdf").sha256 in restricted.text
    served = client_for("smt").get(url("pdf_restricted", published))
    assert served.content == bytes(stored(published, "restricted", "pdf").content)


def test_unknown_papers_and_versions_are_not_found(published, client_for):
    client = client_for("panel")
    assert client.get(reverse("published:version", args=[published.paper_id, 2])).status_code == 404
    assert client.get(reverse("published:file", args=[published.paper_id + 1, 1, "pdf"])).status_code == 404
    assert client.get(reverse("published:current", args=[published.paper_id + 1])).status_code == 404
    # A panel member guessing a restricted pack's URL is refused, whether or not it exists.
    assert client.get(reverse("published:file_restricted", args=[published.paper_id, 1, "pdf"])).status_code == 403
    assert client.get(reverse("published:file_restricted", args=[published.paper_id, 9, "html"])).status_code == 403


def test_reading_views_refuse_writes(published, client_for):
    client = client_for("author")
    for name in ("version", "pdf", "html", "version_restricted", "pdf_restricted"):
        assert client.post(url(name, published)).status_code == 405
    assert client.post(reverse("published:overview")).status_code == 405
    assert Publication.objects.count() == 1


def test_anonymous_visitors_only_when_published_papers_are_public(published, client, settings):
    assert client.get(reverse("published:overview")).status_code == 302
    settings.PUBLISHED_PAPERS_PUBLIC = True
    assert client.get(reverse("published:overview")).status_code == 200
    page = client.get(url("version", published))
    assert page.status_code == 200 and "Adequate funding" in page.text
    assert "by Gemma Deadman</dd>" not in page.text  # who published is for signed-in readers
    pdf = client.get(url("pdf", published))
    assert pdf.status_code == 200 and pdf.content == bytes(stored(published, "public", "pdf").content)
    restricted = client.get(url("pdf_restricted", published))
    assert restricted.status_code == 302 and restricted["Location"].startswith(reverse("login"))


def test_overview_queries_do_not_grow_with_publications(published, paper, demo, client_for, django_assert_max_num_queries):
    client = client_for("panel")
    client.get(reverse("published:overview"))
    with django_assert_max_num_queries(12) as before:
        client.get(reverse("published:overview"))
    publishing.publish_paper(paper_id=paper.pk, user=demo["author"], reason="Correction")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("published:overview"))


def test_publishing_is_all_or_nothing(paper, demo, monkeypatch):
    # The restricted PDF fails to render (as a full disk or a font error would):
    # the publication row and the public pack's files written before it are rolled back.
    import weasyprint

    original, calls = weasyprint.HTML.write_pdf, []

    def failing_second_render(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing_second_render)
    with pytest.raises(OSError):
        publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    assert len(calls) == 2
    assert Publication.objects.count() == 0 and PublishedFile.objects.count() == 0


def test_the_papers_list_shows_each_papers_status(paper, demo, client_for):
    listing = client_for("author").get(reverse("reports:list"))
    assert "<td>Draft</td>" in listing.text
    publication = publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    listing = client_for("smt").get(reverse("reports:list"))
    assert "<td>Draft</td>" not in listing.text
    assert f'<a href="{url("version", publication)}">Published, version 1' in listing.text
