"""Journey (issue 17's "Done when"): the risk manager sets the appetite for Financial
in the settings and sees "Adequate funding" (20) outside appetite on its page, in the
register, on the start page and in a December 2017 draft; a review round holds it
outstanding until it has a plan; a change of the Medium band reaches the register,
the heat map and a new draft, never the published September paper."""

import re

from reports.models import Paper
from tests.e2e.helpers import BROWSER, assert_accessible

pytestmark = BROWSER

FUNDING = "Adequate funding"


def main(page):
    return page.get_by_role("navigation", name="Main")


def set_financial_appetite(page):
    """Settings → Risk appetite by category → Set Financial: Cautious, up to 12."""
    main(page).get_by_role("link", name="Settings").click()
    page.wait_for_url("**/settings/")
    page.get_by_role("link", name="Risk appetite by category").click()
    page.wait_for_url("**/settings/appetite/")
    financial = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Financial", exact=True))
    assert "Not set" in financial.inner_text()
    financial.get_by_role("link", name="Set the appetite for Financial").click()
    page.wait_for_url(re.compile(r"/settings/appetite/\d+/$"))
    page.get_by_label("Appetite level").select_option(label="Cautious")
    page.get_by_label("Tolerance").fill("12")
    page.get_by_label("Appetite statement").fill("We accept some financial risk where it buys value for money.")
    page.get_by_label("Approved by").fill("Audit Panel")
    page.get_by_label("Approved on").fill("2017-11-14")
    page.get_by_label("Reason for the change").fill("Appetite agreed by the Audit Panel in November")
    page.get_by_role("button", name="Save the appetite").click()
    page.wait_for_url("**/settings/appetite/")
    financial = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Financial", exact=True))
    assert re.sub(r"\s+", " ", financial.inner_text()).startswith("Financial Cautious up to 12"), financial.inner_text()


def open_risk(page, title):
    page.goto("/risks/")
    page.get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_url(re.compile(r"/risks/\d+/$"))


def create_december_paper(page, *, appetite_column):
    """Papers → Start a paper → 15 December 2017 from the previous one; the appetite column on or off."""
    main(page).get_by_role("link", name="Papers", exact=True).click()
    page.wait_for_url("**/papers/")
    page.get_by_role("link", name="Start a paper for a meeting").click()
    page.wait_for_url("**/papers/new/")
    page.get_by_label("Meeting date").fill("2017-12-15")
    page.get_by_label(re.compile("previous", re.I)).check()
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/papers/\d+/$"))
    paper = Paper.objects.get(meeting_date="2017-12-15")
    if appetite_column:
        page.get_by_label(re.compile("Within appetite")).check()
        page.get_by_label("Reason for the change").fill("Show the appetite")
        page.get_by_role("button", name="Save the paper").click()
        page.wait_for_url(f"**/papers/{paper.pk}/")
    return paper


def appendix_1_cells(page, title):
    """The preview's Appendix 1 row for `title`, as its cells' texts."""
    row = page.locator("#appendix-1").get_by_role("row").filter(has_text=title).first
    return [cell.strip() for cell in row.get_by_role("cell").all_inner_texts()]


def test_risk_manager_sets_an_appetite_and_sees_adequate_funding_outside_it(page, demo, sign_in):
    sign_in(page, "author")
    set_financial_appetite(page)

    # The risk's page: 20 above 12, outside appetite, no plan yet.
    open_risk(page, FUNDING)
    section = page.locator("section", has=page.get_by_role("heading", name="Risk appetite"))
    text = section.inner_text()
    assert "Financial" in text and "Cautious" in text
    assert "Current score 20 is above the tolerance of 12: outside appetite." in text
    assert "No action plan" in text

    # The register filtered to the risks outside appetite.
    page.goto("/risks/")
    page.get_by_label("Risk appetite").select_option(label="Outside appetite")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"appetite=outside"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=FUNDING, exact=True))
    assert "Outside appetite" in row.inner_text()

    # The start page's list of risks outside appetite, with the owners.
    page.get_by_role("link", name="MOPAC risk register").click()
    page.wait_for_url(re.compile(r"/$"))
    outside = page.locator("section", has=page.get_by_role("heading", name="Risks outside appetite"))
    row = outside.get_by_role("row").filter(has_text=FUNDING)
    assert "20, above the tolerance of 12 (Financial)" in row.inner_text()
    assert "No plan" in row.inner_text()

    # A December 2017 draft with the "Within appetite" column: No for risk 4.
    paper = create_december_paper(page, appetite_column=True)
    page.get_by_role("link", name="Preview the paper").click()
    page.wait_for_url(f"**/papers/{paper.pk}/preview/")
    assert page.get_by_role("columnheader", name="Within appetite").is_visible()
    cells = appendix_1_cells(page, FUNDING)
    assert cells[-1] == "No", cells
    assert_accessible(page, "paper preview with the appetite column")


def round_progress(page):
    return re.sub(r"\s+", " ", page.get_by_role("term").filter(has_text="Progress").locator("xpath=following-sibling::dd[1]").inner_text())


def risk_row(page, title):
    section = page.locator("section", has=page.get_by_role("heading", name="Progress by risk"))
    return section.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


def test_a_round_holds_a_risk_outside_appetite_until_it_has_a_plan(page, demo, sign_in):
    sign_in(page, "author")
    set_financial_appetite(page)
    paper = create_december_paper(page, appetite_column=False)

    # Rounds → Open a round for 15 December 2017, opening after the appetite was approved.
    page.get_by_role("link", name="MOPAC risk register").click()
    page.get_by_role("link", name="Review rounds").click()
    page.get_by_role("link", name="Open a round").click()
    page.wait_for_url("**/rounds/open/")
    page.get_by_label("Meeting date").fill("2017-12-15")
    page.get_by_label("Opens on").fill("2017-11-20")
    page.get_by_label("Deadline for updates").fill("2017-12-01")
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_url(re.compile(r"/rounds/\d+/$"))
    assert paper.review_rounds.count() == 1
    assert "Outside appetite with no action plan: 1" in round_progress(page)
    assert "Outside appetite with no action plan" in risk_row(page, FUNDING).inner_text()
    assert_accessible(page, "round page with a risk outside appetite")

    # "Record a plan" leads to the risk's appetite section; the risk manager records an acceptance.
    risk_row(page, FUNDING).get_by_role("link", name=re.compile("Record a plan")).click()
    page.wait_for_url(re.compile(r"/risks/\d+/#risk-appetite$"))
    page.get_by_role("link", name=re.compile("Record an acceptance")).click()
    page.wait_for_url(re.compile(r"/risks/\d+/appetite/accept/$"))
    assert_accessible(page, "acceptance form")
    page.get_by_label("Accepted by").fill("Rebecca Lawrence, Chief Executive")
    page.get_by_label("Why is the risk accepted above the tolerance?").fill("Funding settlement not known until the budget")
    expiry = page.get_by_label("Accepted on").input_value().replace(page.get_by_label("Accepted on").input_value()[:4],
                                                                   str(int(page.get_by_label("Accepted on").input_value()[:4]) + 1), 1)
    page.get_by_label("Expires on").fill(expiry)
    page.get_by_role("button", name="Record the acceptance").click()
    page.wait_for_url(re.compile(r"/risks/\d+/$"))
    section = page.locator("section", has=page.get_by_role("heading", name="Risk appetite"))
    assert "Accepted outside appetite by Rebecca Lawrence, Chief Executive" in section.inner_text()
    assert "No action plan" not in section.inner_text()

    # The round stops counting it.
    page.goto(f"/rounds/{paper.review_rounds.get().pk}/")
    assert "Outside appetite with no action plan" not in round_progress(page)
    assert "Outside appetite with no action plan" not in risk_row(page, FUNDING).inner_text()
