"""The lever coverage page and its CSV export (/panel/levers/): SMT editors and authors."""

import csv
import io

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_safe

from panel.levers import csv_rows, lever_matrix
from riskregister import access
from risks.exports import neutralise
from risks.filters import RiskFilter
from risks.models import Risk
from risks.register_source import LiveRegister

FILTERS = ("owner", "band")


def coverage_filter(request):
    """The register's own filters, owner and band only, over open risks."""
    data = {name: request.GET[name] for name in FILTERS if name in request.GET}
    data["status"] = Risk.Status.OPEN
    return RiskFilter(data, queryset=Risk.objects.all())


def coverage(request):
    risk_filter = coverage_filter(request)
    if not risk_filter.is_valid():
        return risk_filter, None
    source = LiveRegister(timezone.localdate())
    wanted = set(risk_filter.qs.values_list("pk", flat=True))
    return risk_filter, lever_matrix(source, [risk for risk in source.open_risks() if risk.id in wanted])


@require_safe
def lever_coverage(request):
    access.require(request.user, "view_register")
    risk_filter, matrix = coverage(request)
    query = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    return render(request, "panel/levers.html", {
        "form": risk_filter.form, "matrix": matrix,
        "query": urlencode(query),
    })


@require_safe
def lever_coverage_csv(request):
    access.require(request.user, "view_register")
    _, matrix = coverage(request)
    if matrix is None:
        return HttpResponseBadRequest("The filters are not valid: correct them on the page, then export again.",
                                      content_type="text/plain; charset=utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerows([neutralise(value) for value in row] for row in csv_rows(matrix))
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"lever-coverage-{timezone.localdate():%Y-%m-%d}.csv")
    return response
