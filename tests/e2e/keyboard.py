"""Completing a form with the keyboard alone, as a person without a mouse does.

`fill_by_keyboard(page, form, values)` presses Tab from the top of the page
into the form and on through it. Every stop must show a visible focus
indicator; the fields named in `values` are filled there with keys only
(typing, arrow keys, Space). When focus reaches the submit button it checks
that Tab stopped on every field of the form, then submits with Enter (or
Space). No clicks, no `fill()`.
"""

from dataclasses import dataclass

MAX_TABS = 400  # the risk edit form has about 60 fields

FOCUSED = """form => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    key: element.type === 'radio' ? 'radio:' + element.name : (element.id || element.name || element.tagName.toLowerCase()),
    tag: element.tagName.toLowerCase(), type: element.type || '', value: element.value ?? '',
    checked: !!element.checked, inForm: form.contains(element),
    visibleFocus: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
    selected: element.tagName === 'SELECT' ? element.selectedOptions[0]?.textContent.trim() : null,
  };
}"""

# The form's fields a person must be able to reach: visible, enabled, not
# hidden inputs; a radio group counts once (Tab enters it, arrows move in it).
FIELDS = """form => [...new Set([...form.elements]
  .filter(element => !element.disabled && element.type !== 'hidden' && element.tagName !== 'FIELDSET'
          && element.getClientRects().length > 0)
  .map(element => element.type === 'radio' ? 'radio:' + element.name : (element.id || element.name || element.tagName.toLowerCase())))]"""


@dataclass(frozen=True)
class Append:
    """Type this at the end of the field's current text (instead of replacing it)."""

    text: str


def focused(page, form):
    return form.evaluate(FOCUSED)


def _choose_option(page, form, label):
    """A closed <select>: Home, then ArrowDown until the wanted option is selected."""
    page.keyboard.press("Home")
    for _ in range(200):
        state = focused(page, form)
        if state["selected"] == label:
            return
        page.keyboard.press("ArrowDown")
        if focused(page, form)["selected"] == state["selected"]:
            break  # the last option: no such label
    raise AssertionError(f"No option {label!r} in {state['key']}")


def _choose_radio(page, form, value):
    """A radio group: arrow keys move through it (and tick); Space ticks the focused one."""
    for _ in range(20):
        state = focused(page, form)
        if state["value"] == value:
            if not state["checked"]:
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"No radio button {value!r} in {state['key']}")


def _type_date(page, form, iso_date):
    """Chromium's date input: its parts (day, month, year) are typed in the
    order of the browser's own language (mm/dd/yyyy for Debian's default
    en-US build, whatever the page's locale); try that, then dd/mm/yyyy."""
    year, month, day = iso_date.split("-")
    for digits in (f"{month}{day}{year}", f"{day}{month}{year}"):
        page.keyboard.type(digits)
        if focused(page, form)["value"] == iso_date:
            return
        page.keyboard.press("Shift+Tab")  # back from the year to the first part
        page.keyboard.press("Shift+Tab")


def _enter(page, form, state, value):
    if state["tag"] == "select":
        _choose_option(page, form, value)
    elif state["type"] == "radio":
        _choose_radio(page, form, value)
    elif state["type"] == "checkbox":
        if state["checked"] != value:
            page.keyboard.press("Space")
    elif state["type"] == "date":
        _type_date(page, form, value)
    elif isinstance(value, Append):
        page.keyboard.press("ControlOrMeta+End")
        page.keyboard.type(value.text)
    else:
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(str(value))


def _expected(state, value):
    if state["tag"] == "select":
        return ("selected", value)
    if state["type"] in ("checkbox", "radio"):
        return ("checked", True if state["type"] == "radio" else value)
    if isinstance(value, Append):
        return ("value", state["value"] + value.text)
    return ("value", str(value))


def fill_by_keyboard(page, form, values, *, submit_with="Enter"):
    """Tab through `form` (a locator), filling `values` ({field id, or
    "radio:<name>" for a radio group: value}) by keyboard, then submit with
    `submit_with` ("Enter" or "Space") on the submit button. Returns the
    field keys Tab stopped on, in order."""
    fields = form.evaluate(FIELDS)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    pending = dict(values)
    reached = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        state = focused(page, form)
        if not state["inForm"]:
            assert not reached, f"Tab left the form at {state['key']} before its submit button; reached {reached}"
            continue  # still before the form (skip link, navigation, error summary...)
        assert state["visibleFocus"], f"No visible focus indicator on {state['key']}"
        reached.append(state["key"])
        if state["key"] in pending:
            value = pending.pop(state["key"])
            _enter(page, form, state, value)
            attribute, wanted = _expected(state, value)
            after = focused(page, form)
            assert after[attribute] == wanted, f"{state['key']}: typed {value!r}, field has {after[attribute]!r}"
        if state["tag"] == "button" and state["type"] == "submit":
            break
    else:
        raise AssertionError(f"Tab never reached the submit button; reached {reached}")
    assert not pending, f"Tab never reached {sorted(pending)}"
    missing = [key for key in fields if key not in reached]
    assert not missing, f"Tab skipped these fields: {missing}"
    with page.expect_navigation():
        page.keyboard.press(submit_with)
    return reached
