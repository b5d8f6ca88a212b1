"""Journey: an SMT editor updates a risk (description, a new control, a review)
with the keyboard, and finds each change on the risk page and in its history."""

import re

from controls.models import Control
from risks.models import Review, Trend
from tests.e2e.helpers import BROWSER, assert_accessible, save_screenshot
from tests.e2e.keyboard import Append, fill_by_keyboard
from tests.e2e.pages import adequate_funding

pytestmark = BROWSER

ADDED_SENTENCE = " Includes the 2018/19 settlement."
CONTROL_NAME = "Budget bid 2018/19"
CONTROL_TEXT = "Prepare the MOPAC budget submission with the GLA, with the settlement figures."
TREND_REASON = "Settlement still uncertain"


def tab_to_error_link_and_follow_it(page, text):
    """Keyboard only: Tab to the error summary's link, follow it with Enter."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('.error-summary') !== null") and text in page.evaluate(
            "() => document.activeElement.textContent"
        ):
            break
    else:
        raise AssertionError(f"Tab never reached the error link {text!r}")
    page.keyboard.press("Enter")


def test_smt_editor_edits_adds_a_control_and_reviews_a_risk(page, demo, sign_in):
    risk = adequate_funding()
    sign_in(page, "smt")

    # Find the risk through the register's text search (typed, then Enter).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    page.get_by_label("Search").press_sequentially("adequate funding")
    with page.expect_navigation():
        page.get_by_label("Search").press("Enter")
    assert "q=adequate+funding" in page.url
    page.get_by_role("link", name="Adequate funding", exact=True).click()
    page.wait_for_url(f"**/risks/{risk.pk}/")

    # Edit: the description and a new control, by keyboard; first without a reason.
    page.get_by_role("link", name=f"Edit risk {risk.ref} and its controls").click()
    page.wait_for_url(f"**/risks/{risk.pk}/edit/")
    assert_accessible(page, "risk edit form")
    new_control = {
        "id_controls-3-name": CONTROL_NAME,
        "id_controls-3-description": CONTROL_TEXT,
        "id_controls-3-lever": "Direct delivery",
        "id_controls-3-due_date": "2018-03-31",
        "id_controls-3-status": "Planned",
    }
    assert page.get_by_role("group", name="New control").get_by_label("Name (optional)").input_value() == ""
    fill_by_keyboard(page, page.locator("main form"), {"id_risk-description": Append(ADDED_SENTENCE), **new_control})

    # Refused: the reason is missing. What was typed is still there.
    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert page.get_by_label("Description").first.input_value().endswith(ADDED_SENTENCE)
    assert page.locator("#id_controls-3-name").input_value() == CONTROL_NAME
    assert_accessible(page, "risk edit form with errors")
    error = summary.get_by_role("link").first.inner_text()
    tab_to_error_link_and_follow_it(page, error)
    assert page.evaluate("() => document.activeElement.id") == "id_change-reason"
    page.keyboard.type("Settlement announced")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field submits its form

    page.wait_for_url(f"**/risks/{risk.pk}/")
    assert ADDED_SENTENCE.strip() in page.locator(".lede").inner_text()
    control_row = page.get_by_role("row").filter(has=page.locator("strong", has_text=CONTROL_NAME))
    assert [cell.inner_text() for cell in control_row.get_by_role("cell").all()][1:] == [
        "Direct delivery", "–", "Mar 2018", "Planned",
    ]

    # Review: a lower score with the trend "Fluctuating" needs a reason.
    page.get_by_role("link", name="Record a review").click()
    page.wait_for_url(f"**/risks/{risk.pk}/review/")
    assert_accessible(page, "review form")
    review = {
        "id_reviewed_on": "2017-12-05", "id_likelihood": "3",
        "radio:trend": "fluctuating", "id_commentary": "Funding settlement delayed.",
        "id_reason": "December review with the owner",
    }
    fill_by_keyboard(page, page.locator("main form"), review, submit_with="Space")
    assert page.title().startswith("Error: ")
    assert "Say why you chose “Fluctuating”" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Date of review").input_value() == "2017-12-05"
    assert_accessible(page, "review form with errors")
    tab_to_error_link_and_follow_it(page, "Say why")
    assert page.evaluate("() => document.activeElement.id") == "id_trend_reason"
    page.keyboard.type(TREND_REASON)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The risk page shows all three.
    page.wait_for_url(f"**/risks/{risk.pk}/")
    details = page.locator(".summary-list")
    assert re.search(r"Trend\s+↕?\s*Fluctuating", details.inner_text())
    assert "likelihood 3 × impact 5 = 15" in details.inner_text()
    newest_review = page.get_by_role("table").filter(has=page.get_by_text("Reviews, newest first")).get_by_role("row").nth(1)
    assert newest_review.get_by_role("rowheader").inner_text() == "5 Dec 2017"
    assert "Siobhan Peters" in newest_review.inner_text()
    assert ADDED_SENTENCE.strip() in page.locator(".lede").inner_text()
    assert page.get_by_role("row").filter(has=page.locator("strong", has_text=CONTROL_NAME)).count() == 1

    # The history page shows the three changes, each with the editor's name.
    page.get_by_role("link", name="History").click()
    page.wait_for_url(f"**/risks/{risk.pk}/history/")
    entries = page.locator(".history-entry")
    newest = entries.all()[:4]  # the edit (risk and control) and the review (review and risk)
    headings = [entry.locator("h3").inner_text() for entry in newest]
    assert sorted(headings) == sorted([
        "Risk changed: Risk 4", "Risk changed: Risk 4", "Review added: Review of 5 December 2017", f"Control added: {CONTROL_NAME}",
    ]), headings
    for entry in newest:
        assert "By Siobhan Peters on" in entry.locator(".history-entry__meta").inner_text()
    description_entry = entries.filter(has=page.locator("th", has_text="Description")).first
    assert description_entry.locator("ins").filter(has_text="2018/19").count() == 1
    assert_accessible(page, "history page")
    save_screenshot(page, "history")

    # And in the database: who and why, on every revision.
    smt = demo["smt"]
    control = Control.objects.get(risk=risk, name=CONTROL_NAME)
    assert (control.lever, control.due_date.isoformat(), control.status) == ("direct_delivery", "2018-03-31", "planned")
    assert control.history.latest().history_user == smt
    assert control.history.latest().history_change_reason == "Settlement announced"
    new_review = Review.objects.get(risk=risk, reviewed_on="2017-12-05")
    assert (new_review.trend, new_review.likelihood * new_review.impact) == (Trend.FLUCTUATING, 15)
    assert TREND_REASON in new_review.commentary
    assert new_review.history.latest().history_user == smt
    risk.refresh_from_db()
    assert risk.description.endswith(ADDED_SENTENCE)
    assert {revision.history_user for revision in risk.history.all()[:2]} == {smt}
