"""The risk manager's settings pages (/settings/): the organisation's name, the score bands,
the appetite per category, and the settings' history (levers, categories and the appetite
scale: organisation.entry_views). Everything here needs the manage_settings capability, except the bands' stylesheet, which
every signed-in page links to."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from organisation import services
from organisation.current import current
from organisation.entry_views import KINDS
from organisation.forms import AppetiteForm, BandFormSet, BandsChangeForm, OrganisationForm
from organisation.history import revisions
from organisation.models import CategoryAppetite, Organisation, RiskCategory, ScoreBand
from organisation.stylesheet import bands_stylesheet_response
from organisation.view_helpers import GET_AND_POST, add_errors, on_current_version
from riskregister import access
from riskregister.tracking import ConflictError

BANDS_CONFLICT = ("Someone else changed the score bands since you opened this page, so nothing was saved. "
                  "The bands as they are now are listed below; check them before saving again.")
HISTORY_PAGE_SIZE = 50


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
    # A posted page is read as it was sent: the rows carry their bands' ids (the bands stored
    # now may differ, which save_bands reports as a conflict).
    formset = BandFormSet(data, initial=None if data is not None else band_initial(stored), prefix="bands")
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
