"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page type there is."""

import pytest

from tests.e2e.helpers import BROWSER, assert_accessible
from tests.e2e.pages import ANONYMOUS_PAGES, SIGNED_IN_PAGES, open_page

pytestmark = BROWSER


def test_signed_out_pages_are_accessible(page, demo):
    for name in ANONYMOUS_PAGES:
        assert_accessible(open_page(page, name), name)


def test_signed_in_pages_are_accessible(page, demo, sign_in):
    sign_in(page, "smt")
    for name in SIGNED_IN_PAGES:
        assert_accessible(open_page(page, name), name)


def test_the_checker_reports_a_real_violation(page):
    """The check can fail: an image without alternative text is reported."""
    open_page(page, "login")
    page.evaluate("() => document.querySelector('main').append(Object.assign(new Image(), {src: 'data:,'}))")
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "login with a bad image")
    assert "- image-alt (critical): Images must have alternative text" in str(failure.value)
    assert "    at img\n      Fix any of the following:\n      Element does not have an alt attribute\n" in str(failure.value)
