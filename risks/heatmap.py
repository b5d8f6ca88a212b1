"""The 5x5 heat map of current scores: plain data for the register template."""

from django.db.models import Count

from risks.filters import CELL_PARAMS
from risks.models import band_for

SCORES = range(1, 6)


def cell_counts(queryset):
    """{(likelihood, impact): number of risks} in one query."""
    rows = (
        queryset.order_by()
        .values_list("current_likelihood", "current_impact")
        .annotate(count=Count("pk"))
    )
    return {(likelihood, impact): count for likelihood, impact, count in rows}


def heat_map(queryset, params):
    """Rows of cells, likelihood 5 at the top, impact 1 to 5 left to right.

    `params` is the page's query string (a QueryDict); each cell links to it with
    the cell's likelihood and impact set, so the other filters are kept.
    """
    counts = cell_counts(queryset)
    selected = (params.get(CELL_PARAMS[0]), params.get(CELL_PARAMS[1]))
    rows = []
    for likelihood in reversed(SCORES):
        cells = []
        for impact in SCORES:
            link = params.copy()
            link[CELL_PARAMS[0]], link[CELL_PARAMS[1]] = str(likelihood), str(impact)
            band_key, band_label = band_for(likelihood * impact)
            cells.append({
                "likelihood": likelihood,
                "impact": impact,
                "score": likelihood * impact,
                "count": counts.get((likelihood, impact), 0),
                "band": band_key,
                "band_label": band_label,
                "query": link.urlencode(),
                "selected": selected == (str(likelihood), str(impact)),
            })
        rows.append({"likelihood": likelihood, "cells": cells})
    return {"rows": rows, "impacts": list(SCORES), "total": sum(counts.values())}
