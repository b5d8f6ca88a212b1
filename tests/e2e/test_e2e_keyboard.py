"""Keyboard only: the skip link, signing in, and focus that can be seen."""

from tests.e2e.conftest import NARROW
from tests.e2e.helpers import BROWSER
from tests.e2e.pages import open_page

pytestmark = BROWSER

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(), id: element.id, text: element.textContent.trim(),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def assert_focus_visible(page, what):
    state = focused(page)
    assert state["outline"] or state["shadow"], f"No visible focus indicator on {what}: {state}"
    return state


def test_sign_in_with_the_keyboard_alone(page, demo, password):
    page.goto("/accounts/login/")
    # Django's login form puts the focus in the username field (autofocus),
    # which Chromium applies after the load event: wait for it (flaky otherwise on a busy machine).
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_username'")
    assert assert_focus_visible(page, "the username field")["id"] == "id_username"
    page.keyboard.type("smt")
    page.keyboard.press("Tab")
    assert assert_focus_visible(page, "the password field")["id"] == "id_password"
    page.keyboard.type(password)
    page.keyboard.press("Tab")
    button = assert_focus_visible(page, "the sign-in button")
    assert (button["tag"], button["text"]) == ("button", "Sign in")
    page.keyboard.press("Enter")

    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.get_by_role("heading", level=1).inner_text().endswith("risk register")
    assert page.get_by_text("signed in as").is_visible()


def test_skip_link_moves_focus_to_main_then_into_the_page(page, demo, sign_in):
    sign_in(page, "smt")
    page.goto("/")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.bounding_box()["x"] < 0  # off screen until focused

    page.keyboard.press("Tab")
    skip = assert_focus_visible(page, "the skip link")
    assert (skip["tag"], skip["text"]) == ("a", "Skip to main content")
    assert skip_link.bounding_box()["x"] >= 0  # on screen now

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    page.keyboard.press("Tab")  # past the header and navigation, to the first link in main
    first = assert_focus_visible(page, "the first link in main")
    assert first["text"] == "The corporate risk register"
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_navigation_links_show_focus(page, demo, sign_in):
    sign_in(page, "smt")
    page.goto("/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # the site name
    assert_focus_visible(page, "the site name in the header")
    page.keyboard.press("Tab")
    register = assert_focus_visible(page, "the Register link in the navigation")
    assert register["text"] == "Register"
    page.keyboard.press("Enter")
    page.wait_for_url("**/risks/")
    assert page.get_by_role("heading", level=1).inner_text() == "Corporate risk register"


def test_an_error_page_puts_the_focus_on_its_summary_and_its_links_on_the_fields(page, demo, sign_in):
    sign_in(page, "smt")
    open_page(page, "review-error")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('.error-summary')")
    assert page.title().startswith("Error:")
    page.keyboard.press("Tab")
    link = focused(page)
    assert link["tag"] == "a"
    page.locator(".error-summary a[href='#id_trend_0']").click()
    assert focused(page)["id"] == "id_trend_0"  # the first radio of the group, not "#"

    page.goto("/accounts/password/")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('.error-summary')")
    assert page.evaluate("() => document.querySelector('[autofocus]')") is None


def test_a_wide_table_at_320_px_takes_the_keyboard_focus_and_scrolls(page, demo, sign_in):
    sign_in(page, "smt")
    page.set_viewport_size(NARROW)
    open_page(page, "risk")
    region = page.get_by_role("region", name="Control actions of risk 4")
    assert region.evaluate("box => box.scrollWidth > box.clientWidth"), "the table is wider than its box at 320 px"
    region.focus()
    assert_focus_visible(page, "the controls table's scrolling box")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # The browser may scroll smoothly: wait (up to 5 s) for the box to have moved.
    region.element_handle().wait_for_element_state("stable")
    page.wait_for_function("box => box.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
