"""The score bands' colours and border patterns come from the organisation's settings,
through a generated stylesheet the strict CSP accepts (no inline styles): seen in a
browser on the register and its heat map, before and after the risk manager changes them."""

from tests.e2e.helpers import BROWSER

pytestmark = BROWSER

STYLE = "(element, property) => getComputedStyle(element)[property]"


def style(locator, name):
    return locator.first.evaluate(STYLE, name)


def test_band_colours_follow_the_settings(page, demo, sign_in):
    sign_in(page, "author")
    page.goto("/risks/")
    label, cell = page.locator(".band--high"), page.locator("td.heat-map__cell--high")
    assert (style(label, "color"), style(label, "borderTopStyle")) == ("rgb(179, 38, 30)", "solid")
    assert (style(cell, "backgroundColor"), style(cell, "borderTopStyle")) == ("rgb(244, 222, 221)", "solid")
    assert style(page.locator(".band--medium"), "borderTopStyle") == "dashed"

    page.goto("/settings/bands/")
    page.locator("input[name='bands-0-colour']").fill("#6d1a36")  # the High band comes first
    page.locator("select[name='bands-0-pattern']").select_option("double")
    page.get_by_label("Reason for the change").fill("A darker red, printed with a double border")
    page.get_by_role("button", name="Save the bands").click()
    page.get_by_text("The score bands were saved.").wait_for()

    page.goto("/risks/")
    label, cell = page.locator(".band--high"), page.locator("td.heat-map__cell--high")
    assert (style(label, "color"), style(label, "borderTopStyle")) == ("rgb(109, 26, 54)", "double")
    assert style(cell, "borderTopStyle") == "double"
