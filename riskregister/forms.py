"""What every form of the site shares."""

from django import forms

DJANGO_REQUIRED = forms.Field.default_error_messages["required"]


class SpecificMessagesMixin:
    """An empty required field says what to do, as the GOV.UK Design System asks:
    "Enter the title" or "Select the trend", not "This field is required."."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # A label that is a question needs a message of its own, given where it is declared.
            if field.error_messages.get("required") == DJANGO_REQUIRED and not str(field.label or "").endswith("?"):
                field.error_messages["required"] = required_message(name, field)


def required_message(name, field):
    label = str(field.label or name.replace("_", " "))
    label = label[0].lower() + label[1:] if label[1:2].islower() else label
    choosing = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField))
    return f"{'Select' if choosing else 'Enter'} the {label}."
