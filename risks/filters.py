"""The register's filters (django-filter): one FilterSet for the page, the heat map and the exports."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q

from django.core.exceptions import ValidationError
from django.utils import timezone

from controls.models import Control
from organisation.current import current
from risks.models import Owner, Risk, RiskOwner, Trend

SCORE_CHOICES = [(str(value), str(value)) for value in range(1, 6)]
# Filter parameters the heat map sets; its own counts ignore them so every cell stays reachable.
CELL_PARAMS = ("likelihood", "impact")


def choose(what):
    """A plain message for a value not in the list (a hand-edited or stale bookmark)."""
    return {"invalid_choice": f"Choose {what} from the list.", "invalid_pk_value": f"Choose {what} from the list."}


def band_ranges():
    """{band key: (label, lowest score, highest score)}, highest band first, as the organisation sets them."""
    return {band.key: (band.label, band.lowest, band.highest) for band in current().bands}


def not_in_the_future(day):
    if day > timezone.localdate():
        raise ValidationError("The register's date must be today or earlier.")


class RiskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="filter_search", max_length=200,
        error_messages={"max_length": "Search for at most 200 characters."},
        help_text="Words in the title, the description or a control.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    owner = django_filters.ModelChoiceFilter(
        label="Owner", queryset=Owner.objects.all(), method="filter_owner", empty_label="Any owner",
        error_messages=choose("an owner"),
    )
    trend = django_filters.ChoiceFilter(
        label="Trend", choices=Trend.choices, empty_label="Any trend", error_messages=choose("a trend"),
    )
    band = django_filters.ChoiceFilter(
        label="Score band", choices=(), method="filter_band", empty_label="Any band",
        error_messages=choose("a score band"),
    )
    lever = django_filters.ChoiceFilter(
        label="Lever used by its controls", choices=(), method="filter_lever", empty_label="Any lever",
        error_messages=choose("a lever"),
    )
    aligned = django_filters.ChoiceFilter(
        label="Partner alignment", choices=[("yes", "Aligned with a partner risk"), ("no", "Not aligned")],
        method="filter_aligned", empty_label="Either", error_messages=choose("aligned or not"),
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Risk.Status.choices, empty_label=None, error_messages=choose("open or closed"),
    )
    likelihood = django_filters.ChoiceFilter(
        label="Current likelihood", field_name="current_likelihood", choices=SCORE_CHOICES,
        empty_label="Any", error_messages={"invalid_choice": "Choose a likelihood from 1 to 5."},
    )
    impact = django_filters.ChoiceFilter(
        label="Current impact", field_name="current_impact", choices=SCORE_CHOICES,
        empty_label="Any", error_messages={"invalid_choice": "Choose an impact from 1 to 5."},
    )

    as_at = django_filters.DateFilter(
        label="Register as at", method="filter_as_at",
        help_text="The register as it stood at the end of this day, from its history. For example, 2017-09-22.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, such as 2017-09-22."},
    )

    class Meta:
        model = Risk
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # The register shows open risks unless the user asks for closed ones.
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = Risk.Status.OPEN
        super().__init__(data, *args, **kwargs)
        self.filters["band"].extra["choices"] = [(key, label) for key, (label, _, _) in band_ranges().items()]
        self.filters["lever"].extra["choices"] = [(lever.key, lever.label) for lever in current().levers]
        self.filters["as_at"].extra["validators"] = [not_in_the_future]

    def filter_queryset(self, queryset):
        """As at a day, every filter reads the register as it stood then (django-simple-history's
        as_of: each risk's latest revision up to the end of that day, as Risk instances)."""
        day = self.form.cleaned_data.get("as_at")
        if day:
            from risks.register_source import end_of

            queryset = Risk.history.as_of(end_of(day))
        return super().filter_queryset(queryset)

    def filter_as_at(self, queryset, name, value):
        return queryset  # applied to the whole register first, in filter_queryset

    def filter_search(self, queryset, name, value):
        for word in value.split():
            in_controls = Control.objects.filter(risk=OuterRef("id")).filter(
                Q(name__icontains=word) | Q(description__icontains=word)
            )
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word) | Exists(in_controls))
        return queryset

    def filter_owner(self, queryset, name, value):
        return queryset.filter(Exists(RiskOwner.objects.filter(risk=OuterRef("id"), owner=value)))

    def filter_band(self, queryset, name, value):
        _, lowest, highest = band_ranges()[value]
        return queryset.alias(score=F("current_likelihood") * F("current_impact")).filter(
            score__gte=lowest, score__lte=highest
        )

    def filter_aligned(self, queryset, name, value):
        """Aligned: linked to at least one partner risk (panel.models.Alignment)."""
        return queryset.filter(alignments__isnull=(value == "no")).distinct()

    def filter_lever(self, queryset, name, value):
        in_use = Control.objects.filter(risk=OuterRef("id"), lever=value).exclude(status=Control.Status.RETIRED)
        return queryset.filter(Exists(in_use))
