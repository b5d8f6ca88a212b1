"""Journey: the report author starts next quarter's paper from the September
2017 one, adds a risk to Appendix 2, previews it, downloads the PDF and
publishes it."""

import re

from pypdf import PdfReader

from reports.models import Paper
from risks.models import Risk
from tests.e2e.helpers import BROWSER, assert_accessible, save_screenshot
from tests.e2e.keyboard import fill_by_keyboard
from tests.worker import run_worker
from tests.seed import appendix_1_rows

pytestmark = BROWSER

TREND_WORDS = {"fluctuating": "↕ Fluctuating", "no_change": "↔ No change", "new": "New",
               "increasing": "↑ Increasing", "decreasing": "↓ Decreasing"}


def squash(text):
    """One space between words; none around "/" (a PDF line may break after one)."""
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", text)).strip()


def create_next_paper(page):
    """Papers → Start a paper → 15 December 2017, from the previous narrative (keyboard only)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Papers", exact=True).click()
    page.wait_for_url("**/papers/")
    assert_accessible(page, "paper list")
    page.get_by_role("link", name="Start a paper for a meeting").click()
    page.wait_for_url("**/papers/new/")
    assert_accessible(page, "paper create form")
    fill_by_keyboard(page, page.locator("main form"), {"id_meeting_date": "2017-12-15", "id_copy_previous": True})
    page.wait_for_url(re.compile(r"/papers/\d+/$"))
    return Paper.objects.get(meeting_date="2017-12-15")


def test_report_author_prepares_the_next_paper(page, demo, sign_in):
    victims = Risk.objects.get(title="Victims")
    sign_in(page, "author")
    paper = create_next_paper(page)

    # The new paper's page: the September narrative copied in.
    assert "15 December 2017" in page.get_by_role("heading", level=1).inner_text()
    assert "Paper for 15 December 2017 created." in page.get_by_role("status").inner_text()
    assert page.get_by_label("Report summary").input_value().startswith("This report is presented to Audit Panel")
    assert_accessible(page, "paper edit page")

    # Appendix 2: September's choices come along; add risk 6 (Victims) at the end.
    september = [choice.risk.title for choice in Paper.objects.get(meeting_date="2017-09-22").choices.order_by("position")]
    assert [choice.risk.title for choice in paper.choices.order_by("position")] == september
    page.get_by_role("link", name="Choose the Appendix 2 risks").click()
    page.wait_for_url(f"**/papers/{paper.pk}/appendix-2/")
    assert page.get_by_label("Include risk 4", exact=True).is_checked()
    assert not page.get_by_label("Include risk 6", exact=True).is_checked()
    assert_accessible(page, "Appendix 2 choice")
    order = str(len(september) + 1)
    fill_by_keyboard(page, page.locator("main form"), {f"id_include_{victims.pk}": True, f"id_order_{victims.pk}": order,
                                                       "id_reason": "Victims added for December"})
    page.wait_for_url(f"**/papers/{paper.pk}/")
    assert "Appendix 2 saved." in page.get_by_role("status").inner_text()
    assert [choice.risk.title for choice in paper.choices.order_by("position")] == [*september, "Victims"]

    # Preview: Appendix 1 lists the register, Appendix 2 the four risks in order.
    page.get_by_role("link", name="Preview the paper").click()
    page.wait_for_url(f"**/papers/{paper.pk}/preview/")
    assert page.get_by_text("Friday, 15 December 2017").first.is_visible()
    appendix_1 = page.locator("#appendix-1")
    for ref, _trend, title, _description, _owners in appendix_1_rows():
        assert appendix_1.get_by_role("row").filter(has_text=title).first.is_visible(), title
    positions = page.locator("#appendix-2 .position h3").all_inner_texts()
    assert len(positions) == len(september) + 1 and positions[-1].lower().startswith("victims"), positions
    assert_accessible(page, "paper preview")
    save_screenshot(page, "paper-preview")

    # The PDF, read back: the meeting, every Appendix 1 row in ref order, Victims in Appendix 2.
    page.get_by_role("link", name="Edit this paper").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename == "audit-panel-2017-12-15-public-draft.pdf"
    reader = PdfReader(download.value.path())
    text = squash(" ".join(pdf_page.extract_text() for pdf_page in reader.pages))
    assert "15 December 2017" in text
    position = text.index("Appendix 1: MOPAC corporate risk overview")
    for ref, trend, title, description, owners in appendix_1_rows():
        row = squash(f"{ref} {TREND_WORDS[trend]} {title} - {description} {' / '.join(owners)}")
        found = text.find(row, position)
        assert found > position, row
        position = found
    appendix_2 = text[text.index("Appendix 2: MOPAC summary risk position", position):]
    assert squash(victims.description) in appendix_2

    # Publish: the confirmation page, then version 1 (keyboard: Tab to the button, Enter).
    page.get_by_role("link", name="Publish the paper").click()
    page.wait_for_url(f"**/papers/{paper.pk}/publish/")
    assert "This will be version 1 of the paper." in page.locator("main").inner_text()
    assert_accessible(page, "publish confirmation")
    # No review round was run for this meeting: the gate lists it and asks why publish anyway.
    assert "No review round was run for the meeting of 15 December 2017." in page.locator("main").inner_text()
    fill_by_keyboard(page, page.locator("main form"), {"id_accept_outstanding": "Extra meeting: no round this time"})
    # The worker publishes; the progress page follows it by itself, then links to the version.
    page.wait_for_url(f"**/papers/{paper.pk}/publish/jobs/*/")
    assert_accessible(page, "publish progress")
    run_worker()
    page.get_by_role("link", name="Read version 1 as published").click()
    page.wait_for_url(f"**/published/{paper.pk}/v1/")
    assert page.get_by_role("heading", level=1).first.inner_text().startswith("Published paper: Audit Panel, 15 December 2017")
    publication = paper.publications.get()
    assert (publication.version, publication.published_by) == (1, demo["author"])
    assert publication.gate_override.reason == "Extra meeting: no round this time"
