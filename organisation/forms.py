"""Forms of the settings pages. They validate; organisation.services writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from organisation.colours import low_contrast_message
from organisation.models import COLOUR_VALIDATOR, TOLERANCE_MESSAGE, AppetiteLevel, ScoreBand
from organisation.services import BandChange
from riskregister.dates import implausible_date_message
from riskregister.forms import SpecificMessagesMixin
from riskregister.tracking import REASON_MAX_LENGTH

SCORE_ERRORS = {"min_value": TOLERANCE_MESSAGE, "max_value": TOLERANCE_MESSAGE, "invalid": TOLERANCE_MESSAGE}


def reason_field():
    return forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH,
                           help_text="Kept with the revision in the settings' history, with your name.",
                           error_messages={"required": "Give a reason for the change."})


def version_field():
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


def score_field(label, required_message=None, **kwargs):
    errors = {**SCORE_ERRORS, **({"required": required_message} if required_message else {})}
    return forms.IntegerField(label=label, min_value=1, max_value=25, error_messages=errors,
                              widget=forms.NumberInput(attrs={"min": 1, "max": 25}), **kwargs)


class OrganisationForm(SpecificMessagesMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200, help_text="As the paper's title page prints it.",
                           error_messages={"required": "Enter the organisation's name."})
    short_name = forms.CharField(label="Short name", max_length=40, help_text="Such as MOPAC. Shown in the header.",
                                 error_messages={"required": "Enter the organisation's short name."})
    reason = reason_field()
    version = version_field()


class BandForm(SpecificMessagesMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    label = forms.CharField(label="Label", max_length=40, error_messages={"required": "Enter the band's label."})
    lowest = score_field("Lowest score", "Enter the band's lowest score.")
    highest = score_field("Highest score", "Enter the band's highest score.")
    colour = forms.CharField(
        label="Colour", max_length=7, validators=[COLOUR_VALIDATOR],
        help_text="# and six hexadecimal digits, such as #b3261e. Labels print in it on white: at least 4.5:1 contrast.",
        error_messages={"required": "Enter the band's colour, such as #b3261e."},
    )
    pattern = forms.ChoiceField(label="Border pattern", choices=ScoreBand.Pattern.choices, initial=ScoreBand.Pattern.SOLID,
                                help_text="Tells the bands apart in black and white print.")

    def clean_colour(self):
        colour = self.cleaned_data["colour"].lower()
        message = low_contrast_message(self.cleaned_data.get("label") or "this band", colour)
        if message:
            raise ValidationError(message)
        return colour


class BaseBandFormSet(forms.BaseFormSet):
    def clean(self):
        """Labels differ across the set as submitted (ignoring case), not row by row against
        the bands stored now: swapping two labels is one save (save_bands orders the writes)."""
        super().clean()
        seen = set()
        for form in self.forms:
            if self._should_delete_form(form) or not form.is_valid():
                continue
            label = form.cleaned_data.get("label", "").strip()
            if not label or not (form.has_changed() or form.cleaned_data.get("id")):
                continue
            if label.casefold() in seen:
                form.add_error("label", f"Two bands are called “{label}”: give each band its own label.")
            seen.add(label.casefold())

    def changes(self):
        """The bands as the page leaves them: each row kept (not deleted, not left empty)."""
        return [
            BandChange(form.cleaned_data.get("id"), form.cleaned_data["label"], form.cleaned_data["lowest"],
                       form.cleaned_data["highest"], form.cleaned_data["colour"], form.cleaned_data["pattern"])
            for form in self.forms
            if form.has_changed() or form.cleaned_data.get("id")
            if not self._should_delete_form(form) and form.cleaned_data
        ]


BandFormSet = forms.formset_factory(BandForm, formset=BaseBandFormSet, extra=1, can_delete=True, max_num=10,
                                    validate_max=True, absolute_max=20)


class BandsChangeForm(SpecificMessagesMixin, forms.Form):
    reason = reason_field()
    # The bands the page showed ("pk:version,..."): another change meanwhile is a conflict.
    versions = forms.CharField(widget=forms.HiddenInput, max_length=2000, required=False)


class EntryForm(SpecificMessagesMixin, forms.Form):
    label = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter the name."})
    description = forms.CharField(label="Description", max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    position = forms.IntegerField(label="Display order", min_value=0, max_value=999, initial=0,
                                  widget=forms.NumberInput(attrs={"min": 0, "max": 999}),
                                  help_text="Lower numbers come first.",
                                  error_messages={"min_value": "Enter a number from 0 to 999.",
                                                  "max_value": "Enter a number from 0 to 999."})
    active = forms.BooleanField(label="In use", required=False, initial=True,
                                help_text="Untick to retire it: it keeps its history but is no longer offered.")
    reason = reason_field()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, required=False)


class DeleteEntryForm(SpecificMessagesMixin, forms.Form):
    reason = reason_field()
    version = version_field()


class AppetiteForm(SpecificMessagesMixin, forms.Form):
    level = forms.ModelChoiceField(label="Appetite level", queryset=AppetiteLevel.objects.none(), empty_label=None,
                                   error_messages={"invalid_choice": "Choose a level from the list."})
    tolerance = score_field("Tolerance", "Enter the tolerance, a score from 1 to 25.",
                            help_text="The highest current score accepted for a risk of this category, from 1 to 25.")
    statement = forms.CharField(label="Appetite statement", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="In a sentence or two, what the organisation will accept.",
                                error_messages={"required": "Enter the appetite statement."})
    approved_by = forms.CharField(label="Approved by", max_length=200,
                                  help_text="The body that approved it, such as the Audit Panel.",
                                  error_messages={"required": "Enter who approved it."})
    approved_on = forms.DateField(label="Approved on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text="For example, 2017-06-20.",
                                  error_messages={"required": "Enter the date it was approved.",
                                                  "invalid": "Enter a real date, such as 2017-06-20."})
    reason = reason_field()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, required=False)

    def __init__(self, *args, current_level=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Active levels, and the one the appetite has now even if since retired.
        self.fields["level"].queryset = AppetiteLevel.objects.filter(Q(active=True) | Q(pk=current_level))

    def clean_approved_on(self):
        approved_on = self.cleaned_data["approved_on"]
        if approved_on > timezone.localdate():
            raise ValidationError("The date it was approved cannot be in the future.")
        message = implausible_date_message(approved_on)
        if message:
            raise ValidationError(message)
        return approved_on
