"""What every form of the site shares."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import ProhibitNullCharactersValidator

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


class SharedChoicesFormSetMixin:
    """A formset whose rows offer the same model choices reads them once, not
    once per row: `shared_choice_fields` names the fields whose choices the
    first row reads and every row then reuses (same options, same order)."""

    shared_choice_fields = ()

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        shared = self.__dict__.setdefault("_shared_choices", {})
        for name in self.shared_choice_fields:
            if name not in shared:
                # iter(): list() of the choices iterator itself would also run a COUNT.
                shared[name] = list(iter(form.fields[name].choices))
            form.fields[name].choices = shared[name]
        return form


class SignInForm(SpecificMessagesMixin, AuthenticationForm):
    """Django's sign-in form with the site's messages: a NUL in either field is
    refused before the password is checked, so right and wrong guesses look alike."""


class ChangePasswordForm(SpecificMessagesMixin, PasswordChangeForm):
    """Django's password change form with the site's messages."""
