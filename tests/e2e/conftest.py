"""Fixtures for the browser journeys: Debian's Chromium driven by Playwright
against pytest-django's live server.

Add a journey: `pytestmark = BROWSER` (tests/e2e/helpers.py), take the
`page`, `demo` and `sign_in` fixtures, and check every new page type with
`assert_accessible(page, "name")`. See docs/browser-tests.md.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.helpers import screenshots_wanted

# Closed network: no GPU, no sandbox (CI runs as root), and no calls home
# (component updates, sync, field trials, QUIC probes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
INSTALL_HINT = "Chromium not found: install it with `apt-get install chromium` (or set CHROMIUM to its path)."
DESKTOP = {"width": 1200, "height": 900}
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow


def chromium_path():
    """Debian's chromium (never a browser that Playwright downloads)."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).is_file() else None


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the journeys (starting it is the slow part).

    Package scope, not session: Playwright's sync API keeps an asyncio loop
    registered in this thread while it is started, and the rest of the suite
    should not run beside it."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() not in {"", "0", "false", "no"} or screenshots_wanted():
            pytest.fail(f"{INSTALL_HINT} CI and `make screenshots` must run the browser journeys.", pytrace=False)
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package", autouse=True)
def _allow_django_orm_beside_playwright():
    # Playwright's sync API runs an asyncio event loop in this thread, so
    # Django takes the test body for async code and raises
    # SynchronousOnlyOperation on any ORM call (fixtures, assertions, the
    # flush after each transactional test). The test thread never awaits
    # anything, so it is a false alarm: allow it, for the e2e package only.
    # Package scope so it outlives the per-test flush.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def new_page(browser, live_server):
    """new_page() -> a page in a fresh context (its own cookies), at desktop
    size. Call it twice for two people at once (e.g. two editors).

    The app's real CSP stays on (no bypass_csp): the journeys must see what a
    person sees, and the test fails if the CSP blocked anything."""
    contexts, csp_errors = [], []

    def record_csp_errors(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_errors.append(message.text)

    def new_page():
        context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", record_csp_errors)
        return page

    new_page.csp_errors = csp_errors  # for the test that proves this check works
    yield new_page
    for context in contexts:
        context.close()
    assert not csp_errors, "The Content Security Policy blocked something:\n" + "\n".join(csp_errors)


@pytest.fixture
def page(new_page):
    """One person's page for this test."""
    return new_page()


@pytest.fixture
def sign_in(password):
    """sign_in(page, "smt"): signs in through the login page, as a person does."""

    def sign_in(page, username):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return sign_in
