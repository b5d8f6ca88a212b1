"""Publishing in three steps (snapshot, render, store) with the versions the author
confirmed; the format registry; safe download names; published pages from the
stored snapshot, never the live paper.

Most tests publish HTML only (the registry without the PDF format), since the
registry is exactly what publishing stores, and PDFs take seconds each."""

import pytest
from django.db import connection
from django.urls import reverse

from publications import publishing
from publications.models import Publication, PublishedFile, PublishJob
from reports import services as paper_services
from reports.formats import FORMATS, Export, Format, file_name, pdf
from reports.models import Paper
from tests.edit_helpers import form_values
from tests.worker import run_worker


@pytest.fixture
def paper(demo):
    return Paper.objects.get(meeting_date="2017-09-22")


@pytest.fixture
def html_only(monkeypatch):
    monkeypatch.delitem(FORMATS, "pdf")
    monkeypatch.delitem(FORMATS, "docx")


def edit(paper, user, **changes):
    paper.refresh_from_db()
    return paper_services.update_paper(paper_id=paper.pk, expected_version=paper.version, user=user,
                                       reason="Edited meanwhile", **changes)


def publish_url(paper):
    return reverse("reports:publish", args=[paper.pk])


def nothing_published():
    return Publication.objects.count() == 0 and PublishedFile.objects.count() == 0


# The three steps ----------------------------------------------------------------

@pytest.mark.django_db
def test_an_edit_between_snapshot_and_store_stops_the_publish(paper, demo, html_only):
    snapshot = publishing.take_snapshot(paper_id=paper.pk, expected_paper_version=paper.version, expected_version=1)
    files = publishing.render_files(snapshot)
    assert {(f.pack, f.format) for f in files} == {("public", "html"), ("restricted", "html")}
    edit(paper, demo["author"], summary="A summary the author never saw on the confirmation page.")
    with pytest.raises(publishing.PublishConflict) as refused:
        publishing.store(snapshot, files, user=demo["author"])
    assert "The paper was changed after you opened this page" in refused.value.message
    assert refused.value.published_version is None and nothing_published()


@pytest.mark.django_db
def test_the_snapshot_step_checks_the_version_the_author_confirmed(paper, demo, html_only):
    confirmed = paper.version
    edit(paper, demo["author"], summary="Changed after the confirmation page was built.")
    with pytest.raises(publishing.PublishConflict, match="nothing was published"):
        publishing.take_snapshot(paper_id=paper.pk, expected_paper_version=confirmed, expected_version=1)
    assert nothing_published()


@pytest.mark.django_db
def test_another_publish_between_snapshot_and_store_stops_the_second(paper, demo, html_only):
    first = publishing.take_snapshot(paper_id=paper.pk, expected_paper_version=paper.version, expected_version=1)
    second = publishing.take_snapshot(paper_id=paper.pk, expected_paper_version=paper.version, expected_version=1)
    publication = publishing.store(first, publishing.render_files(first), user=demo["author"])
    with pytest.raises(publishing.PublishConflict) as refused:
        publishing.store(second, publishing.render_files(second), user=demo["author"])
    assert refused.value.published_version == 1
    assert list(Publication.objects.values_list("pk", flat=True)) == [publication.pk]
    assert PublishedFile.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_rendering_runs_outside_any_transaction_and_a_new_format_is_one_registry_entry(
        paper, demo, client_for, html_only, monkeypatch):
    in_transaction = []

    def plain_text(data):
        in_transaction.append(connection.in_atomic_block)
        return Export(file_name(data, "txt"), "text/plain; charset=utf-8", data["frame"]["title"].encode())

    monkeypatch.setitem(FORMATS, "txt", Format(name="txt", label="Text", content_type="text/plain; charset=utf-8",
                                               export=plain_text, as_attachment=False))
    publication = publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    assert in_transaction == [False, False]  # one per pack, no lock held while rendering
    assert sorted(publication.files.values_list("pack", "format")) == [
        ("public", "html"), ("public", "txt"), ("restricted", "html"), ("restricted", "txt")]
    response = client_for("panel").get(f"/published/{paper.pk}/v1/public.txt")
    assert response.status_code == 200 and response.content == b"MOPAC Risk Management Report"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    page = client_for("panel").get(reverse("published:version", args=[paper.pk, 1])).text
    assert reverse("published:file", args=[paper.pk, 1, "txt"]) in page


# The publish form -----------------------------------------------------------------

@pytest.mark.django_db
def test_a_repeated_submission_makes_one_version(paper, client_for, html_only):
    client = client_for("author")
    data = form_values(client.get(publish_url(paper)).text)
    assert data["expected_version"] == "1" and data["paper_version"] == str(paper.version)
    first = client.post(publish_url(paper), data)
    second = client.post(publish_url(paper), data)  # the double click
    job = PublishJob.objects.get()
    job_page = reverse("reports:publish_job", args=[paper.pk, job.pk])
    assert (first.status_code, first["Location"]) == (302, job_page)
    assert (second.status_code, second["Location"]) == (302, job_page)
    run_worker()
    third = client.post(publish_url(paper), data)  # once published, the form names a version that exists
    assert (third.status_code, third["Location"]) == (302, job_page)
    assert Publication.objects.count() == 1 and PublishedFile.objects.count() == 2


@pytest.mark.django_db
def test_a_confirmation_page_from_before_an_edit_publishes_nothing(paper, demo, client_for, html_only):
    client = client_for("author")
    data = form_values(client.get(publish_url(paper)).text)
    edit(paper, demo["author"], title="Retitled after the page was opened")
    response = client.post(publish_url(paper), data)
    assert response.status_code == 409 and nothing_published()
    assert "<title>Error: " in response.text and "Nothing was published" in response.text
    assert "The paper was changed after you opened this page" in response.text
    # The page now carries the paper as it is: publishing from it works.
    again = form_values(response.text)
    assert again["paper_version"] == str(Paper.objects.get(pk=paper.pk).version)
    assert client.post(publish_url(paper), again).status_code == 302
    run_worker()
    assert Publication.objects.get().public_snapshot["frame"]["title"] == "Retitled after the page was opened"


@pytest.mark.django_db
def test_a_form_without_the_versions_is_refused(paper, client_for, html_only):
    response = client_for("author").post(publish_url(paper), {"reason": ""})
    assert response.status_code == 200 and "This page is out of date" in response.text
    assert 'href="#id_paper_version"' not in response.text and nothing_published()


# Formats an old publication lacks -----------------------------------------------------

@pytest.mark.django_db
def test_a_format_an_old_publication_lacks_says_so(paper, demo, client_for, html_only, monkeypatch):
    publication = publishing.publish_paper(paper_id=paper.pk, user=demo["author"])  # HTML only
    monkeypatch.setitem(FORMATS, "pdf", pdf.FORMAT)  # the PDF format arrives later
    client = client_for("panel")
    response = client.get(reverse("published:file", args=[paper.pk, 1, "pdf"]))
    assert response.status_code == 200 and "This version has no PDF file" in response.text
    assert reverse("published:file", args=[paper.pk, 1, "html"]) in response.text
    assert client.get(reverse("published:file", args=[paper.pk, 1, "odt"])).status_code == 404
    page = client.get(reverse("published:version", args=[paper.pk, 1])).text
    assert reverse("published:file", args=[paper.pk, 1, "pdf"]) not in page  # only the files it has
    assert publication.files.count() == 2
    # The addresses of the first publications are this view's addresses too (old links keep working).
    assert client.get(f"/published/{paper.pk}/v1/public.html").content == bytes(
        publication.files.get(pack="public", format="html").content)
    assert client_for("smt").get(f"/published/{paper.pk}/v1/restricted.html").status_code == 200


# Download names ---------------------------------------------------------------------

EVIL = 'x.html"; filename="evil.exe'


@pytest.mark.django_db
def test_a_hostile_panel_name_cannot_break_the_download_header(paper, demo, client_for, html_only):
    edit(paper, demo["author"], panel=EVIL, title=EVIL)
    publication = publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    stored = publication.files.get(pack="public", format="html")
    assert stored.filename == "xhtml-filenameevilexe-2017-09-22-public-v1.html"
    response = client_for("panel").get(reverse("published:file", args=[paper.pk, 1, "html"]))
    assert response["Content-Disposition"] == 'inline; filename="xhtml-filenameevilexe-2017-09-22-public-v1.html"'
    draft = client_for("author").get(reverse("reports:file", args=[paper.pk, "html"]))
    assert draft["Content-Disposition"] == 'inline; filename="xhtml-filenameevilexe-2017-09-22-public-draft.html"'
    # The page and the list show the name as it was published, escaped.
    page = client_for("panel").get(reverse("published:version", args=[paper.pk, 1])).text
    assert "x.html&quot;; filename=&quot;evil.exe" in page and EVIL not in page


@pytest.mark.django_db
def test_a_non_ascii_panel_name_gives_an_rfc_5987_file_name(paper, demo, client_for):
    edit(paper, demo["author"], panel="Ré\u00adsumé – Août")
    response = client_for("author").get(reverse("reports:pdf", args=[paper.pk]))  # the draft PDF
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''r%C3%A9sum%C3%A9-ao%C3%BBt-2017-09-22-public-draft.pdf"
    response["Content-Disposition"].encode("ascii")  # a header of plain ASCII, nothing MIME-encoded


@pytest.mark.django_db
def test_the_register_exports_use_the_same_header(client_for):
    for name in ("risks:export_csv", "risks:export_xlsx"):
        header = client_for("smt").get(reverse(name))["Content-Disposition"]
        assert header.startswith('attachment; filename="risk-register-') and header.count('"') == 2


# Published pages from the snapshot ---------------------------------------------------------

@pytest.mark.django_db
def test_renaming_the_draft_changes_nothing_on_the_published_pages(paper, demo, client_for, html_only):
    publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    client = client_for("smt")
    pages = [reverse("published:overview"), reverse("published:current", args=[paper.pk]),
             reverse("published:version", args=[paper.pk, 1]), reverse("published:version_restricted", args=[paper.pk, 1])]
    edit(paper, demo["author"], title="Renamed draft title", panel="Renamed panel")
    after = [client.get(page).text for page in pages]
    assert "<title>MOPAC Risk Management Report, 22 September 2017, version 1" in after[2]
    assert "<h1>Published paper: Audit Panel, 22 September 2017" in after[2]
    assert "Audit Panel, 22 September 2017" in after[0] and "MOPAC Risk Management Report" in after[0]
    assert "Renamed" not in "".join(after)
