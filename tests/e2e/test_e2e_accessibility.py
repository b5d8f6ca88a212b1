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


def test_the_publish_progress_page_announces_changes_only_and_never_reloads(page, demo, sign_in):
    """WCAG 2.2.2 / 4.1.3: the progress page polls every second and a half. Its
    status region (a polite live region) changes only when the status does, so a
    screen reader is not told "Waiting for the worker" again and again; and when
    the job stops and may be run again, the "Try again" button appears in place:
    no reload moves the reader back to the top of the page."""
    from publications.models import PublishJob
    from tests.e2e.pages import publish_job

    sign_in(page, "author")
    job = publish_job()
    open_page(page, "publish-progress")
    status = page.get_by_role("status")
    assert status.inner_text() == "Waiting for the worker"
    page.evaluate("""() => {
        window.stillTheSamePage = true;
        window.statusChanges = 0;
        new MutationObserver(changes => { window.statusChanges += changes.length; }).observe(
            document.querySelector('[role="status"]'), {childList: true, characterData: true, subtree: true});
    }""")
    with page.expect_response(lambda response: "format=json" in response.url):
        pass
    with page.expect_response(lambda response: "format=json" in response.url):
        pass
    assert page.evaluate("() => window.statusChanges") == 0
    assert not page.get_by_role("button", name="Try again").is_visible()

    # The worker died: the job may be run again.
    PublishJob.objects.filter(pk=job.pk).update(status=PublishJob.Status.FAILED, retryable=True,
                                                error="The worker stopped before the paper was stored.")
    page.get_by_role("button", name="Try again").wait_for()
    assert page.evaluate("() => window.stillTheSamePage") is True
    assert status.inner_text() == "Not published"
    assert page.title().startswith("Error: ")
    assert page.get_by_role("alert").get_by_text("The worker stopped before the paper was stored.").is_visible()
    assert_accessible(page, "publish progress, stopped")


def test_checkboxes_and_radios_are_24_px_targets(new_page, demo, sign_in):
    """WCAG 2.5.8: the browser draws checkboxes and radios 13 px square; ours
    are at least 24 px (new risk: categories; review: trend; panel item: risks)."""
    sizes = """() => [...document.querySelectorAll('main input[type=checkbox], main input[type=radio]')]
        .map(input => { const box = input.getBoundingClientRect(); return [input.id, box.width, box.height]; })"""
    editor, author = sign_in(new_page(), "smt"), sign_in(new_page(), "author")
    found = {name: open_page(editor, name).evaluate(sizes) for name in ("risk-create", "review")}
    found["panel-item-new"] = open_page(author, "panel-item-new").evaluate(sizes)
    assert all(found.values()), found
    small = {name: [box for box in boxes if min(box[1:]) < 24] for name, boxes in found.items()}
    assert not any(small.values()), small
