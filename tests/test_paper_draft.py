"""DRAFT marking (issue 13, item 4): every render of an unpublished paper says DRAFT on
every page and in its file name; the files publishing stores never do."""

import io

from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from publications.publishing import publish_paper
from reports.formats import FORMATS


def pdf_pages(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def file_name(response):
    return response["Content-Disposition"].split("filename=")[-1].strip('"')


def test_a_draft_pdf_says_draft_on_every_page_and_in_its_name(client_for, paper):
    client = client_for("author")
    for url_name in ("reports:file", "reports:file_restricted"):
        response = client.get(reverse(url_name, args=[paper.pk, "pdf"]))
        assert response.status_code == 200
        assert "-draft.pdf" in file_name(response)
        pages = pdf_pages(response.content)
        assert len(pages) > 3
        for number, text in enumerate(pages, start=1):
            assert "DRAFT" in text, f"page {number} does not say DRAFT"


def test_the_draft_preview_has_a_draft_banner(client_for, paper):
    response = client_for("author").get(reverse("reports:preview", args=[paper.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="draft-banner"' in html
    assert "<title>DRAFT – " in html


def test_draft_word_and_html_files_are_named_and_marked_draft(client_for, paper):
    client = client_for("author")
    word = client.get(reverse("reports:file", args=[paper.pk, "docx"]))
    assert "-draft.docx" in file_name(word)
    header = Document(io.BytesIO(word.content)).sections[0].header.paragraphs[0].text
    assert header.startswith("DRAFT")
    html = client.get(reverse("reports:file", args=[paper.pk, "html"]))
    assert "-draft.html" in file_name(html)
    assert 'class="draft-banner"' in html.content.decode()


def test_published_files_never_say_draft(paper, users):
    publication = publish_paper(paper_id=paper.pk, user=users["author"])
    assert publication.public_snapshot["draft"] is False
    assert publication.restricted_snapshot["draft"] is False
    files = {(f.pack, f.format): f for f in publication.files.all()}
    assert set(files) == {(pack, name) for pack in ("public", "restricted") for name in FORMATS}
    for stored in files.values():
        assert "draft" not in stored.filename
    for pack in ("public", "restricted"):
        assert not any("DRAFT" in text for text in pdf_pages(bytes(files[pack, "pdf"].content)))
        assert b"draft-banner" not in bytes(files[pack, "html"].content)
        header = Document(io.BytesIO(bytes(files[pack, "docx"].content))).sections[0].header.paragraphs[0].text
        assert "DRAFT" not in header


def test_the_diagonal_mark_and_the_header_are_artifacts_on_every_page(client_for, paper):
    from tests.test_pdf_tags import texts

    content = client_for("author").get(reverse("reports:file", args=[paper.pk, "pdf"])).content
    for number, page in enumerate(texts(PdfReader(io.BytesIO(content))), start=1):
        # The running header's DRAFT and the mark's: both pagination/layout, never tagged text.
        assert "DRAFT" in page["pagination"], f"page {number}"
        assert "DRAFT" not in page["tagged"] or number == 1  # page 1's banner is the paper's own text
    for number, text in enumerate(pdf_pages(content)[1:], start=2):
        assert text.count("DRAFT") >= 2, f"page {number}: the header and the diagonal mark"
