"""Builds the POST a browser would send from the risk edit page as served."""

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
