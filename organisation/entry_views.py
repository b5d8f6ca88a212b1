"""The three lists of named settings (/settings/levers/, categories/, scale/): add, rename,
describe, reorder, retire or reactivate, and delete what nothing uses. Risk manager only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from organisation import services
from organisation.forms import DeleteEntryForm, EntryForm
from riskregister import access
from organisation.view_helpers import GET_AND_POST, add_errors, on_current_version
from riskregister.tracking import ConflictError

# (heading, singular noun, what the list is for)
KINDS = {
    "levers": ("Levers", "lever", "The ways the organisation acts on a risk; each control records the lever it uses."),
    "categories": ("Risk categories", "category", "Each risk has one primary category and may have others; "
                   "the appetite is set per category."),
    "scale": ("Appetite scale", "appetite level", "The steps of the appetite scale, least willing first."),
}

def kind_or_404(kind):
    if kind not in KINDS:
        raise Http404
    return services.NAMED_SETTINGS[kind]


@require_safe
def entries(request, kind):
    access.require(request.user, "manage_settings")
    model = kind_or_404(kind)
    heading, noun, purpose = KINDS[kind]
    return render(request, "organisation/entries.html", {
        "kind": kind, "heading": heading, "noun": noun, "purpose": purpose, "entries": list(model.objects.all()),
    })


@require_http_methods(GET_AND_POST)
def entry_create(request, kind):
    access.require(request.user, "manage_settings")
    model = kind_or_404(kind)
    heading, noun, _ = KINDS[kind]
    next_position = (model.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    form = EntryForm(request.POST or None, initial={"position": next_position, "active": True})
    del form.fields["active"]
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(model, label=form.cleaned_data["label"],
                                          description=form.cleaned_data["description"],
                                          position=form.cleaned_data["position"],
                                          user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{entry.label} was added (key {entry.key}).")
            return redirect("organisation:entries", kind=kind)
    return render(request, "organisation/entry_form.html", {
        "form": form, "kind": kind, "heading": heading, "noun": noun, "entry": None,
    })


@require_http_methods(GET_AND_POST)
def entry_edit(request, kind, pk):
    access.require(request.user, "manage_settings")
    model = kind_or_404(kind)
    heading, noun, _ = KINDS[kind]
    entry = get_object_or_404(model, pk=pk)
    form = EntryForm(request.POST or None, initial={
        "label": entry.label, "description": entry.description, "position": entry.position,
        "active": entry.active, "version": entry.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(entry, label=form.cleaned_data["label"], description=form.cleaned_data["description"],
                                  position=form.cleaned_data["position"], active=form.cleaned_data["active"],
                                  user=request.user, reason=form.cleaned_data["reason"],
                                  expected_version=form.cleaned_data["version"])
        except ConflictError as conflict:
            form, entry = on_current_version(form, conflict.current.version), conflict.current
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{entry.label} was saved.")
            return redirect("organisation:entries", kind=kind)
    return render(request, "organisation/entry_form.html", {
        "form": form, "kind": kind, "heading": heading, "noun": noun, "entry": entry,
    })


@require_http_methods(GET_AND_POST)
def entry_delete(request, kind, pk):
    access.require(request.user, "manage_settings")
    model = kind_or_404(kind)
    heading, noun, _ = KINDS[kind]
    entry = get_object_or_404(model, pk=pk)
    used_by = services.uses(entry)
    form = DeleteEntryForm(request.POST or None, initial={"version": entry.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_entry(entry, user=request.user, reason=form.cleaned_data["reason"],
                                  expected_version=form.cleaned_data["version"])
        except ConflictError as conflict:
            form, entry = on_current_version(form, conflict.current.version), conflict.current
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{entry.label} was deleted.")
            return redirect("organisation:entries", kind=kind)
    return render(request, "organisation/entry_delete.html", {
        "form": form, "kind": kind, "heading": heading, "noun": noun, "entry": entry,
        "in_use": services.in_use_message(entry, used_by) if used_by else "",
    })
