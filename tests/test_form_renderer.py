"""The form renderer prints inputs, textareas and selects in Python: it must print
exactly what Django's widget templates print, field by field and page by page."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from riskregister.form_renderer import FormRenderer

DJANGO = DjangoTemplates()
OURS = FormRenderer()


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, help_text="A hint", widget=forms.TextInput(attrs={"autofocus": True}))
    empty = forms.CharField(required=False)
    number = forms.IntegerField(min_value=1, max_value=5)
    amount = forms.DecimalField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"disabled": False, "data-x": None}))
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    url = forms.URLField()
    agree = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    blank_notes = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(choices=[("", "Any"), ("a", "A & <b>"), (3, 3), ("d", "Dé")])
    grouped = forms.ChoiceField(choices=[("", "None"), ("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")])
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    yes_no = forms.NullBooleanField()


VALUES = [
    {},
    {"text": 'quote " and <tag> & ampersand', "empty": "", "number": "3", "amount": "1.50", "day": "2017-09-22",
     "email": "a@example.org", "secret": "s3cret<", "hidden": mark_safe("<safe>"), "url": "http://x.org/?a=1&b=2",
     "agree": "on", "notes": "Line one\n<two> & three", "choice": "a", "grouped": "y", "many": ["1", "3"],
     "radio": "b", "yes_no": "true"},
    {"number": "not a number", "choice": "3", "grouped": "", "notes": "", "day": "22/09/2017"},
]


@pytest.mark.parametrize("data", VALUES)
def test_every_widget_prints_as_djangos_templates_print_it(data):
    for bound in (EveryWidget(data=data or None), EveryWidget(initial={"day": datetime.date(2017, 9, 22),
                                                                           "amount": Decimal("2.5"), "number": 4})):
        for field in bound:
            widget = field.field.widget
            context = widget.get_context(field.html_name, field.value(), field.build_widget_attrs({}, widget))
            assert OURS.render(widget.template_name, context) == DJANGO.render(widget.template_name, context), field.name


def test_a_select_with_an_option_template_of_its_own_is_left_to_templates():
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/attrs.html"

    context = Marked(choices=[("a", "A")]).get_context("pick", "a", {})
    assert OURS.render("django/forms/widgets/select.html", context) == \
        DJANGO.render("django/forms/widgets/select.html", context)


def without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("url", ["/risks/", "/risks/?band=high&q=fund", "/risks/?likelihood=9", "/risks/1/edit/",
                                 "/risks/1/review/", "/risks/new/", "/papers/"])
def test_pages_print_the_same_with_either_renderer(client_for, settings, url):
    client = client_for("author" if url.startswith("/papers/") else "smt")
    ours = without_tokens(client.get(url).content.decode())
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    try:
        djangos = without_tokens(client.get(url).content.decode())
    finally:
        get_default_renderer.cache_clear()
    assert "<select" in ours or "<input" in ours
    assert ours == djangos
