"""Builds the POST a browser would send from the risk edit page as served."""

from html.parser import HTMLParser

from risks.models import Risk
from risks.views import _edit_forms


def _value(bound):
    value = bound.value()
    if value is None or value is False:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def edit_data(risk, *, reason="Test change", **overrides):
    """The edit page's form data for `risk`, unchanged except for `overrides` (POST keys)."""
    risk = Risk.objects.get(pk=risk.pk)
    forms = _edit_forms(risk)
    data = {}
    for key in ("owner_formset", "control_formset"):
        formset = forms[key]
        for field in formset.management_form:
            data[field.html_name] = _value(field)
        for form in formset:
            for field in form:
                if field.name != "DELETE":
                    data[field.html_name] = _value(field)
    for key in ("form", "change_form"):
        for field in forms[key]:
            data[field.html_name] = _value(field)
    data["change-reason"] = reason
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the page's forms (last form wins on a clash)."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea, self._text = {}, None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind != "submit":
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
            self.data.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea, self._text = attrs.get("name"), []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_values(html):
    reader = _FormReader()
    reader.feed(html)
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data
