"""Forms of the panel's pages. They validate; panel.services writes."""

from django import forms

from panel.models import TEXT_MAX_LENGTH, PanelItem, Partner
from reports.models import Paper
from riskregister.forms import ModelMultipleChoiceField, SpecificMessagesMixin
from riskregister.tracking import REASON_MAX_LENGTH
from risks.models import Owner, Risk

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TOO_LONG = {"max_length": f"Keep it to {TEXT_MAX_LENGTH:,} characters or fewer."}


class QuestionForm(SpecificMessagesMixin, forms.Form):
    text = forms.CharField(
        label="Your question", max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your question.", **TOO_LONG},
        help_text=f"It goes to the report author and the risk owners concerned. Up to {TEXT_MAX_LENGTH:,} characters.",
    )


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, owner):
        return owner.name if owner.active else f"{owner.name} (retired)"


class OneRiskChoice(forms.ModelChoiceField):
    def label_from_instance(self, risk):
        return f"{risk.ref} {risk.title}"


class RiskChoices(ModelMultipleChoiceField):
    def label_from_instance(self, risk):
        return f"{risk.ref} {risk.title}"


class ItemForm(SpecificMessagesMixin, forms.Form):
    """The author's record of one question or action (new, or edited with its version)."""

    paper = forms.ModelChoiceField(label="Meeting", queryset=Paper.objects.order_by("-meeting_date"),
                                   empty_label=None, help_text="The meeting at which the panel raised it.")
    kind = forms.ChoiceField(label="Type", choices=PanelItem.Kind.choices)
    text = forms.CharField(label="What the panel asked, requested or resolved", max_length=TEXT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "Enter the question or action.", **TOO_LONG})
    risks = RiskChoices(label="Risks it concerns", queryset=Risk.objects.all(), required=False,
                        widget=forms.CheckboxSelectMultiple)
    owner = OwnerChoice(label="Who answers", queryset=Owner.objects.all(), required=False,
                        empty_label="Not decided yet", help_text="A current risk owner.")
    due_date = forms.DateField(label="Answer by", required=False, widget=DATE_WIDGET,
                               error_messages={"invalid": "Enter a real date, such as 2017-12-12."},
                               help_text="A date, or tick “by the next meeting” instead.")
    due_next_meeting = forms.BooleanField(label="Answer by the next meeting", required=False)
    status = forms.ChoiceField(label="Status", choices=PanelItem.Status.choices)
    answer = forms.CharField(label="Answer", max_length=TEXT_MAX_LENGTH, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}), error_messages=TOO_LONG)
    restricted = forms.BooleanField(label="Restricted", required=False,
                                    help_text="Printed only in the restricted pack of the next paper.")
    reason = forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH,
                             help_text="Kept with the revision in the history, with your name.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risks"].queryset = Risk.objects.order_by("ref_number", "ref_suffix")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_date") and cleaned.get("due_next_meeting"):
            self.add_error("due_date", "Give a date or the next meeting, not both.")
        return cleaned


class AnswerForm(SpecificMessagesMixin, forms.Form):
    answer = forms.CharField(label="Answer", max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
                             error_messages={"required": "Enter the answer.", **TOO_LONG})
    close = forms.BooleanField(label="This closes it", required=False,
                               help_text="Leave unticked if the panel may come back to it.")
    reason = forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH, initial="Answered",
                             help_text="Kept with the revision in the history, with your name.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class DeepDiveForm(SpecificMessagesMixin, forms.Form):
    risk = OneRiskChoice(label="Risk", queryset=Risk.objects.none(), empty_label="Choose a risk")
    paper = forms.ModelChoiceField(label="Meeting", queryset=Paper.objects.order_by("meeting_date"),
                                   help_text="A coming meeting whose paper is not yet published.")
    note = forms.CharField(label="What the panel wants to understand", max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH,
                             help_text="Kept with the revision in the history, with your name.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = Risk.objects.open().order_by("ref_number", "ref_suffix")


class AlignmentForm(SpecificMessagesMixin, forms.Form):
    partner = forms.ModelChoiceField(label="Partner", queryset=Partner.objects.all(), empty_label="Choose a partner",
                                     help_text="Partners are kept by an administrator.")
    ref = forms.CharField(label="Partner's ref", max_length=100, help_text="As in the partner's register.")
    title = forms.CharField(label="Partner's title for the risk", max_length=300, required=False)
    rating = forms.CharField(label="Partner's rating", max_length=100, required=False, help_text="Where known.")
    note = forms.CharField(label="Alignment note", max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH,
                             help_text="Kept with the revision in the history, with your name.")


class RemoveAlignmentForm(SpecificMessagesMixin, forms.Form):
    reason = forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH)
