"""The risk manager's settings pages (/settings/): the organisation's name, the score bands,
the levers, the categories, the appetite scale, the appetite per category, and their history.
Everything here needs the manage_settings capability, except the bands' stylesheet, which
every signed-in page links to."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from organisation import services
from organisation.current import current
from organisation.forms import (AppetiteForm, BandFormSet, BandsChangeForm, DeleteEntryForm, EntryForm,
                                OrganisationForm)
from organisation.history import revisions
from organisation.models import CategoryAppetite, Organisation, RiskCategory, ScoreBand
from organisation.stylesheet import bands_stylesheet_response
from riskregister import access
from riskregister.tracking import ConflictError

CONFLICT = "Someone else changed this since you opened it: check what it says now before saving again."
BANDS_CONFLICT = ("Someone else changed the score bands since you opened this page, so nothing was saved. "
                  "The bands as they are now are listed below; check them before saving again.")
HISTORY_PAGE_SIZE = 50
# (heading, singular noun, what the list is for)
KINDS = {
    "levers": ("Levers", "lever", "The ways the organisation acts on a risk; each control records the lever it uses."),
    "categories": ("Risk categories", "category", "Each risk has one primary category and may have others; "
                   "the appetite is set per category."),
    "scale": ("Appetite scale", "appetite level", "The steps of the appetite scale, least willing first."),
}
GET_AND_POST = ["GET", "HEAD", "POST"]


def add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def on_current_version(form, version):
    """The user's form again, their values kept, on the current version, saying someone saved meanwhile."""
    form = type(form)(form.data.copy(), **getattr(form, "extra_kwargs", {}))
    form.data["version"] = version
    form.is_valid()
    form.add_error(None, CONFLICT)
    return form


@require_safe
def index(request):
    access.require(request.user, "manage_settings")
    return render(request, "organisation/index.html", {"org": current(), "kinds": KINDS})


@require_http_methods(GET_AND_POST)
def organisation_edit(request):
    access.require(request.user, "manage_settings")
    organisation = get_object_or_404(Organisation, pk=1)
    form = OrganisationForm(request.POST or None, initial={
        "name": organisation.name, "short_name": organisation.short_name, "version": organisation.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(name=form.cleaned_data["name"], short_name=form.cleaned_data["short_name"],
                                         user=request.user, reason=form.cleaned_data["reason"],
                                         expected_version=form.cleaned_data["version"])
        except ConflictError as conflict:
            form, organisation = on_current_version(form, conflict.current.version), conflict.current
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The organisation's name was saved.")
            return redirect("organisation:index")
    return render(request, "organisation/organisation.html", {"form": form, "organisation": organisation})


def band_initial(bands):
    return [{"id": band.pk, "label": band.label, "lowest": band.lowest, "highest": band.highest,
             "colour": band.colour, "pattern": band.pattern} for band in bands]


@require_http_methods(GET_AND_POST)
def bands(request):
    access.require(request.user, "manage_settings")
    stored = list(ScoreBand.objects.order_by("-lowest"))
    data = request.POST if request.method == "POST" else None
    formset = BandFormSet(data, initial=band_initial(stored), prefix="bands")
    change_form = BandsChangeForm(data, initial={"versions": services.band_versions(stored)})
    conflict = None
    # Both checked, so every problem on the page is reported at once.
    if data is not None and all([formset.is_valid(), change_form.is_valid()]):
        try:
            services.save_bands(bands=formset.changes(), expected_versions=change_form.cleaned_data["versions"],
                                user=request.user, reason=change_form.cleaned_data["reason"])
        except ConflictError as error:
            conflict = error.current
            # Saving again starts from the bands as they are now (the user's rows are kept).
            change_form = BandsChangeForm({**data.dict(), "versions": services.band_versions(conflict)})
            change_form.is_valid()
            change_form.add_error(None, BANDS_CONFLICT)
        except ValidationError as error:
            change_form.add_error(None, error.messages)
        else:
            messages.success(request, "The score bands were saved.")
            return redirect("organisation:index")
    return render(request, "organisation/bands.html", {
        "formset": formset, "change_form": change_form, "conflict": conflict,
    })


@require_safe
def bands_css(request):
    """The score bands' colours and patterns as a stylesheet (the CSP allows no inline styles)."""
    return bands_stylesheet_response(request, current().bands)


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


@require_safe
def appetites(request):
    access.require(request.user, "manage_settings")
    by_category = {appetite.category_id: appetite
                   for appetite in CategoryAppetite.objects.select_related("level")}
    rows = [(category, by_category.get(category.pk)) for category in RiskCategory.objects.filter(active=True)]
    return render(request, "organisation/appetites.html", {"rows": rows})


@require_http_methods(GET_AND_POST)
def appetite_edit(request, category):
    access.require(request.user, "manage_settings")
    category = get_object_or_404(RiskCategory, pk=category)
    appetite = CategoryAppetite.objects.filter(category=category).first()
    initial = {"version": appetite.version, "level": appetite.level_id, "tolerance": appetite.tolerance,
               "statement": appetite.statement, "approved_by": appetite.approved_by,
               "approved_on": appetite.approved_on} if appetite else {}
    form = AppetiteForm(request.POST or None, initial=initial, current_level=appetite.level_id if appetite else None)
    form.extra_kwargs = {"current_level": appetite.level_id if appetite else None}
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name not in ("reason", "version")}
        try:
            # A page that showed no appetite expects none (version 0): one set meanwhile is a conflict.
            services.set_appetite(category=category, user=request.user, reason=form.cleaned_data["reason"],
                                  expected_version=form.cleaned_data["version"] or 0, **fields)
        except ConflictError as conflict:
            form, appetite = on_current_version(form, conflict.current.version), conflict.current
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"The appetite for {category.label} was saved.")
            return redirect("organisation:appetites")
    return render(request, "organisation/appetite_form.html", {"form": form, "category": category, "appetite": appetite})


@require_safe
def history(request):
    access.require(request.user, "manage_settings")
    page = Paginator(revisions(), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organisation/history.html", {"page": page})
