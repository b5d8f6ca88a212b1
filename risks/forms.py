"""Forms of the risk pages. They validate; risks.services writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from organisation.models import RiskCategory
from riskregister.forms import (
    ListedModelChoiceField, ListedModelMultipleChoiceField, SharedChoicesFormSetMixin, SpecificMessagesMixin,
)
from risks.models import COMMENTARY_MAX_LENGTH, SCORE_MESSAGE, SCORE_VALIDATORS, Owner, Risk, Trend
from riskregister.tracking import REASON_MAX_LENGTH
from risks.services import RISK_EDITABLE_FIELDS

SCORE_ERRORS = {"min_value": SCORE_MESSAGE, "max_value": SCORE_MESSAGE}
CHOOSE_CATEGORY = {"invalid_choice": "Choose a category from the list.",
                   "invalid_pk_value": "Choose a category from the list.",
                   "invalid_list": "Choose a category from the list."}


def score_form_field(label):
    return forms.IntegerField(label=label, validators=SCORE_VALIDATORS, min_value=1, max_value=5,
                              error_messages=SCORE_ERRORS, help_text="From 1 (lowest) to 5 (highest).")


class ChangeForm(SpecificMessagesMixin, forms.Form):
    """What every change carries: why, and the version the form was built from."""

    reason = forms.CharField(
        label="Reason for the change", max_length=REASON_MAX_LENGTH,
        help_text="Kept with the revision in the history, with your name.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


def category_label(category):
    return category.label if category.active else f"{category.label} (retired)"


class RiskForm(SpecificMessagesMixin, forms.ModelForm):
    secondary_categories = ListedModelMultipleChoiceField(
        label="Other categories", queryset=RiskCategory.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, error_messages=CHOOSE_CATEGORY,
        help_text="Any other categories the risk also belongs to. A category chosen as the primary one stays primary.",
    )

    class Meta:
        model = Risk
        fields = RISK_EDITABLE_FIELDS
        field_classes = {"parent": ListedModelChoiceField, "category": ListedModelChoiceField}
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "next_review": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "summary_statement": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "opened_on": {
                "required": "Enter the date the risk was raised.",
                "invalid": "Enter a real date, such as 2017-09-05.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Open risks, and the present parent even if it has since been closed.
        parents = Risk.objects.filter(Q(status=Risk.Status.OPEN) | Q(pk=self.instance.parent_id))
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self._offer_categories()
        # A callable default (today) would add a hidden "initial-" copy of the field to the page.
        self.fields["opened_on"].show_hidden_initial = False
        for name, field in self.fields.items():
            if name.endswith(("_likelihood", "_impact")):
                field.widget.attrs.update({"min": 1, "max": 5})

    def _offer_categories(self):
        """Active categories, and those the risk has now even if retired since (retired ones
        are not offered for new choices)."""
        held = list(self.instance.secondary_categories.values_list("pk", flat=True)) if self.instance.pk else []
        primary = self.fields["category"]
        primary.label = "Primary category"
        primary.empty_label = "(none)"
        primary.queryset = RiskCategory.objects.filter(Q(active=True) | Q(pk=self.instance.category_id))
        primary.error_messages.update(CHOOSE_CATEGORY)
        self.fields["secondary_categories"].queryset = RiskCategory.objects.filter(Q(active=True) | Q(pk__in=held))
        for name in ("category", "secondary_categories"):
            self.fields[name].label_from_instance = category_label
        if not self.is_bound:
            self.initial.setdefault("secondary_categories", held)
        # The categories together, after the primary one.
        names = [name for name in self.fields if name != "secondary_categories"]
        names.insert(names.index("category") + 1, "secondary_categories")
        self.order_fields(names)

    def clean_opened_on(self):
        opened_on = self.cleaned_data["opened_on"]
        # Not in the future: Risk.clean() says so, once the form's own checks pass.
        closed_on = self.instance.closed_on
        if closed_on and opened_on > closed_on:
            raise ValidationError(
                f"The date raised cannot be after the date the risk was closed ({closed_on:%Y-%m-%d})."
            )
        return opened_on

    def changes(self):
        return {field: self.cleaned_data[field] for field in RISK_EDITABLE_FIELDS}

    def other_categories(self):
        """The other categories chosen; one also chosen as primary simply stays primary."""
        primary = self.cleaned_data.get("category")
        return [category for category in self.cleaned_data["secondary_categories"] if category != primary]


class NewRiskForm(RiskForm):
    """Creating a risk also sets its first current score (later ones come from reviews)."""

    class Meta(RiskForm.Meta):
        fields = (*RISK_EDITABLE_FIELDS, "current_likelihood", "current_impact")

    def changes(self):
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


class OwnerChoiceField(ListedModelChoiceField):
    def label_from_instance(self, owner):
        return owner.name if owner.active else f"{owner.name} (retired)"


class OwnerForm(SpecificMessagesMixin, forms.Form):
    owner = OwnerChoiceField(
        queryset=Owner.objects.all(), required=False, empty_label="(none)",
        error_messages={"invalid_choice": "Choose an owner from the list."},
    )
    order = forms.IntegerField(min_value=0, max_value=99, required=False)


class BaseOwnerFormSet(SharedChoicesFormSetMixin, forms.BaseFormSet):
    shared_choice_fields = ("owner",)

    def ordered_owners(self):
        """The chosen owners, by their order number then their place on the page."""
        chosen = [
            (form.cleaned_data.get("order") if form.cleaned_data.get("order") is not None else 99, index, form.cleaned_data["owner"])
            for index, form in enumerate(self.forms)
            if form.cleaned_data.get("owner")
        ]
        return [owner for _, _, owner in sorted(chosen, key=lambda item: item[:2])]

    def clean(self):
        if any(self.errors):
            return
        owners = [form.cleaned_data["owner"].pk for form in self.forms if form.cleaned_data.get("owner")]
        if len(owners) != len(set(owners)):
            raise ValidationError("Name each owner only once.")
        # A retired owner may stay on a risk they already own, but is not given new ones.
        already = {row.get("owner") for row in self.initial or []}
        retired = [form.cleaned_data["owner"].name for form in self.forms
                   if form.cleaned_data.get("owner") and not form.cleaned_data["owner"].active
                   and form.cleaned_data["owner"].pk not in already]
        if retired:
            raise ValidationError(f"{', '.join(retired)} retired as an owner: choose an active owner.")


OwnerFormSet = forms.formset_factory(
    OwnerForm, formset=BaseOwnerFormSet, extra=2, max_num=10, validate_max=True, absolute_max=20,
)


def owner_initial(risk):
    return [{"owner": ownership.owner_id, "order": position + 1}
            for position, ownership in enumerate(risk.ownerships.all())]


class CloseForm(ChangeForm):
    reason = forms.CharField(
        label="Why is this risk being closed?", max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Enter why the risk is being closed."},
        help_text="Kept with the risk; it can be reopened later.",
    )


class ReopenForm(ChangeForm):
    reason = forms.CharField(label="Why is this risk being reopened?", max_length=REASON_MAX_LENGTH,
                             error_messages={"required": "Enter why the risk is being reopened."})


class RestoreForm(ChangeForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(label="Why restore this revision?", max_length=REASON_MAX_LENGTH,
                             error_messages={"required": "Enter why this revision is being restored."})


def suggested_trend(previous_score, new_score):
    """The trend the score change implies, or None when there is nothing to compare."""
    if previous_score is None:
        return None
    if new_score > previous_score:
        return Trend.INCREASING
    if new_score < previous_score:
        return Trend.DECREASING
    return Trend.NO_CHANGE


# "New" is not a judgement a reviewer makes: a risk is New in a paper when it was
# not open at the previous meeting.
REVIEW_TRENDS = [(value, label) for value, label in Trend.choices if value != Trend.NEW]


class ReviewForm(SpecificMessagesMixin, forms.Form):
    reviewed_on = forms.DateField(label="Date of review", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  initial=timezone.localdate,
                                  help_text="Today unless the review happened earlier. For example, 2017-09-05.")
    likelihood = score_form_field("Current likelihood")
    impact = score_form_field("Current impact")
    trend = forms.ChoiceField(choices=REVIEW_TRENDS, widget=forms.RadioSelect)
    commentary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=COMMENTARY_MAX_LENGTH,
                                 required=False)
    trend_reason = forms.CharField(
        label="Why does the trend differ from the score change?", max_length=500, required=False,
        help_text="Needed only when the trend you choose is not the one the scores suggest.",
    )
    # No pre-filled reason: a default says nothing about why (issue 13, item 7).
    reason = forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH,
                             help_text="Kept with the revision in the history. For example, “Quarterly review with the owner”.",
                             error_messages={"required": "Give a reason for the change."})
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, previous_score=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_score = previous_score

    def suggestion(self):
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return None
        likelihood, impact = self.cleaned_data.get("likelihood"), self.cleaned_data.get("impact")
        if likelihood is None or impact is None:
            return None
        return suggested_trend(self.previous_score, likelihood * impact)

    def clean(self):
        cleaned = super().clean()
        suggestion = self.suggestion()
        trend = cleaned.get("trend")
        if suggestion and trend and trend != suggestion and not cleaned.get("trend_reason", "").strip():
            self.add_error("trend_reason", (
                f"The scores suggest “{suggestion.label}” (score {self.previous_score} → "
                f"{cleaned['likelihood'] * cleaned['impact']}). Say why you chose “{Trend(trend).label}”."
            ))
        if "commentary" in cleaned and "trend" in cleaned and not self.has_error("trend_reason"):
            stored = len(self.commentary_with_reason())
            if stored > COMMENTARY_MAX_LENGTH:
                self.add_error("commentary", (
                    f"The commentary and the reason for the trend are kept together: keep them to "
                    f"{COMMENTARY_MAX_LENGTH:,} characters or fewer between them (they have {stored:,})."
                ))
        return cleaned

    def commentary_with_reason(self):
        commentary = self.cleaned_data["commentary"].strip()
        trend_reason = self.cleaned_data.get("trend_reason", "").strip()
        if trend_reason and self.suggestion() and self.cleaned_data["trend"] != self.suggestion():
            commentary = f"{commentary}\n\nTrend: {trend_reason}".strip()
        return commentary
