"""Narrow screens (320 px, WCAG 1.4.10 reflow) and print."""

from tests.e2e.helpers import BROWSER, assert_accessible
from tests.e2e.pages import ANONYMOUS_PAGES, AUTHOR_PAGES, PANEL_PAGES, SIGNED_IN_PAGES, open_page

pytestmark = BROWSER

NARROW = {"width": 320, "height": 640}

# Elements sticking out to the right, except those inside a .table-wrap box
# (wide tables scroll inside it, on purpose).
OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const culprits = [...document.body.querySelectorAll('*')]
    .filter(element => !element.closest('.table-wrap') && element.getBoundingClientRect().right > width + 0.5)
    .map(element => element.tagName.toLowerCase() + (element.className ? '.' + element.className : '')
         + ` (right edge ${Math.round(element.getBoundingClientRect().right)}px)`);
  return {scrollWidth: root.scrollWidth, clientWidth: width, culprits: culprits.slice(0, 10)};
}"""


def assert_no_horizontal_scrolling(page, name):
    state = page.evaluate(OVERFLOW)
    assert state["scrollWidth"] <= state["clientWidth"] and not state["culprits"], f"{name} scrolls sideways at 320 px: {state}"


def test_every_page_fits_320_px(page, demo, sign_in):
    page.set_viewport_size(NARROW)
    for name in ANONYMOUS_PAGES:
        assert_no_horizontal_scrolling(open_page(page, name), name)
    sign_in(page, "smt")
    for name in SIGNED_IN_PAGES:
        assert_no_horizontal_scrolling(open_page(page, name), name)


def test_report_author_pages_fit_320_px(page, demo, sign_in):
    sign_in(page, "author")
    page.set_viewport_size(NARROW)
    for name in AUTHOR_PAGES:
        assert_no_horizontal_scrolling(open_page(page, name), name)


def test_panel_member_pages_fit_320_px(page, demo, sign_in):
    sign_in(page, "panel")
    page.set_viewport_size(NARROW)
    for name in PANEL_PAGES:
        assert_no_horizontal_scrolling(open_page(page, name), name)


def test_the_wide_register_table_scrolls_inside_its_box(page, demo, sign_in):
    sign_in(page, "smt")
    page.set_viewport_size(NARROW)
    open_page(page, "register")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("element => getComputedStyle(element).overflowX") == "auto"
    box_width, table_width = wrap.evaluate("element => [element.clientWidth, element.scrollWidth]")
    assert box_width <= NARROW["width"] < table_width  # the table is wider than the screen...
    assert_no_horizontal_scrolling(page, "register")  # ...but only its box scrolls
    wrap.evaluate("element => { element.scrollLeft = 60; }")
    assert wrap.evaluate("element => element.scrollLeft") > 0
    assert_accessible(page, "register at 320 px")  # e.g. scrollable-region-focusable


def test_print_hides_the_navigation_and_keeps_the_content(page, demo, sign_in):
    sign_in(page, "smt")
    for name in ("register", "risk", "history"):
        open_page(page, name)
        page.emulate_media(media="print")
        assert not page.get_by_role("navigation", name="Main").is_visible(), name
        assert not page.locator(".site-header").is_visible(), name
        assert not page.get_by_role("button", name="Sign out").is_visible(), name
        assert page.get_by_role("heading", level=1).is_visible(), name
        page.emulate_media(media="screen")
        assert page.get_by_role("navigation", name="Main").is_visible(), name
