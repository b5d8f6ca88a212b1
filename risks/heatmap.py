"""The 5x5 heat map of current scores: plain data for the register template."""

from django import forms
from django.db.models import Count

from organisation.current import current

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


TOLERANCE_PARAM = "tolerance_category"


class ToleranceForm(forms.Form):
    """Which category's tolerance the heat map marks: only categories with an appetite."""

    tolerance_category = forms.ChoiceField(
        label="Mark the tolerance of category", required=False,
        help_text="Cells whose score is above that category's tolerance are marked.",
        error_messages={"invalid_choice": "Choose a category with an appetite from the list."},
    )

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        org = org or current()
        self.appetites = {category.key: (category, org.appetites[category.pk])
                          for category in org.categories if category.pk in org.appetites}
        self.fields[TOLERANCE_PARAM].choices = [("", "None")] + [
            (key, f"{category.label} (up to {appetite.tolerance})") for key, (category, appetite) in self.appetites.items()]

    def chosen(self):
        """(category, appetite) chosen, or None."""
        key = self.cleaned_data.get(TOLERANCE_PARAM) if self.is_valid() else None
        return self.appetites.get(key) if key else None


def tolerance_marking(params, settings=None):
    """The form choosing a tolerance to mark, and what it marks: {"form", "category", "tolerance",
    "hidden"} (hidden: the page's other parameters, which the form keeps). The tolerances are those
    of `settings` (as at the register's day), today's if not given."""
    form = ToleranceForm(params, org=settings)
    chosen = form.chosen()
    return {
        "form": form, "category": chosen[0] if chosen else None, "tolerance": chosen[1].tolerance if chosen else None,
        "hidden": [(key, value) for key, values in params.lists() if key != TOLERANCE_PARAM for value in values],
    }


def heat_map(queryset, params, tolerance=None, settings=None):
    """Rows of cells, likelihood 5 at the top, impact 1 to 5 left to right.

    `params` is the page's query string (a QueryDict); each cell links to it with
    the cell's likelihood and impact set, so the other filters are kept. With a
    `tolerance`, cells whose score is above it are marked. The bands of `settings`
    (organisation.current.OrgSettings, as at the register's day) colour the cells;
    today's if not given.
    """
    counts = cell_counts(queryset)
    selected = (params.get(CELL_PARAMS[0]), params.get(CELL_PARAMS[1]))
    rows = []
    for likelihood in reversed(SCORES):
        cells = []
        for impact in SCORES:
            link = params.copy()
            link[CELL_PARAMS[0]], link[CELL_PARAMS[1]] = str(likelihood), str(impact)
            band_key, band_label = band_for(likelihood * impact, settings=settings)
            cells.append({
                "likelihood": likelihood,
                "impact": impact,
                "score": likelihood * impact,
                "count": counts.get((likelihood, impact), 0),
                "band": band_key,
                "band_label": band_label,
                "query": link.urlencode(),
                "selected": selected == (str(likelihood), str(impact)),
                "above_tolerance": tolerance is not None and likelihood * impact > tolerance,
            })
        rows.append({"likelihood": likelihood, "cells": cells})
    return {"rows": rows, "impacts": list(SCORES), "total": sum(counts.values())}
