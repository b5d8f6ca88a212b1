"""Forms of the appetite pages: accept a risk outside appetite, withdraw an acceptance.
They validate what a form can; risks.services checks the rest against the risk."""

from django import forms
from django.utils import timezone

from riskregister.forms import SpecificMessagesMixin
from riskregister.tracking import REASON_MAX_LENGTH

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label, help_text, *, error_messages_required, **kwargs):
    return forms.DateField(label=label, widget=DATE_WIDGET, help_text=help_text, error_messages={
        "required": error_messages_required, "invalid": "Enter a real date, such as 2018-03-31.",
    }, **kwargs)


class AcceptanceForm(SpecificMessagesMixin, forms.Form):
    accepted_by = forms.CharField(label="Accepted by", max_length=200,
                                  error_messages={"required": "Enter who accepts the risk."},
                                  help_text="The person who accepts the risk, by name and role. For example, "
                                            "Rebecca Lawrence, Chief Executive.")
    reason = forms.CharField(label="Why is the risk accepted above the tolerance?", max_length=REASON_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "Enter why the risk is accepted above the tolerance."},
                             help_text="Kept with the acceptance and in the risk's history, with your name.")
    accepted_on = date_field("Accepted on", "The day it was accepted: today or earlier.",
                             initial=timezone.localdate,
                             error_messages_required="Enter the date the risk was accepted.")
    expires_on = date_field("Expires on", "The acceptance lapses after this day; the risk then needs a plan "
                                          "again. For example, 2018-03-31.",
                         error_messages_required="Enter the date the acceptance expires.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        accepted_on, expires_on = cleaned.get("accepted_on"), cleaned.get("expires_on")
        if accepted_on and accepted_on > today:
            self.add_error("accepted_on", f"The acceptance cannot be given in the future: enter today "
                                          f"({today:%Y-%m-%d}) or earlier.")
        if expires_on and expires_on < today:
            self.add_error("expires_on", f"The acceptance must expire today or later ({today:%Y-%m-%d} or after).")
        elif expires_on and accepted_on and expires_on <= accepted_on:
            self.add_error("expires_on", f"The acceptance must expire after the day it is given "
                                         f"({accepted_on:%Y-%m-%d}).")
        return cleaned


class WithdrawAcceptanceForm(SpecificMessagesMixin, forms.Form):
    reason = forms.CharField(label="Why is the acceptance withdrawn?", max_length=REASON_MAX_LENGTH,
                             error_messages={"required": "Enter why the acceptance is withdrawn."},
                             help_text="Kept in the risk's history, with your name.")
    acceptance = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
