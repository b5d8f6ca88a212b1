"""The fixture paper's PDF, read back with pypdf, against the seed's own words.

PDF renders are slow-ish: each pack is rendered once per module and its bytes
reused (the demo register is the same in every test here)."""

import datetime
import gc
import io
import re
import threading

import pytest
from django.utils import timezone
from pypdf import PdfReader

from reports import rendering
from reports.models import Paper
from reports.pdf import BlockedURL, StaticOnlyFetcher, cyclic_gc_paused, html_to_pdf, resolve_static_url, static_roots
from risks.models import Risk
from tests.factories import september_paper
from tests.seed import appendix_1_rows, appendix_2_sections

TREND_WORDS = {"fluctuating": "↕ Fluctuating", "no_change": "↔ No change", "new": "New",
               "increasing": "↑ Increasing", "decreasing": "↓ Decreasing"}
_PDFS = {}


def squash(text):
    """One space between words; none around "/" (a line may break after one)."""
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", text)).strip()


def pdf_of_fixture_paper(restricted):
    if restricted not in _PDFS:
        paper = september_paper()
        _PDFS[restricted] = rendering.render_pdf(rendering.gather(paper, restricted=restricted))
    return _PDFS[restricted]


def read(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [page.extract_text() for page in reader.pages]


@pytest.fixture
def public_pdf(demo):
    return read(pdf_of_fixture_paper(False))


@pytest.fixture
def restricted_pdf(demo):
    return read(pdf_of_fixture_paper(True))


def test_every_appendix_1_row_in_ref_order(public_pdf):
    _, pages = public_pdf
    text = squash(" ".join(pages))
    position = text.index("Appendix 1: MOPAC corporate risk overview Ref Risk trend Risk Description Risk owner")
    for ref, trend, title, description, owners in appendix_1_rows():
        row = squash(f"{ref} {TREND_WORDS[trend]} {title} - {description} {' / '.join(owners)}")
        found = text.find(row, position)
        assert found > position, row
        position = found


def test_every_appendix_2_control_word_for_word(public_pdf):
    _, pages = public_pdf
    text = squash(" ".join(pages))
    position = text.index("Appendix 2: MOPAC summary risk position")
    for heading, statement, actions, potential in appendix_2_sections():
        expected = [heading, statement, "Control actions", *actions]
        if potential:
            expected += ["Potential control", *potential]
        for line in expected:
            found = text.find(squash(line), position)
            assert found >= position, line
            position = found


def test_the_narrative_follows_the_seed_with_corrected_cross_references(public_pdf):
    _, pages = public_pdf
    text = squash(" ".join(pages))
    headings = ["Report Summary", "Key Considerations for the Panel", "Interdependencies/Cross Cutting Issues",
                "Recommendations", "1 Supporting Information", "2 Equality and Diversity Impact",
                "3 Financial Implications", "4 Legal Implications", "5 Risk Implications", "6 Contact Details",
                "7 Appendices and Background Papers", "Appendix 1: ", "Appendix 2: "]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "the risk on sufficient funding (Risk 4) has a domino effect" in text
    assert "most overtly shown currently via Risk 5 on making the right interventions" in text
    assert "a. Gain assurance that MOPAC risks are well managed" in text
    for number in ("1.1 In the previous", "1.2 During the summer", "1.3 Work has continued", "1.4 MOPAC and the MPS"):
        assert number in text
    assert "Report author: Gemma Deadman, Strategy and Corporate Planning manager, Email: gemma.deadman@mopac.london.gov.uk;" in text
    assert "Appendix 3 – MOPAC Internal Governance (Restricted)" in text
    assert "Appendix 4 – MOPAC Risk Register (Restricted)" in text


def test_public_pack_has_no_restricted_content(public_pdf, restricted_pdf):
    _, public_pages = public_pdf
    _, restricted_pages = restricted_pdf
    public, restricted = squash(" ".join(public_pages)), squash(" ".join(restricted_pages))
    for secret in ("Appendix 3: MOPAC Internal Governance", "Appendix 4: MOPAC Risk Register", "inherent 5 × 5 = 25 (High)",
                   "lever: Convening partners", "Each control in the register", "Risk owner:"):
        assert secret not in public
        assert secret in restricted
    # The restricted pack still carries everything the public one does.
    assert "Appendix 1: MOPAC corporate risk overview" in restricted
    assert "Control action, In place; owner: none; lever: Direct delivery; due: no date" in restricted


def test_pages_headers_footers_and_metadata(public_pdf):
    reader, pages = public_pdf
    assert 5 <= len(pages) <= 9
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "MOPAC · Audit Panel · Friday, 22 September 2017" in page
    assert reader.metadata.title == "DRAFT – MOPAC Risk Management Report – Audit Panel, Friday, 22 September 2017"
    assert reader.metadata.author == "Gemma Deadman"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged
    assert reader.page_layout is None or reader.page_layout
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [595, 842]  # A4


def test_bookmarks_for_sections_and_appendices(public_pdf, restricted_pdf):
    def titles(reader):
        flat = []
        for item in reader.outline:
            flat.extend(titles_of(item))
        return flat

    def titles_of(item):
        return [t for sub in item for t in titles_of(sub)] if isinstance(item, list) else [item.title]

    public = titles(public_pdf[0])
    assert "Report Summary" in public and "7 Appendices and Background Papers" in public
    assert "Appendix 1: MOPAC corporate risk overview" in public and "CJ Devolution" in public
    assert not any(title.startswith("Appendix 4") for title in public)
    assert "Appendix 4: MOPAC Risk Register (Restricted)" in titles(restricted_pdf[0])


def test_appendices_start_on_a_new_page(public_pdf):
    _, pages = public_pdf
    for heading in ("Appendix 1: MOPAC corporate risk overview", "Appendix 2: MOPAC summary risk position"):
        page = next(page for page in pages if heading in page)
        # A draft's running header ("DRAFT", top right) may come first.
        page = page.removeprefix("DRAFT").lstrip()
        assert page.index(heading) < 5 or squash(page).startswith(heading)


def test_the_trend_font_is_embedded(public_pdf):
    reader, pages = public_pdf
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font else font["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font["/BaseFont"]))
    # Named after our @font-face family: the font came from static/fonts, not the system.
    assert any("Paper-Sans" in name for name in fonts)
    assert "↕" in " ".join(pages) and "↔" in " ".join(pages)


def test_text_from_the_register_is_escaped_in_html_and_pdf(demo):
    risk = Risk.objects.get(ref="7")
    risk.title = '<b style="color:red">Complaints</b> & <script>alert(1)</script>'
    risk._history_user, risk._change_reason = demo["admin"], "Test of escaping"
    # Dated before the meeting, so the register as at the meeting has it.
    risk._history_date = timezone.make_aware(datetime.datetime(2017, 9, 10, 12))
    risk.save()
    data = rendering.gather(Paper.objects.get(), restricted=False)
    html = rendering.render_html(data)
    assert "<script>alert" not in html and "<b style" not in html
    assert "&lt;b style=&quot;color:red&quot;&gt;Complaints&lt;/b&gt; &amp; &lt;script&gt;" in html
    _, pages = read(rendering.render_pdf(data))
    assert '<b style="color:red">Complaints</b> & <script>alert(1)</script> - Failure to ensure' in squash(" ".join(pages))


# The restricted URL fetcher ------------------------------------------------

def test_fetcher_serves_the_projects_static_files():
    response = StaticOnlyFetcher().fetch("https://static.invalid/static/css/paper.css")
    assert b"@font-face" in response.read()
    font = static_roots()[0] / "fonts" / "DejaVuSans.ttf"
    assert resolve_static_url(font.as_uri()) == font.resolve()


@pytest.mark.parametrize("url", [
    "http://example.com/style.css",
    "https://example.com/static/css/paper.css",
    "https://static.invalid/media/secret.pdf",
    "https://static.invalid/static/../riskregister/settings.py",
    "https://static.invalid/static/%2e%2e/%2e%2e/etc/passwd",
    "https://static.invalid/static/css/paper.css?redirect=http://example.com",
    "file:///etc/passwd",
    "file://example.com/static/css/paper.css",
    "data:text/css,body{color:red}",
    "ftp://example.com/x.css",
])
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(BlockedURL):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_refuses_file_urls_escaping_static():
    outside = (static_roots()[0] / ".." / "manage.py")
    with pytest.raises(BlockedURL):
        resolve_static_url(outside.as_uri())


def test_rendering_never_fetches_outside_static(demo, monkeypatch):
    fetched = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    from reports.pdf import html_to_pdf

    html = rendering.render_html(rendering.gather(Paper.objects.get(), restricted=False)).replace(
        "</main>", '<img src="http://127.0.0.1:9/tracker.png" alt=""><link rel="stylesheet" href="file:///etc/passwd"></main>'
    )
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert "http://127.0.0.1:9/tracker.png" in fetched  # asked for, and refused (BlockedURL)
    with pytest.raises(BlockedURL):
        original(StaticOnlyFetcher(), "http://127.0.0.1:9/tracker.png")


def test_the_garbage_collector_is_paused_only_while_papers_render():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        other_render_started, other_render_may_end = threading.Event(), threading.Event()

        def other_render():
            with cyclic_gc_paused():
                other_render_started.set()
                other_render_may_end.wait(5)

        thread = threading.Thread(target=other_render)
        thread.start()
        other_render_started.wait(5)
    # The first render ended while another was still running: still paused.
    assert not gc.isenabled()
    other_render_may_end.set()
    thread.join(5)
    assert gc.isenabled()

    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("a render failed")
    assert gc.isenabled()
    assert html_to_pdf("<p>Short paper</p>").startswith(b"%PDF-")
    assert gc.isenabled()
