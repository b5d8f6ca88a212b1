"""The register page, its heat map and its exports: all read the same filters."""

from dataclasses import dataclass

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from riskregister import access
from risks import exports
from risks.categories import attach, describe
from risks.filters import CELL_PARAMS, RiskFilter
from risks.heatmap import heat_map, tolerance_marking
from risks.models import TREND_GLYPHS, Risk, band_for

# The register needs only these columns (the exports use the same rows).
ROW_FIELDS = (
    "ref", "ref_number", "ref_suffix", "title", "description", "owner_names", "status", "trend",
    "current_likelihood", "current_impact", "next_review", "category", "secondary_category_names",
)


@dataclass(slots=True)
class RegisterRow:
    """One row of the register table, ready to print."""

    pk: int
    ref: str
    closed: bool
    glyph: str
    trend: str
    title: str
    url: str
    description: str
    owners: str
    score: int
    band: str
    band_label: str
    categories: str = ""
    outside_appetite: bool = False


def register_rows(risks, *, day=None, settings=None):
    """Plain rows for the register table: the template only prints (500 rows render fast).
    `settings`: the organisation's settings whose bands label the scores (RiskFilter.settings:
    as at the register's day); today's if not given."""
    # One reverse() for all rows: a placeholder pk swapped for each risk's.
    placeholder = "987654321"
    detail_url = reverse("risks:detail", args=[int(placeholder)])
    trend_labels = {key: str(label) for key, label in Risk._meta.get_field("trend").choices}
    risks = list(risks)
    described = describe(risks, day=day)
    rows = []
    for risk in risks:
        score = risk.current_likelihood * risk.current_impact
        band_key, band_label = band_for(score, settings=settings)
        rows.append(RegisterRow(
            pk=risk.pk, ref=risk.ref, closed=risk.status != Risk.Status.OPEN,
            glyph=TREND_GLYPHS[risk.trend], trend=trend_labels[risk.trend],
            title=risk.title, url=detail_url.replace(placeholder, str(risk.pk)), description=risk.description,
            owners=risk.owner_names, score=score, band=band_key, band_label=band_label,
            categories=described[risk.pk].label, outside_appetite=described[risk.pk].outside,
        ))
    return rows


def register_filter(request):
    access.require(request.user, "view_register")
    return RiskFilter(request.GET, queryset=Risk.objects.only(*ROW_FIELDS), request=request)


@require_safe
def register(request):
    risk_filter = register_filter(request)
    context = {"filter": risk_filter, "form": risk_filter.form, "risks": [], "heat_map": None,
               "can_create": access.can(request.user, "edit_register")}
    if risk_filter.is_valid():
        day = risk_filter.form.cleaned_data.get("as_at")
        settings = risk_filter.settings(day)  # as at the day, its bands label the rows and the heat map
        context["risks"] = register_rows(risk_filter.qs, day=day, settings=settings)
        # The heat map counts every cell under the other filters, so each cell stays reachable.
        context["cell_selected"] = any(request.GET.get(param) for param in CELL_PARAMS)
        if any(param in request.GET for param in CELL_PARAMS):
            around = request.GET.copy()
            for param in CELL_PARAMS:
                around.pop(param, None)
            counted = RiskFilter(around, queryset=Risk.objects.all()).qs
        else:
            counted = risk_filter.qs  # the same filters: no second filter set to build and check
        marking = context["tolerance"] = tolerance_marking(request.GET, settings)
        context["heat_map"] = heat_map(counted, request.GET, tolerance=marking["tolerance"], settings=settings)
    context["query"] = request.GET.urlencode()
    return render(request, "risks/register.html", context)


def export_response(request, renderer):
    risk_filter = register_filter(request)
    if not risk_filter.is_valid():
        return HttpResponseBadRequest(
            "The filters are not valid: correct them on the register page, then export again.",
            content_type="text/plain; charset=utf-8",
        )
    day = risk_filter.form.cleaned_data.get("as_at")
    risks = attach(list(risk_filter.qs), day=day)
    settings = risk_filter.settings(day)
    for risk in risks:  # the band as the page labels it (as at a day, with the bands of then)
        risk.band_label = band_for(risk.current_score, settings=settings)[1]
    filename, content_type, content = renderer(risks)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def export_csv(request):
    return export_response(request, exports.render_csv)


@require_safe
def export_xlsx(request):
    return export_response(request, exports.render_xlsx)
