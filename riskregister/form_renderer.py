"""Django's form renderer, with its plainest widgets written in Python.

Django renders every widget through templates: a select is one template, one
more for each of its options and one for each one's attributes. On the edit
page (31 selects, 139 options) that was over half the CPU of the request. The
inputs, textareas and selects below print exactly what Django's templates
print (tests/test_form_renderer.py compares them, and whole pages); every other
template, and any widget given a template of its own, is rendered as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"
SELECT_OPTION = WIDGETS + "select_option.html"
# The templates that are only `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = {
    f"{WIDGETS}{name}.html" for name in (
        "input", "text", "number", "email", "password", "hidden", "date", "datetime", "time", "url",
        "search", "tel", "color", "file", "checkbox",
    )
}


def shown(value):
    """What `{{ value }}` prints."""
    if not isinstance(value, str):
        value = localize(template_localtime(value))
    return conditional_escape(value)


def formatted(value):
    """What `{{ value|stringformat:'s' }}` prints."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value,)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def attributes(attrs):
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {shown(name)}" if value is True else f' {shown(name)}="{formatted(value)}"'
        for name, value in attrs.items() if value is not False
    )


def input_html(widget):
    value = f' value="{formatted(widget["value"])}"' if widget["value"] != None else ""  # noqa: E711, as the template
    return f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"{value}{attributes(widget["attrs"])}>'


def textarea_html(widget):
    value = shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{shown(widget["name"])}"{attributes(widget["attrs"])}>\n{value}</textarea>'


def option_html(option):
    return f'<option value="{formatted(option["value"])}"{attributes(option["attrs"])}>{shown(option["label"])}</option>'


def select_html(widget):
    parts = [f'<select name="{shown(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{shown(group_name)}">')
        # Each option's template ends with a newline, kept by the include.
        parts.extend(f"\n  {option_html(option)}\n" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def writer(template_name, widget):
    """The Python function that prints this widget as its template would, if there is one."""
    if template_name in INPUT_TEMPLATES:
        return input_html
    if template_name == WIDGETS + "textarea.html":
        return textarea_html
    if template_name == WIDGETS + "select.html" and all(
        option["template_name"] == SELECT_OPTION for _, options, _ in widget["optgroups"] for option in options
    ):
        return select_html
    return None


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        write = writer(template_name, widget) if isinstance(widget, dict) else None
        if write is None:
            return super().render(template_name, context, request=request)
        return write(widget).strip()
