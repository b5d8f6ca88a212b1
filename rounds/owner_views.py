"""Owners, managed by SMT editors: add, rename, retire, set the email address and account."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from riskregister import access
from riskregister.forms import SpecificMessagesMixin
from riskregister.tracking import REASON_MAX_LENGTH
from risks import services
from risks.models import Owner


class OwnerEditForm(SpecificMessagesMixin, forms.ModelForm):
    reason = forms.CharField(label="Reason for the change", max_length=REASON_MAX_LENGTH,
                             help_text="Kept with the revision in the history, with your name.")

    class Meta:
        model = Owner
        fields = ["name", "role_title", "email", "user", "active"]
        labels = {"active": "Active (untick to retire this owner)", "user": "Sign-in account"}
        error_messages = {"email": {"invalid": "Enter an email address like name@example.org."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        linked = Owner.objects.exclude(pk=self.instance.pk).exclude(user=None).values("user")
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).exclude(pk__in=linked).order_by("username")
        self.fields["user"].empty_label = "(no account)"


@require_safe
def owner_list(request):
    access.require(request.user, "view_register")
    owners = list(Owner.objects.select_related("user").order_by("-active", "name"))
    return render(request, "rounds/owners.html", {"owners": owners, "can_edit": access.can(request.user, "edit_register")})


def _save(request, owner, template, done):
    form = OwnerEditForm(request.POST or None, instance=owner)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_owner(form.save(commit=False), user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, done.format(name=saved.name))
            return redirect("rounds:owners")
    return render(request, template, {"form": form, "owner": owner})


@require_http_methods(["GET", "HEAD", "POST"])
def owner_create(request):
    access.require(request.user, "edit_register")
    return _save(request, Owner(), "rounds/owner_form.html", "{name} was added.")


@require_http_methods(["GET", "HEAD", "POST"])
def owner_edit(request, owner):
    access.require(request.user, "edit_register")
    owner = get_object_or_404(Owner, pk=owner)
    return _save(request, owner, "rounds/owner_form.html", "The changes to {name} were saved.")
