"""Builds the POSTs a browser would send from the risk pages, and the admin's risk form.

Edit data is read from the page itself (its inputs, selects and textareas), so a
template that stops rendering a field fails the tests that submit it."""

from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from risks.models import Owner

EDITOR = "smt"  # the demo's SMT editor: the edit page as the people who edit risks see it


def page_form(url, *, username, action=None):
    """What a browser would submit from the page at `url` (its form posting to `action`,
    if given), fetched now by the demo user `username`."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_values(response.content.decode(), action=action)


def edit_data(risk, *, reason="Test change", **overrides):
    """The edit page's form data for `risk`, as fetched now, unchanged except for `overrides` (POST keys)."""
    url = reverse("risks:edit", args=[risk.pk])
    return {**page_form(url, username=EDITOR, action=url), "change-reason": reason, **overrides}


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the page's forms (or the one posting to
    `action`; last field wins on a clash, except ticked boxes sharing a name, sent as a list):
    checked boxes only, a select's selected (else first) option, a multiple select's selected
    ones, enabled fields, no buttons."""

    def __init__(self, action=None):
        super().__init__()
        self.action, self.data = action, {}
        self._in_form = action is None
        self._select, self._first_option, self._textarea, self._text = None, None, None, []
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is not None:
            self._in_form = attrs.get("action") == self.action
        if not self._in_form or "disabled" in attrs:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            value = attrs.get("value") or ("on" if kind == "checkbox" else "")
            if kind == "checkbox" and attrs["name"] in self.data:
                # A group of boxes sharing a name sends each ticked one.
                held = self.data[attrs["name"]]
                self.data[attrs["name"]] = [*(held if isinstance(held, list) else [held]), value]
            elif kind not in ("submit", "button", "image", "reset"):
                self.data[attrs["name"]] = value
        elif tag == "select" and attrs.get("name"):
            self._select, self._first_option = attrs["name"], None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs and self._multiple:
                self.data.setdefault(self._select, []).append(value)
            elif "selected" in attrs:
                self.data[self._select] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea, self._text = attrs["name"], []

    def handle_endtag(self, tag):
        if tag == "form" and self.action is not None:
            self._in_form = False
        elif tag == "select" and self._select:
            # A multiple select with nothing selected sends nothing; a single one its first option.
            if self._select not in self.data and not self._multiple:
                self.data[self._select] = self._first_option or ""
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_values(html, *, action=None):
    """What submitting the page's form (the one posting to `action`, if given) sends."""
    reader = _FormReader(action)
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
