"""The register's filters (django-filter): one FilterSet for the page, the heat map and the exports."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q

from django.core.exceptions import ValidationError
from django.utils import timezone

from controls.models import Control
from organisation.current import as_at, current
from panel.models import Alignment
from riskregister.forms import ListedModelChoiceField
from risks.appetite import outside_appetite, within_appetite
from risks.categories import NAMES_SEPARATOR
from risks.models import Owner, Risk, RiskOwner, Trend
from risks.register_source import AsAtRegister, end_of

SCORE_CHOICES = [(str(value), str(value)) for value in range(1, 6)]
# Filter parameters the heat map sets; its own counts ignore them so every cell stays reachable.
CELL_PARAMS = ("likelihood", "impact")


def choose(what):
    """A plain message for a value not in the list (a hand-edited or stale bookmark)."""
    return {"invalid_choice": f"Choose {what} from the list.", "invalid_pk_value": f"Choose {what} from the list."}


def band_ranges(settings=None):
    """{band key: (label, lowest score, highest score)}, highest band first, as the organisation
    sets them now, or as `settings` (organisation.current.OrgSettings, e.g. as at a day) say."""
    return {band.key: (band.label, band.lowest, band.highest) for band in (settings or current()).bands}


def category_choices(settings):
    return [(category.key, category.label if category.active else f"{category.label} (retired)")
            for category in settings.categories]


def merged_choices(then, now):
    """(key, label) of `then`, with those of `now` that `then` lacks after them: as at a day the
    settings of then, without refusing a key that is offered today (it then matches nothing)."""
    keys = {key for key, _ in then}
    return [*then, *((key, label) for key, label in now if key not in keys)]


class OwnerFilter(django_filters.ModelChoiceFilter):
    """Owners now, or (as at a day) owners_as_at: instances rebuilt from their history."""

    # Choices from the queryset as it lists itself: Django's iterator reads queryset.iterator(),
    # which gives a history queryset's raw revisions (pk = revision id), not the owners of then.
    field_class = ListedModelChoiceField


def owners_as_at(day):
    """The owners to choose from in the register as at `day`: those of then, named as then (deleted
    since too), and those added since (who own nothing then), as Owner instances in name order.
    One queryset over the owners' history, read when the form is shown or checked."""
    then = AsAtRegister(day).rows(Owner)
    known_then = Owner.history.filter(history_date__lte=end_of(day)).values("id")
    since = Owner.history.latest_of_each().as_instances().exclude(id__in=known_then)
    chosen = Q(history_id__in=then.values("history_id")) | Q(history_id__in=since.values("history_id"))
    return Owner.history.filter(chosen).as_instances().order_by("name", "id")


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
    owner = OwnerFilter(
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
    category = django_filters.ChoiceFilter(
        label="Category (primary or other)", choices=(), method="filter_category", empty_label="Any category",
        error_messages=choose("a category"),
    )
    appetite = django_filters.ChoiceFilter(
        label="Risk appetite", choices=[("outside", "Outside appetite"), ("within", "Within appetite")],
        method="filter_appetite", empty_label="Either", error_messages=choose("within or outside appetite"),
        help_text="The current score against the tolerance set for the risk's primary category.",
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
        # As at a day, the owners, bands and levers of then are offered too (a band removed since
        # still filters with the range it had then). The day is read here, before the form is checked.
        day = self._requested_day()
        now = current()
        bands = [(band.key, band.label) for band in now.bands]
        levers = [(lever.key, lever.label) for lever in now.levers]
        categories = category_choices(now)
        if day:
            then = self.settings(day)
            bands = merged_choices([(band.key, band.label) for band in then.bands], bands)
            levers = merged_choices([(lever.key, lever.label) for lever in then.levers], levers)
            categories = merged_choices(category_choices(then), categories)
            self.filters["owner"].queryset = owners_as_at(day)
        self.filters["band"].extra["choices"] = bands
        self.filters["lever"].extra["choices"] = levers
        self.filters["category"].extra["choices"] = categories
        self.filters["as_at"].extra["validators"] = [not_in_the_future]

    def filter_queryset(self, queryset):
        """As at a day, every filter reads the register as it stood then (django-simple-history's
        as_of: each risk's latest revision up to the end of that day, as Risk instances)."""
        day = self.form.cleaned_data.get("as_at")
        if day:
            # In ref order, as the live register (a history queryset is ordered newest revision first).
            queryset = AsAtRegister(day).rows(Risk).order_by("ref_number", "ref_suffix", "id")
        return super().filter_queryset(queryset)

    def filter_as_at(self, queryset, name, value):
        return queryset  # applied to the whole register first, in filter_queryset

    def _requested_day(self):
        """The past day asked for, if `as_at` is a valid one (before the form is checked), else None."""
        try:
            day = forms.DateField(required=False).clean(self.data.get("as_at"))
        except ValidationError:
            return None
        return day if day and day < timezone.localdate() else None

    def _day(self):
        return self.form.cleaned_data.get("as_at")

    def settings(self, day=None):
        """The organisation's settings the filters read: now, or as set at the end of `day`
        (organisation.current.as_at), read once per filter set for each day."""
        if day is None:
            return current()
        by_day = self.__dict__.setdefault("_settings_by_day", {})
        if day not in by_day:
            by_day[day] = as_at(day)
        return by_day[day]

    def _risk_ids(self, model, *conditions, **lookups):
        """Q: the risk is one of those with a `model` row (its risk_id) matching, today or as the rows
        stood at the end of the register's day (AsAtRegister.rows: the latest revision of each, deleted
        since or not). A subquery that does not depend on the risk, so the database runs it once
        (a correlated one would replay the history for every revision of every risk), and the page's
        query count does not grow with the register."""
        day = self._day()
        rows = AsAtRegister(day).rows(model) if day else model.objects.all()
        return Q(id__in=rows.filter(*conditions, risk_id__isnull=False, **lookups).values("risk_id"))

    def filter_search(self, queryset, name, value):
        """Each word in the title, the description or one of the risk's controls (retired too)."""
        for word in value.split():
            in_controls = self._risk_ids(Control, Q(name__icontains=word) | Q(description__icontains=word))
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word) | in_controls)
        return queryset

    def filter_owner(self, queryset, name, value):
        """An owner of the risk, now or (as at a day) then: its ownerships' revisions, as the paper reads them."""
        return queryset.filter(self._risk_ids(RiskOwner, owner_id=value.pk))

    def filter_band(self, queryset, name, value):
        """The current score within the band's range: as set now, or (as at a day) as set then.
        A band offered today that did not exist then matches no risk of then."""
        ranges = band_ranges(self.settings(self._day()))
        if value not in ranges:
            return queryset.none()
        _, lowest, highest = ranges[value]
        return queryset.alias(score=F("current_likelihood") * F("current_impact")).filter(
            score__gte=lowest, score__lte=highest
        )

    def filter_aligned(self, queryset, name, value):
        """Aligned: linked to at least one partner risk (panel.models.Alignment), now or then."""
        aligned = self._risk_ids(Alignment)
        return queryset.filter(aligned if value == "yes" else ~aligned)

    def filter_lever(self, queryset, name, value):
        """A control in use (not retired) with that lever, now or (as at a day) then."""
        return queryset.filter(self._risk_ids(Control, ~Q(status=Control.Status.RETIRED), lever=value))

    def filter_category(self, queryset, name, value):
        """Risks whose primary category it is, or one of their others."""
        day = self._day()
        now = {c.key: c for c in current().categories}
        then = {c.key: c for c in self.settings(day).categories} if day else now
        category = then.get(value) or now.get(value)
        if category is None:  # a category of then deleted since, asked for today
            return queryset.none()
        if day:
            # The register as at a day keeps the other categories' names of then, in each revision.
            label, sep = category.label, NAMES_SEPARATOR
            named = (Q(secondary_category_names=label) | Q(secondary_category_names__startswith=label + sep)
                     | Q(secondary_category_names__endswith=sep + label)
                     | Q(secondary_category_names__contains=sep + label + sep))
            return queryset.filter(Q(category_id=category.pk) | named)
        links = Risk.secondary_categories.through.objects.filter(risk_id=OuterRef("id"), riskcategory_id=category.pk)
        return queryset.filter(Q(category_id=category.pk) | Exists(links))

    def filter_appetite(self, queryset, name, value):
        day = self._day()
        if not day:
            return outside_appetite(queryset) if value == "outside" else within_appetite(queryset)
        # As at a day: the tolerances set then (organisation.current.as_at), the scores of then.
        score = F("current_likelihood") * F("current_impact")
        queryset = queryset.alias(appetite_score=score)
        matching = Q(pk__in=[])
        for category_pk, appetite in self.settings(day).appetites.items():
            over = Q(appetite_score__gt=appetite.tolerance) if value == "outside" else Q(appetite_score__lte=appetite.tolerance)
            matching |= Q(category_id=category_pk) & over
        return queryset.filter(matching)
