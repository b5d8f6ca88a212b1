"""Builds the POSTs a browser would send from the risk pages, and the admin's risk form."""

from html.parser import HTMLParser

from risks.models import Owner, Risk
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


NEW_RISK_SCORES = {f"risk-{stage}_{axis}": "3" for stage in ("inherent", "current", "target") for axis in ("likelihood", "impact")}


def new_risk_data(**overrides):
    """The create page's POST for a new risk with one owner."""
    owner = Owner.objects.first()
    return {
        "risk-ref": "15", "risk-title": "Cyber attack", "risk-description": "Failure to protect systems",
        **NEW_RISK_SCORES, "owners-TOTAL_FORMS": "2", "owners-INITIAL_FORMS": "0",
        "owners-0-owner": str(owner.pk), "owners-0-order": "1", "owners-1-owner": "", "owners-1-order": "",
        "risk-opened_on": "2017-09-01", "change-version": "1", "change-reason": "New threat", **overrides,
    }


def admin_risk_post(risk, **changes):
    """The admin's change form for `risk`, with no inline rows, changed by `changes`."""
    data = {
        "ref": risk.ref, "title": risk.title, "description": risk.description, "summary_heading": "",
        "summary_statement": "", "status": "open", "closed_reason": "", "parent": "", "partner_ref": "",
        "inherent_likelihood": 4, "inherent_impact": 4, "current_likelihood": 3, "current_impact": 3,
        "target_likelihood": 2, "target_impact": 2, "next_review": "", "opened_on": "2017-04-01",
        "closed_on": "", "change_reason": "Admin edit", "expected_version": risk.version,
    }
    for prefix in ("ownerships", "dependencies", "controls"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data
