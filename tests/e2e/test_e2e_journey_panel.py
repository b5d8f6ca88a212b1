"""Journey: a panel member reads the published paper, sees what changed since
the last one, downloads its PDF, and is refused the register and the
restricted pack."""

import datetime

from django.utils import timezone
from pypdf import PdfReader

from controls.models import Control
from publications import publishing
from reports import services as paper_services
from reports.models import Paper
from risks.models import Trend
from riskregister.tracking import revisions_dated, save_tracked
from risks.services import record_review
from tests.e2e.helpers import BROWSER, assert_accessible, save_screenshot
from tests.e2e.pages import adequate_funding

pytestmark = BROWSER

NEW_CONTROL = "Spending review bid"
CONTROL_TEXT = "Make London's case in the spending review."


def publish_two_quarters(author):
    """September 2017 as published, then December's paper after a review and a new control."""
    september = Paper.objects.get(meeting_date="2017-09-22")
    publishing.publish_paper(paper_id=september.pk, user=author)
    risk = adequate_funding()
    # Recorded on 1 December 2017: the December paper shows the register as at its meeting.
    with revisions_dated(timezone.make_aware(datetime.datetime(2017, 12, 1, 12))):
        record_review(risk_id=risk.pk, user=author, reason="December review", reviewed_on=datetime.date(2017, 12, 1),
                      trend=Trend.INCREASING, likelihood=5, impact=5, commentary="Settlement below inflation.")
        save_tracked(Control(risk=risk, name=NEW_CONTROL, description=CONTROL_TEXT,
                             lever="convening", status="planned"), user=author, reason="New control")
    december = paper_services.create_paper(
        user=author, reason="Next quarter", meeting_date=datetime.date(2017, 12, 15), title=september.title,
        copy_from=september, panel=september.panel, report_by=september.report_by,
    )
    return publishing.publish_paper(paper_id=december.pk, user=author)


def test_panel_member_reads_what_changed_and_is_refused_the_rest(page, demo, sign_in):
    december = publish_two_quarters(demo["author"])
    sign_in(page, "panel")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Published papers").click()
    page.wait_for_url("**/published/")
    meetings = page.get_by_role("heading", level=2).all_inner_texts()
    assert [meeting.split(" – ")[0] for meeting in meetings[:2]] == ["Audit Panel, 15 December 2017", "Audit Panel, 22 September 2017"]
    assert page.get_by_role("link", name="Read the restricted pack").count() == 0
    assert_accessible(page, "published overview")
    save_screenshot(page, "published-overview")

    # The December paper, and what changed since September's.
    page.get_by_role("link", name="Read the paper for 15 December 2017").click()
    page.wait_for_url(f"**/published/{december.paper_id}/v1/")
    changed = page.get_by_role("region", name="What changed since the paper of 22 September 2017")
    assert changed.get_by_role("heading", level=3).all_inner_texts() == ["Trend changes", "Controls added"]
    assert changed.get_by_role("listitem").all_inner_texts() == [
        "Risk 4 (Adequate funding): ↔ No change → ↑ Increasing",
        f"Risk 4 (Adequate funding): {NEW_CONTROL}: {CONTROL_TEXT}",
    ]
    assert_accessible(page, "published paper page")

    # Its PDF, as published.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    text = " ".join(" ".join(pdf_page.extract_text() for pdf_page in PdfReader(download.value.path()).pages).split())
    assert "15 December 2017" in text and "↑ Increasing Adequate funding" in text

    # Refused: the register, a risk, the restricted pack (page and PDF), the drafts.
    assert page.goto("/risks/").status == 403
    assert page.goto(f"/risks/{adequate_funding().pk}/").status == 403
    assert page.goto(f"/published/{december.paper_id}/v1/restricted/").status == 403
    assert page.goto(f"/published/{december.paper_id}/v1/restricted.pdf").status == 403
    assert page.goto(f"/papers/{december.paper_id}/restricted.pdf").status == 403
