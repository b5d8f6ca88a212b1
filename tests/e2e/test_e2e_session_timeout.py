"""The idle session's warning in a real browser (WCAG 2.2.1): before the session ends the
page asks, with the focus on "Stay signed in"; Escape or the button keeps the session; at
the end it says so and leaves what was typed on the page. Short idle times, so the test
waits seconds, not minutes."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from risks.models import Risk
from tests.e2e.helpers import BROWSER, assert_accessible

pytestmark = BROWSER


@pytest.fixture
def short_sessions(settings):
    # The page counts 10 s (12 s less the 2 s a page may not have written the session)
    # and warns 8 s before the end: the warning comes 2 s after the page loads.
    settings.SESSION_COOKIE_AGE, settings.SESSION_TOUCH_SECONDS, settings.SESSION_WARNING_SECONDS = 12, 2, 8


def expiry():
    return Session.objects.order_by("-expire_date").values_list("expire_date", flat=True).first()


def edit_page_with_typing(page, sign_in):
    sign_in(page, "smt")
    risk = Risk.objects.get(ref="4")
    page.goto(f"/risks/{risk.pk}/edit/")
    description = page.locator("#id_risk-description")
    description.fill("Unsaved words the session must not take away")
    return description


def test_the_warning_keeps_the_session_with_escape_or_the_button(page, demo, sign_in, short_sessions):
    description = edit_page_with_typing(page, sign_in)
    warning = page.get_by_role("dialog", name="You will be signed out soon")
    expect(warning).to_be_visible(timeout=6_000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page, "the session timeout warning")
    before = expiry()
    page.keyboard.press("Escape")  # closing the warning means staying
    expect(warning).to_be_hidden()
    page.wait_for_function("() => !document.getElementById('timeout-warning').open")
    expect(warning).to_be_visible(timeout=6_000)  # counted again from the Escape: it comes back
    assert expiry() > before
    before = expiry()
    page.get_by_role("button", name="Stay signed in").press("Enter")
    expect(warning).to_be_hidden()
    page.wait_for_timeout(300)
    assert expiry() > before
    expect(description).to_have_value("Unsaved words the session must not take away")
    assert "/accounts/login/" not in page.url


def test_at_the_end_it_says_so_and_keeps_what_was_typed(page, demo, sign_in, short_sessions):
    description = edit_page_with_typing(page, sign_in)
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible(timeout=15_000)
    expect(page.get_by_role("heading", name="You have been signed out")).to_be_focused()
    assert_accessible(page, "the signed-out notice")
    sign_in_again = page.get_by_role("link", name="Sign in again").get_attribute("href")
    assert re.fullmatch(r"/accounts/login/\?next=/risks/\d+/edit/", sign_in_again)
    page.get_by_role("button", name="Back to the page").click()
    expect(ended).to_be_hidden()
    expect(description).to_have_value("Unsaved words the session must not take away")
    page.wait_for_timeout(2_500)  # past the server's own end of the session
    page.goto(sign_in_again)
    expect(page.get_by_label("Username")).to_be_visible()  # the session has really ended
