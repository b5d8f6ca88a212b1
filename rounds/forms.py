"""Forms of the round pages. They validate; rounds.services writes."""

import django_filters
from django import forms
from django.utils import timezone

from riskregister.forms import SpecificMessagesMixin
from risks.models import Owner
from rounds.status import STATUS_LABELS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Enter a real date, such as 2017-11-24."}


class OpenRoundForm(SpecificMessagesMixin, forms.Form):
    meeting_date = forms.DateField(label="Meeting date", widget=DATE_WIDGET, error_messages=DATE_ERRORS,
                                   help_text="The panel meeting the round feeds. For example, 2017-12-12.")
    opens_on = forms.DateField(label="Opens on", widget=DATE_WIDGET, initial=timezone.localdate,
                               error_messages=DATE_ERRORS,
                               help_text="Every risk open on this day is in the round. Today unless you say otherwise.")
    deadline = forms.DateField(label="Deadline for updates", widget=DATE_WIDGET, error_messages=DATE_ERRORS,
                               help_text="On or before the meeting. For example, 2017-11-24.")

    def clean(self):
        cleaned = super().clean()
        opens_on, deadline, meeting = (cleaned.get(n) for n in ("opens_on", "deadline", "meeting_date"))
        if opens_on and deadline and deadline <= opens_on:
            self.add_error("deadline", f"The deadline must be after the day the round opens ({opens_on:%d %B %Y}).")
        elif meeting and deadline and deadline > meeting:
            self.add_error("deadline", f"The deadline must be on or before the meeting ({meeting:%d %B %Y}).")
        return cleaned


class ConfirmForm(SpecificMessagesMixin, forms.Form):
    words = forms.CharField(
        label="Why has nothing changed?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say in a few words why nothing has changed."},
        help_text="Kept with the review, as its commentary. The trend is recorded as “No change”.",
    )


class SignOffForm(SpecificMessagesMixin, forms.Form):
    note = forms.CharField(label="Note", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Such as the SMT meeting that agreed the register.")


class RoundRowFilter(django_filters.FilterSet):
    """Filters of the round page. The rows are worked out in Python, so this validates
    the choices and rounds.views applies them to the rows."""

    owner = django_filters.ModelChoiceFilter(
        label="Owner", queryset=Owner.objects.all(), empty_label="Any owner", method="keep",
        error_messages={"invalid_choice": "Choose an owner from the list."},
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=list(STATUS_LABELS.items()), empty_label="Any status", method="keep",
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="keep", widget=forms.CheckboxInput,
    )

    def keep(self, queryset, name, value):
        return queryset

    def apply(self, rows):
        data = self.form.cleaned_data if self.is_valid() else {}
        if data.get("owner"):
            rows = [row for row in rows if any(owner.pk == data["owner"].pk for owner in row.owners)]
        if data.get("status"):
            rows = [row for row in rows if row.status == data["status"]]
        if data.get("overdue"):
            rows = [row for row in rows if row.overdue]
        return rows
