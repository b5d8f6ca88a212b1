"""Short journeys through the register, signing in as a person does.

The longer journeys have a module each (test_e2e_journey_*.py); how they are
built: docs/browser-tests.md."""

from tests.e2e.helpers import BROWSER, assert_accessible, save_screenshot
from tests.e2e.pages import adequate_funding
from tests.seed import appendix_1_rows

pytestmark = BROWSER


def seed_row(title):
    return next(row for row in appendix_1_rows() if row[2] == title)


def test_smt_editor_finds_a_risk_on_the_register_and_sees_its_owners(page, demo, sign_in):
    ref, _trend, title, description, owners = seed_row("Adequate funding")
    sign_in(page, "smt")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    page.wait_for_url("**/risks/")
    assert page.get_by_role("heading", level=1).inner_text() == "Corporate risk register"
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
    assert row.get_by_role("rowheader").inner_text() == ref
    assert_accessible(page, "register")
    save_screenshot(page, "register")

    row.get_by_role("link", name=title, exact=True).click()
    page.wait_for_url("**/risks/*/")
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.get_by_text(description).is_visible()
    owners_shown = page.locator("dt", has_text="Owners").locator("xpath=following-sibling::dd[1]").inner_text()
    assert all(owner in owners_shown for owner in owners), (owners, owners_shown)
    assert_accessible(page, "risk page")
    save_screenshot(page, "risk")


def test_panel_member_is_refused_the_register(page, demo, sign_in):
    sign_in(page, "panel")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").count() == 0

    response = page.goto("/risks/")
    assert response.status == 403
    response = page.goto(f"/risks/{adequate_funding().pk}/")
    assert response.status == 403
