"""The paper as Word: read back with python-docx, as a committee clerk's Word would open it."""

import io

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx.oxml.ns import qn

from publications import publishing
from publications.models import PublishedFile
from reports import rendering
from reports.formats import FORMATS
from risks.models import TREND_GLYPHS, Trend
from tests.seed import appendix_1_rows, appendix_2_sections

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read(content):
    return docx.Document(io.BytesIO(content))


def headings(document):
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def export(paper, *, restricted=False):
    return FORMATS["docx"].export(rendering.gather(paper, restricted=restricted))


def test_public_pack_has_the_papers_sections_as_heading_styles(paper):
    filename, content_type, content = export(paper)
    assert filename == "audit-panel-2017-09-22-public-draft.docx" and content_type == DOCX_TYPE
    document = read(content)
    data = rendering.gather(paper, restricted=False)
    found = headings(document)
    assert found[0] == ("Heading 1", data["frame"]["title"])
    section_headings = [
        ("Heading 2", f"{s['number']} {s['heading']}" if s["number"] else s["heading"]) for s in data["sections"]
    ]
    level_2 = [h for h in found if h[0] == "Heading 2"]
    assert level_2[: len(section_headings)] == section_headings
    assert level_2[len(section_headings):] == [
        ("Heading 2", "Appendix 1: MOPAC corporate risk overview"),
        ("Heading 2", "Appendix 2: MOPAC summary risk position"),
    ]
    # Appendix 2's positions are third-level headings, their controls below them.
    assert [h[1] for h in found if h[0] == "Heading 3"][1:] == [s[0] for s in appendix_2_sections()]
    assert ("Heading 4", "Control actions") in found
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Appendix 4:" not in text and "Appendix 3:" not in text
    assert appendix_2_sections()[3][3][0] in text  # a potential control's words


def test_appendix_1_is_a_table_with_a_repeating_header_row_in_ref_order(paper):
    document = read(export(paper)[2])
    [table] = document.tables
    header = table.rows[0]
    assert [c.text for c in header.cells] == ["Ref", "Risk trend", "Risk Description", "Risk owner"]
    repeat = header._tr.trPr.find(qn("w:tblHeader"))
    assert repeat is not None and repeat.get(qn("w:val")) == "true"
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    expected = []
    for ref, trend, title, description, owners in appendix_1_rows():
        glyph = TREND_GLYPHS[Trend(trend)]
        word = Trend(trend).label
        expected.append([ref, f"{glyph} {word}" if glyph else word, f"{title} - {description}", " / ".join(owners)])
    assert rows == expected


def test_document_properties_language_and_page_numbers(paper):
    document = read(export(paper)[2])
    properties = document.core_properties
    assert properties.title == "MOPAC Risk Management Report – Audit Panel, Friday, 22 September 2017"
    assert properties.language == "en-GB" and properties.author
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert document.sections[0].page_width.cm == pytest.approx(21.0, abs=0.01)


def test_restricted_pack_adds_appendices_3_and_4(paper):
    document = read(export(paper, restricted=True)[2])
    found = headings(document)
    assert ("Heading 2", "Appendix 3: MOPAC Internal Governance (Restricted)") in found
    assert ("Heading 2", "Appendix 4: MOPAC Risk Register (Restricted)") in found
    assert len([h for h in found if h[0] == "Heading 3" and h[1].startswith("Risk ")]) == 15
    assert document.core_properties.title.endswith("(restricted pack)")


def test_render_paper_command_writes_word(paper, tmp_path):
    output = tmp_path / "paper.docx"
    err = io.StringIO()
    call_command("render_paper", "--meeting", "2017-09-22", "--format", "docx", "--output", str(output), stderr=err)
    assert read(output.read_bytes()).tables and "public pack" in err.getvalue()


def test_draft_word_download_beside_the_pdf(paper, client_for):
    client = client_for("author")
    preview = client.get(reverse("reports:preview", args=[paper.pk])).text
    url = reverse("reports:file", args=[paper.pk, "docx"])
    assert f'href="{url}"' in preview and "Download the paper (Word)" in preview
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="audit-panel-2017-09-22-public-draft.docx"'
    assert read(response.content).tables
    for page in (reverse("reports:list"), reverse("reports:edit", args=[paper.pk])):
        assert f'href="{url}"' in client.get(page).text
    assert client_for("panel").get(url).status_code == 403  # panel members never see drafts


def test_publishing_stores_the_word_files_with_digests(paper, demo, client_for):
    publication = publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    for pack in ("public", "restricted"):
        stored = PublishedFile.objects.get(publication=publication, pack=pack, format="docx")
        assert stored.verify() and stored.filename == f"audit-panel-2017-09-22-{pack}-v1.docx"
        assert read(bytes(stored.content)).core_properties.language == "en-GB"
    page = client_for("panel").get(reverse("published:version", args=[paper.pk, 1])).text
    url = reverse("published:file", args=[paper.pk, 1, "docx"])
    assert f'href="{url}"' in page
    assert f'href="{url}"' in client_for("panel").get(reverse("published:overview")).text
    response = client_for("panel").get(url)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
