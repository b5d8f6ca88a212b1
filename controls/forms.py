"""The control rows of the risk edit page."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from controls.models import CONTROL_FIELDS, Control
from organisation.current import current
from riskregister.forms import ListedModelChoiceField, SharedChoicesFormSetMixin, SpecificMessagesMixin
from risks.models import Owner


class ControlForm(SpecificMessagesMixin, forms.ModelForm):
    # The control's id travels in the page; the formset checks it is this risk's.
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1)

    class Meta:
        model = Control
        fields = CONTROL_FIELDS
        field_classes = {"owner": ListedModelChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {"owner": {"invalid_choice": "Choose an owner from the list."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Owner.objects.all()
        # Levers are the organisation's; a retired one stays offered to a control that uses it.
        used = self.instance.lever if self.instance.pk else ""
        self.fields["lever"] = forms.ChoiceField(
            label="Lever", required=False, choices=[("", "---------"), *current().lever_choices(keep=used)],
            error_messages={"invalid_choice": "Choose a lever from the list."},
        )
        self.fields["position"].min_value, self.fields["position"].max_value = 0, 999
        self.fields["position"].validators += [MinValueValidator(0), MaxValueValidator(999)]
        self.fields["position"].widget.attrs.update({"min": 0, "max": 999})

    def _post_clean(self):
        # The instance is built by the service; only the model's field checks run here.
        pass

    def as_change(self):
        if self.cleaned_data.get("DELETE"):
            return {"id": self.cleaned_data.get("id"), "delete": True}
        data = {field: self.cleaned_data[field] for field in self.Meta.fields}
        return {**data, "id": self.cleaned_data.get("id"), "delete": self.cleaned_data.get("DELETE", False)}


class BaseControlFormSet(SharedChoicesFormSetMixin, forms.BaseFormSet):
    shared_choice_fields = ("owner",)

    def __init__(self, *args, control_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.control_ids = set(control_ids)

    def clean(self):
        for form in self.forms:
            control_id = form.cleaned_data.get("id") if hasattr(form, "cleaned_data") else None
            if control_id is not None and control_id not in self.control_ids:
                raise ValidationError("This form names a control that is not one of this risk's. Reload the page and try again.")

    def changes(self):
        """What to write: changed, added and deleted rows (empty extra rows are skipped)."""
        return [
            form.as_change() for form in self.forms
            if form.has_changed() and (form.cleaned_data.get("id") or not form.cleaned_data.get("DELETE"))
        ]


ControlFormSet = forms.formset_factory(
    ControlForm, formset=BaseControlFormSet, extra=1, can_delete=True, max_num=60,
    validate_max=True, absolute_max=80,
)


def control_initial(controls):
    return [
        {"id": control.pk, **{field: getattr(control, field + ("_id" if field == "owner" else "")) for field in ControlForm.Meta.fields}}
        for control in controls
    ]
