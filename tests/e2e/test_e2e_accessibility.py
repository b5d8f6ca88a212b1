"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page type there is,
at full width and at 320 px (where wide tables scroll inside their box, and
axe's scrollable-region-focusable applies)."""

import pytest

from tests.e2e.conftest import DESKTOP, NARROW
from tests.e2e.helpers import BROWSER, assert_accessible
from tests.e2e.pages import ANONYMOUS_PAGES, AUTHOR_PAGES, PANEL_PAGES, SIGNED_IN_PAGES, open_page

pytestmark = BROWSER

WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["full width", "320 px"])


def check(page, names, viewport):
    page.set_viewport_size(viewport)
    for name in names:
        assert_accessible(open_page(page, name), f"{name} at {viewport['width']} px")


@WIDTHS
def test_signed_out_pages_are_accessible(page, demo, viewport):
    check(page, ANONYMOUS_PAGES, viewport)


@WIDTHS
def test_signed_in_pages_are_accessible(page, demo, sign_in, viewport):
    check(sign_in(page, "smt"), SIGNED_IN_PAGES, viewport)


@WIDTHS
def test_report_author_pages_are_accessible(page, demo, sign_in, viewport):
    check(sign_in(page, "author"), AUTHOR_PAGES, viewport)


@WIDTHS
def test_panel_member_pages_are_accessible(page, demo, sign_in, viewport):
    check(sign_in(page, "panel"), PANEL_PAGES, viewport)


def test_the_checker_reports_a_real_violation(page):
    """The check can fail: an image without alternative text is reported."""
    open_page(page, "login")
    page.evaluate("() => document.querySelector('main').append(Object.assign(new Image(), {src: 'data:,'}))")
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "login with a bad image")
    assert "- image-alt (critical): Images must have alternative text" in str(failure.value)
    assert "    at img\n      Fix any of the following:\n      Element does not have an alt attribute\n" in str(failure.value)


def test_the_real_csp_is_enforced_and_its_reports_fail_the_test(new_page):
    """axe goes in through DevTools, not a CSP bypass: the page's own CSP
    still blocks inline scripts, and the `new_page` fixture sees the report."""
    page = new_page()
    page.goto("/accounts/login/")
    inject = "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }"
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(inject)
    assert page.evaluate("() => window.ran") is None
    assert len(new_page.csp_errors) == 1 and "inline script" in new_page.csp_errors[0]
    new_page.csp_errors.clear()  # expected here; any other CSP report fails the test at teardown
