"""Journey (issue 17's "Done when"): the risk manager sets the appetite for Financial
in the settings and sees "Adequate funding" (20) outside appetite on its page, in the
register, on the start page and in a December 2017 draft; a review round holds it
outstanding until it has a plan; a change of the Medium band reaches the register,
the heat map and a new draft, never the published September paper."""

import re
from datetime import timedelta

from django.utils import timezone

from organisation.models import TOLERANCE_MESSAGE
from reports.models import Paper
from risks.models import Risk
from tests.e2e.helpers import BROWSER, assert_accessible
from tests.worker import run_worker

pytestmark = BROWSER

FUNDING = "Adequate funding"


def in_a_year():
    return (timezone.localdate() + timedelta(days=365)).isoformat()


def main(page):
    return page.get_by_role("navigation", name="Main")


def set_financial_appetite(page, *, first_a_slip=False):
    """Settings → Risk appetite by category → Set Financial: Cautious, up to 12 (after a
    tolerance of 30, refused, when `first_a_slip`)."""
    main(page).get_by_role("link", name="Settings").click()
    page.wait_for_url("**/settings/")
    page.get_by_role("link", name="Risk appetite by category").click()
    page.wait_for_url("**/settings/appetite/")
    financial = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Financial", exact=True))
    assert "Not set" in financial.inner_text()
    financial.get_by_role("link", name="Set the appetite for Financial").click()
    page.wait_for_url(re.compile(r"/settings/appetite/\d+/$"))
    page.get_by_label("Appetite level").select_option(label="Cautious")
    page.get_by_label("Tolerance").fill("30" if first_a_slip else "12")
    page.get_by_label("Appetite statement").fill("We accept some financial risk where it buys value for money.")
    page.get_by_label("Approved by").fill("Audit Panel")
    page.get_by_label("Approved on").fill("2017-11-14")
    page.get_by_label("Reason for the change").fill("Appetite agreed by the Audit Panel in November")
    page.get_by_role("button", name="Save the appetite").click()
    if first_a_slip:
        page.wait_for_load_state()
        assert page.title().startswith("Error: ")
        summary = page.get_by_role("alert")
        assert summary.get_by_role("link", name=TOLERANCE_MESSAGE).is_visible()
        assert page.get_by_label("Approved by").input_value() == "Audit Panel"
        assert_accessible(page, "appetite form with an error")
        page.get_by_label("Tolerance").fill("12")
        page.get_by_role("button", name="Save the appetite").click()
    page.wait_for_url("**/settings/appetite/")
    financial = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Financial", exact=True))
    assert re.sub(r"\s+", " ", financial.inner_text()).startswith("Financial Cautious up to 12"), financial.inner_text()


def open_register(page):
    main(page).get_by_role("link", name="Register", exact=True).click()
    page.wait_for_url("**/risks/")


def open_risk(page, title):
    open_register(page)
    page.get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_url(re.compile(r"/risks/\d+/$"))


def create_december_paper(page, *, appetite_column):
    """Papers → Start a paper → 15 December 2017 from the previous one; with `appetite_column`, the
    column "Within appetite" and the section of risks outside appetite switched on."""
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
        page.get_by_label(re.compile("section listing the risks outside appetite", re.I)).check()
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
    set_financial_appetite(page, first_a_slip=True)

    # The risk's page: 20 above 12, outside appetite, no plan yet.
    open_risk(page, FUNDING)
    section = page.locator("section", has=page.get_by_role("heading", name="Risk appetite"))
    text = section.inner_text()
    assert "Financial" in text and "Cautious" in text
    assert "Current score 20 is above the tolerance of 12: outside appetite." in text
    assert "No action plan" in text

    # The register filtered to the risks outside appetite.
    open_register(page)
    page.get_by_label("Risk appetite").select_option(label="Outside appetite")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"appetite=outside"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=FUNDING, exact=True))
    assert "20 High Outside appetite" in re.sub(r"\s+", " ", row.inner_text())
    register = page.locator("main table").filter(has=page.get_by_role("columnheader", name="Ref"))
    shown = register.locator("tbody tr").all_inner_texts()
    assert len(shown) >= 2 and all("Outside appetite" in text for text in shown), shown

    # The heat map marks the cells above Financial's tolerance: 15 and 20, never 12.
    page.get_by_label("Mark the tolerance of category").select_option(label="Financial (up to 12)")
    page.get_by_role("button", name="Mark the cells").click()
    page.wait_for_url(re.compile(r"tolerance_category="))
    heat_map = page.locator("table.heat-map")
    assert "Cells above the financial tolerance (12) are marked" in page.locator("main").inner_text()
    for score, above in ((12, False), (15, True), (20, True)):
        cell = heat_map.get_by_role("cell").filter(has_text=re.compile(rf"Score {score},")).first
        assert ("Above tolerance" in cell.inner_text()) == above, (score, cell.inner_text())

    # The start page's list of risks outside appetite, with the owners.
    page.get_by_role("link", name="MOPAC risk register").click()
    page.wait_for_url(re.compile(r"/$"))
    outside = page.locator("section", has=page.get_by_role("heading", name="Risks outside appetite"))
    row = outside.get_by_role("row").filter(has_text=FUNDING)
    assert "20, above the tolerance of 12 (Financial)" in row.inner_text()
    assert Risk.objects.get(title=FUNDING).ordered_owners()[0].name in row.inner_text()
    assert "No plan" in row.inner_text()

    # A December 2017 draft with the "Within appetite" column: No for risk 4.
    paper = create_december_paper(page, appetite_column=True)
    page.get_by_role("link", name="Preview the paper").click()
    page.wait_for_url(f"**/papers/{paper.pk}/preview/")
    assert page.get_by_role("columnheader", name="Within appetite").is_visible()
    cells = appendix_1_cells(page, FUNDING)
    assert cells[-1] == "No", cells
    outside = page.locator("#outside-appetite")
    funding = outside.locator("section", has=page.get_by_role("heading", name=f"Risk 4: {FUNDING}"))
    assert "Category: Financial (Cautious)." in funding.inner_text()
    assert "No plan recorded." in funding.inner_text()
    assert_accessible(page, "paper preview with the appetite column")


def round_progress(page):
    return re.sub(r"\s+", " ", page.get_by_role("term").filter(has_text="Progress").locator("xpath=following-sibling::dd[1]").inner_text())


def risk_row(page, title):
    section = page.locator("section", has=page.get_by_role("heading", name="Progress by risk"))
    return section.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


def open_december_round(page):
    """Start page → Review rounds → Open a round for 15 December 2017, opening after the appetite was approved."""
    page.get_by_role("link", name="MOPAC risk register").click()
    page.locator("main").get_by_role("link", name="Review rounds").click()
    page.get_by_role("link", name="Open a round").click()
    page.wait_for_url("**/rounds/open/")
    page.get_by_label("Meeting date").fill("2017-12-15")
    page.get_by_label("Opens on").fill("2017-11-20")
    page.get_by_label("Deadline for updates").fill("2017-12-01")
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_url(re.compile(r"/rounds/\d+/$"))
    return page.url


def test_a_round_holds_a_risk_outside_appetite_until_it_is_accepted(page, demo, sign_in):
    sign_in(page, "author")
    set_financial_appetite(page)
    paper = create_december_paper(page, appetite_column=False)
    round_url = open_december_round(page)
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
    page.get_by_label("Expires on").fill(in_a_year())
    page.get_by_role("button", name="Record the acceptance").click()
    page.wait_for_url(re.compile(r"/risks/\d+/$"))
    section = page.locator("section", has=page.get_by_role("heading", name="Risk appetite"))
    assert "Accepted outside appetite by Rebecca Lawrence, Chief Executive" in section.inner_text()
    assert "No action plan" not in section.inner_text()

    # The round stops counting it.
    page.goto(round_url)
    assert "Outside appetite with no action plan" not in round_progress(page)
    assert "Outside appetite with no action plan" not in risk_row(page, FUNDING).inner_text()

    # The start page's list shows the plan.
    page.get_by_role("link", name="MOPAC risk register").click()
    outside = page.locator("section", has=page.get_by_role("heading", name="Risks outside appetite"))
    assert "Accepted until" in outside.get_by_role("row").filter(has_text=FUNDING).inner_text()


def test_a_round_holds_a_risk_outside_appetite_until_it_has_control_actions(new_page, demo, sign_in):
    author = sign_in(new_page(), "author")
    set_financial_appetite(author)
    round_url = open_december_round(author)  # the round makes the December draft itself

    # The SMT editor follows "Record a plan" to the risk's edit page and adds a control action.
    smt = sign_in(new_page(), "smt")
    smt.goto(round_url)
    assert "Outside appetite with no action plan: 1" in round_progress(smt)
    risk_row(smt, FUNDING).get_by_role("link", name=re.compile("Record a plan")).click()
    smt.get_by_role("link", name=re.compile("Record control actions")).click()
    smt.wait_for_url(re.compile(r"/risks/\d+/edit/#controls-heading$"))
    new_control = smt.get_by_role("group", name="New control")
    new_control.get_by_label("Description").fill("Make the case for the 2018-19 budget to the GLA")
    new_control.get_by_label("Owner").select_option(index=1)
    new_control.get_by_label("Due date").fill(in_a_year())
    smt.get_by_label("Reason for the change").fill("Plan to bring funding within appetite")
    smt.get_by_role("button", name="Save the risk and its controls").click()
    smt.wait_for_url(re.compile(r"/risks/\d+/$"))
    # A new control is "In place" unless told otherwise: delivered, so not a plan. The page says why.
    section = smt.locator("section", has=smt.get_by_role("heading", name="Risk appetite"))
    assert "No action plan" in section.inner_text()
    assert "Only actions still to be delivered count: their status Planned or In progress, not In place." in section.inner_text()
    smt.get_by_role("link", name=re.compile("Record control actions")).click()
    assert "status Planned or In progress" in smt.locator("#controls-hint").inner_text()
    added, = [group for group in smt.get_by_role("group", name=re.compile(r"^Control \d+$")).all()
              if group.get_by_label("Description").input_value() == "Make the case for the 2018-19 budget to the GLA"]
    added.get_by_label("Status").select_option(label="Planned")
    smt.get_by_label("Reason for the change").fill("Still to be delivered")
    smt.get_by_role("button", name="Save the risk and its controls").click()
    smt.wait_for_url(re.compile(r"/risks/\d+/$"))
    section = smt.locator("section", has=smt.get_by_role("heading", name="Risk appetite"))
    plan = section.get_by_role("table", name=re.compile("Control actions that make the plan"))
    assert "Make the case for the 2018-19 budget to the GLA" in plan.inner_text()
    assert "No action plan" not in section.inner_text()

    smt.goto(round_url)
    assert "Outside appetite with no action plan" not in round_progress(smt)


def publish_september(page):
    """Papers → the September 2017 paper → Publish; the worker runs; returns the version's URL."""
    paper = Paper.objects.get(meeting_date="2017-09-22")
    main(page).get_by_role("link", name="Papers", exact=True).click()
    page.wait_for_url("**/papers/")
    page.get_by_role("link", name=re.compile("22 September 2017")).first.click()
    page.wait_for_url(f"**/papers/{paper.pk}/")
    page.get_by_role("link", name="Publish the paper").click()
    page.wait_for_url(f"**/papers/{paper.pk}/publish/")
    page.locator("main form").get_by_role("button").last.click()
    page.wait_for_url(f"**/papers/{paper.pk}/publish/jobs/*/")
    run_worker()
    page.get_by_role("link", name="Read version 1 as published").click()
    page.wait_for_url(f"**/published/{paper.pk}/v1/")
    return f"/published/{paper.pk}/v1/"


def main_text(page, url):
    page.goto(url)
    return page.locator("main").inner_text()


def set_bands(page, *, medium, low):
    """Settings → Score bands: Medium and Low take the (lowest, highest) given."""
    main(page).get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Score bands").click()
    page.wait_for_url("**/settings/bands/")
    for label, (lowest, highest) in (("Medium", medium), ("Low", low)):
        band = page.get_by_role("group", name=re.compile(f": {label}$"))
        band.get_by_label("Lowest score").fill(str(lowest))
        band.get_by_label("Highest score").fill(str(highest))
    page.get_by_label("Reason for the change").fill("Panel asked for a narrower Medium band")
    page.get_by_role("button", name="Save the bands").click()
    page.wait_for_url("**/settings/")


def test_a_band_change_reaches_the_register_and_a_new_draft_but_not_the_published_paper(page, demo, sign_in):
    moved = Risk.objects.open().filter(current_likelihood__gt=0).order_by("pk")
    moved = next(risk for risk in moved if risk.current_score in (8, 9))
    sign_in(page, "author")
    published = publish_september(page)
    before = {url: main_text(page, url) for url in (published, published + "restricted/")}
    assert f"= {moved.current_score} (Medium)" in before[published + "restricted/"]

    set_bands(page, medium=(10, 14), low=(1, 9))
    assert "Low 1–9" in page.locator("main").inner_text() and "Medium 10–14" in page.locator("main").inner_text()
    page.get_by_role("link", name="History of the settings").click()
    assert "Panel asked for a narrower Medium band" in page.locator("main").inner_text()

    # The register and its heat map follow.
    open_register(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=moved.title, exact=True))
    assert f"{moved.current_score} Low" in re.sub(r"\s+", " ", row.inner_text())
    heat_map = page.locator("table.heat-map")
    assert heat_map.get_by_text(f"Score {moved.current_score}, Low").count() >= 1
    assert heat_map.get_by_text("Score 8, Medium").count() == 0 and heat_map.get_by_text("Score 10, Medium").count() >= 1

    page.get_by_label("Score band").select_option(label="Low")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"band=low"))
    assert page.get_by_role("link", name=moved.title, exact=True).is_visible()

    # A new December draft follows (its restricted pack prints the bands)...
    paper = create_december_paper(page, appetite_column=False)
    restricted = main_text(page, f"/papers/{paper.pk}/preview/restricted/")
    assert f"= {moved.current_score} (Low)" in restricted

    # ... while the published September paper is exactly as it was.
    assert {url: main_text(page, url) for url in before} == before
