"""Narrow screens (320 px, WCAG 1.4.10 reflow) and print."""

import pytest

from tests.e2e.conftest import NARROW
from tests.e2e.helpers import BROWSER, assert_accessible
from tests.e2e.pages import ANONYMOUS_PAGES, AUTHOR_PAGES, PANEL_PAGES, SIGNED_IN_PAGES, open_page

pytestmark = BROWSER

# WCAG 1.4.12: the spacing a reader may set with their own style sheet. Added
# through the CSSOM (a constructed style sheet), which the page's CSP allows;
# page.add_style_tag writes an inline <style>, which the CSP rightly refuses.
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
                     p { margin-bottom: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""

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


def assert_fits_with_text_spacing(page, name):
    page.evaluate(TEXT_SPACING)
    assert page.evaluate("() => getComputedStyle(document.body).wordSpacing") != "0px"  # the spacing applies
    assert_no_horizontal_scrolling(page, f"{name} with WCAG 1.4.12 text spacing")


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


@pytest.mark.parametrize("username, names", [
    ("author", ["paper-preview", "papers", "paper-edit", "appendix-2"]),
    ("smt", ["home", "register", "risk", "history", "review-error"]),
    ("panel", PANEL_PAGES),
])
def test_pages_fit_320_px_with_wcag_text_spacing(page, demo, sign_in, username, names):
    """Long words ("Interdependencies/Cross", an email address) wrap rather than widen the page."""
    sign_in(page, username)
    page.set_viewport_size(NARROW)
    for name in names:
        assert_fits_with_text_spacing(open_page(page, name), name)


def test_without_the_wrapping_rule_the_paper_overflows_with_text_spacing(page, demo, sign_in):
    """The check can fail: undo paper-screen.css's overflow-wrap and the long words stick out."""
    sign_in(page, "author")
    page.set_viewport_size(NARROW)
    open_page(page, "paper-preview")
    page.evaluate("() => document.querySelectorAll('h1, h2, h3, h4, p, li, th, td').forEach(e => { e.style.overflowWrap = 'normal'; })")
    with pytest.raises(AssertionError, match="scrolls sideways at 320 px"):
        assert_fits_with_text_spacing(page, "paper preview without overflow-wrap")


def test_heat_map_cells_keep_their_band_borders(page, demo, sign_in):
    """Bands differ by border style as well as colour (grey print, colour blindness): the
    organisation's settings give each band its pattern (/settings/bands.css)."""
    sign_in(page, "smt")
    open_page(page, "register")
    style = "cell => { const s = getComputedStyle(cell); return [s.borderTopStyle, s.borderTopWidth]; }"
    assert page.locator(".heat-map__cell--high").first.evaluate(style) == ["solid", "3px"]
    assert page.locator(".heat-map__cell--medium").first.evaluate(style) == ["dashed", "3px"]
    assert page.locator(".heat-map__cell--low").first.evaluate(style) == ["dotted", "3px"]
    assert page.locator(".heat-map__corner").evaluate(style)[0] == "none"
