"""What every form of the site shares."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.models import ModelChoiceIterator

DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
NULL_CHARACTER_MESSAGE = (
    "Remove the null character (an invisible control character, often from a paste): it cannot be stored."
)


class SpecificMessagesMixin:
    """An empty required field says what to do, as the GOV.UK Design System asks:
    "Enter the title" or "Select the trend", not "This field is required."; a
    NUL (which PostgreSQL cannot store) is refused with a message that says so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # A label that is a question needs a message of its own, given where it is declared.
            if field.error_messages.get("required") == DJANGO_REQUIRED and not str(field.label or "").endswith("?"):
                field.error_messages["required"] = required_message(name, field)
            field.validators = [
                ProhibitNullCharactersValidator(message=NULL_CHARACTER_MESSAGE)
                if isinstance(validator, ProhibitNullCharactersValidator) else validator
                for validator in field.validators
            ]


def required_message(name, field):
    label = str(field.label or name.replace("_", " "))
    label = label[0].lower() + label[1:] if label[1:2].islower() else label
    choosing = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField))
    return f"{'Select' if choosing else 'Enter'} the {label}."


def listed(field):
    """The objects `field` offers, read once with one plain query (for its present queryset)."""
    if getattr(field, "_listed_from", None) is not field.queryset:
        field._listed, field._listed_from = list(field.queryset), field.queryset
    return field._listed


def share_listed(field, objects):
    """Let `field` offer `objects`, already read from a queryset equal to its own."""
    field._listed, field._listed_from = objects, field.queryset


class ListedChoiceIterator(ModelChoiceIterator):
    """Django's iterator() reads the choices through a server-side cursor on PostgreSQL
    (three round trips for a few rows) and again at each rendering; this reads them once,
    into the field, where ListedModelChoiceField also checks submitted values."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in listed(self.field):
            yield self.choice(obj)

    def __len__(self):
        return len(listed(self.field)) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(listed(self.field))


class ListedModelChoiceField(forms.ModelChoiceField):
    """A model choice read with one plain query; once its choices are read (or shared by a
    formset's first row), a submitted value is checked against them, not with a query of its own."""

    iterator = ListedChoiceIterator

    def to_python(self, value):
        if value in self.empty_values or getattr(self, "_listed_from", None) is not self.queryset:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        wanted = str(getattr(value, key) if isinstance(value, self.queryset.model) else value)
        for obj in self._listed:
            if str(getattr(obj, key)) == wanted:
                return obj
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, with a number too large for a database key refused as not a choice: Django
    checks several values with one `pk__in` query, which SQLite answers with OverflowError (a 500)."""

    def _check_values(self, value):
        if not self.to_field_name and isinstance(value, (list, tuple)):
            for pk in value:
                try:
                    number = int(pk)
                except (TypeError, ValueError):
                    continue  # Django's own check refuses it
                if not -(2**63) <= number < 2**63:
                    raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                          params={"value": pk})
        return super()._check_values(value)


class ListedModelMultipleChoiceField(ModelMultipleChoiceField):
    iterator = ListedChoiceIterator


class SharedChoicesFormSetMixin:
    """A formset whose rows offer the same model choices reads them once, not
    once per row: `shared_choice_fields` names the ListedModelChoiceFields whose
    objects the first row reads and every row then reuses (same options, same
    order, and submitted values checked against them). `shared_objects`, a dict
    given to several formsets of one page, shares them between the formsets too:
    keyed by model, so every such field must offer every row of its model."""

    shared_choice_fields = ()

    def __init__(self, *args, shared_objects=None, **kwargs):
        self._shared_objects = {} if shared_objects is None else shared_objects
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for name in self.shared_choice_fields:
            field = form.fields[name]
            model = field.queryset.model
            if model not in self._shared_objects:
                self._shared_objects[model] = listed(field)
            share_listed(field, self._shared_objects[model])
        return form


class SignInForm(SpecificMessagesMixin, AuthenticationForm):
    """Django's sign-in form with the site's messages: a NUL in either field is
    refused before the password is checked, so right and wrong guesses look alike."""


class ChangePasswordForm(SpecificMessagesMixin, PasswordChangeForm):
    """Django's password change form with the site's messages."""
