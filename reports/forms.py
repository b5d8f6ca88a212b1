from django import forms

from reports.markup import referenced_risks, show_references
from reports.models import Paper, not_open_at_meeting
from reports.services import FRAME_FIELDS
from riskregister.forms import SpecificMessagesMixin
from riskregister.tracking import REASON_MAX_LENGTH

# The optional sections' switches, in the order the page shows them.
OPTION_FIELDS = ("include_changes", "appetite_column", "outside_appetite_section")
TEXTAREA_ROWS = {"recommendations_intro": 2, "contact_details": 3, "interdependencies": 3, "legal": 3}


class ReasonField(forms.CharField):
    """Empty, required, with an example in the hint: a pre-filled default says nothing about why."""

    def __init__(self, example):
        super().__init__(
            label="Reason for the change", max_length=REASON_MAX_LENGTH,
            help_text=f"Kept with the paper's history. For example, “{example}”.",
            error_messages={"required": "Give a reason for the change."},
        )


class PaperCreateForm(SpecificMessagesMixin, forms.ModelForm):
    copy_previous = forms.BooleanField(
        label="Start from the previous paper's narrative and Appendix 2 choices", required=False,
    )

    class Meta:
        model = Paper
        fields = ["meeting_date", "panel", "title", "report_by"]
        widgets = {"meeting_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"meeting_date": "For example, 2017-12-15."}
        error_messages = {
            "title": {"required": "Enter a title."},
            "panel": {"required": "Enter the panel's name."},
            "report_by": {"required": "Enter who the report is by, such as Chief Executive Officer."},
            "meeting_date": {"required": "Enter the date of the meeting.", "invalid": "Enter a real date, such as 2017-12-15."},
        }


class PaperEditForm(SpecificMessagesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Carried-over sections the author ticks as still true (drawn beside each section).
    confirm_sections = forms.MultipleChoiceField(
        choices=[(name, name) for name in Paper.NARRATIVE_FIELDS], required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = ReasonField("Summary updated after the SMT meeting")

    class Meta:
        model = Paper
        fields = list(FRAME_FIELDS) + list(Paper.NARRATIVE_FIELDS) + list(OPTION_FIELDS)
        widgets = {"cutoff_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "cutoff_date": {"invalid": "Enter a real date, such as 2017-09-15."},
            "title": {"required": "Enter a title."}, "panel": {"required": "Enter the panel's name."},
            "report_by": {"required": "Enter who the report is by, such as Chief Executive Officer."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Paper.NARRATIVE_FIELDS:
            self.fields[name].widget.attrs["rows"] = TEXTAREA_ROWS.get(name, 8)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
            self._show_references()
        self._suggest_round_deadline()

    def _suggest_round_deadline(self):
        """A paper with no cut-off whose meeting has a review round: the round's deadline is
        offered (a hint, and the box filled in), never stored until the author saves it."""
        if self.instance.cutoff_date is not None:
            return
        deadline = self.instance.round_deadline()
        if deadline is None:
            return
        field = self.fields["cutoff_date"]
        field.help_text = (
            f"{field.help_text} The review round's deadline is {deadline.day} {deadline:%B %Y}: "
            "it is filled in as a suggestion, and the paper keeps it only when you save."
        )
        if not self.is_bound:
            self.initial["cutoff_date"] = deadline

    def _show_references(self):
        """The author sees and types refs ([[2a]]); the paper stores identities ([[risk:N]])."""
        texts = {name: self.initial.get(name) or "" for name in Paper.NARRATIVE_FIELDS}
        wanted = set().union(*(referenced_risks(text) for text in texts.values()))
        refs = {pk: risk.ref for pk, risk in self.instance.register_source().risks(wanted).items()}
        for name, text in texts.items():
            self.initial[name] = show_references(text, refs)

    def frame_fields(self):
        return [self[name] for name in FRAME_FIELDS]

    def narrative_fields(self):
        return [self[name] for name in Paper.NARRATIVE_FIELDS]

    def option_fields(self):
        return [self[name] for name in OPTION_FIELDS]

    def changes(self):
        changes = {name: self.cleaned_data[name] for name in self.Meta.fields}
        confirmed = set(self.cleaned_data.get("confirm_sections") or [])
        if confirmed:
            changes["confirmed_sections"] = sorted(set(self.instance.confirmed_sections or []) | confirmed)
        return changes


class HousekeepingForm(SpecificMessagesMixin, forms.Form):
    """Deleting a draft, or starting it again: a version (no silent overwrite) and a reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason", max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the paper's history. For example, “Created for the wrong meeting date”.",
        error_messages={"required": "Give a reason."},
    )


class Appendix2Form(SpecificMessagesMixin, forms.Form):
    """Which risks Appendix 2 shows, and in what order: a tick and a number per risk."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = ReasonField("Added risk 15 to Appendix 2")

    def __init__(self, *args, risks, chosen, day, **kwargs):
        """`risks`: risks open on `day` (the meeting date) plus any chosen risk that was not;
        `chosen`: {risk id: position}."""
        super().__init__(*args, **kwargs)
        self.risks = list(risks)
        for risk in self.risks:
            risk.open_on_day = risk.is_open_on(day)
        self.rows = []
        for risk in self.risks:
            include = forms.BooleanField(required=False, initial=risk.pk in chosen, label=f"Include risk {risk.ref}")
            order = forms.IntegerField(
                required=False, min_value=1, max_value=999, label=f"Order of risk {risk.ref}",
                initial=chosen[risk.pk] + 1 if risk.pk in chosen else None,
                error_messages={"invalid": "Enter a whole number.", "min_value": "Enter a number from 1."},
            )
            self.fields[f"include_{risk.pk}"] = include
            self.fields[f"order_{risk.pk}"] = order
            self.rows.append((risk, f"include_{risk.pk}", f"order_{risk.pk}"))

    def bound_rows(self):
        return [(risk, self[include], self[order]) for risk, include, order in self.rows]

    def clean(self):
        cleaned = super().clean()
        picked = []
        for index, (risk, include, order) in enumerate(self.rows):
            if not cleaned.get(include):
                continue
            if not risk.open_on_day:
                self.add_error(include, f"{not_open_at_meeting(risk.ref)} Untick it.")
            position = cleaned.get(order)
            picked.append((position if position is not None else 1000 + index, index, risk))
        cleaned["risks"] = [risk for *_, risk in sorted(picked, key=lambda item: item[:2])]
        return cleaned
