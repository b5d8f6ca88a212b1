"""Helpers for the browser journeys: marks, axe-core checks, screenshots."""

import io
import os
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT

# Every e2e module: `pytestmark = BROWSER`. The live server answers from
# another thread, so the data must really be committed: transactional_db,
# which flushes the tables afterwards (so `demo` re-creates the role groups).
BROWSER = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's rule tags).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOT_MAX_HEIGHT = 1400  # px: keeps README images small and readable


def axe_violations(page):
    """Run axe-core in the page; returns its list of violations.

    axe's source goes in with page.evaluate: that is a DevTools-protocol
    evaluation, which the page's CSP does not govern, so the real CSP stays
    on for the rest of the journey (a bypass_csp context would hide CSP
    breakage from the tests)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options).then(results => results.violations)", options)


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.extend(f"      {line.strip()}" for line in node.get("failureSummary", "").splitlines() if line.strip())
    return "\n".join(lines)


def assert_accessible(page, name):
    """Fail with a readable list if axe-core finds WCAG 2.2 A/AA violations."""
    violations = axe_violations(page)
    assert not violations, f"Accessibility violations on {name} ({page.url}):\n{describe_violations(violations)}"


def screenshots_wanted():
    return os.environ.get("SCREENSHOTS", "").lower() in {"1", "true", "yes"}


def save_screenshot(page, name):
    """Save docs/screenshots/<name>.png (README's pictures), when SCREENSHOTS=1.

    1200 px wide, at most SCREENSHOT_MAX_HEIGHT tall, reduced to a 256-colour
    palette (flat UI colours survive it) so each file stays well under 200 KB.
    Returns the path, or None when screenshots are not wanted."""
    if not screenshots_wanted():
        return None
    from PIL import Image

    width = page.viewport_size["width"]
    # The content's height, not the window's: no white band under short pages.
    content_height = page.evaluate("() => Math.ceil(document.body.getBoundingClientRect().height)")
    height = min(content_height, SCREENSHOT_MAX_HEIGHT)
    png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}, animations="disabled", caret="hide")
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    image.save(path, format="PNG", optimize=True)
    assert path.stat().st_size < 200_000, f"{path.name} is {path.stat().st_size} bytes: README pictures must stay small"
    return path
