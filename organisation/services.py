"""Changes to the organisation's settings. Each leaves a revision with the acting user
and a reason; a form posts the version it showed, so a change made meanwhile by
someone else is a conflict, never silently overwritten."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from organisation import current
from organisation.colours import low_contrast_message
from organisation.models import SCORE_RANGE, AppetiteLevel, CategoryAppetite, Lever, Organisation, RiskCategory, ScoreBand
from riskregister.tracking import ConflictError, check_reason, delete_tracked, save_tracked


def _forget_after_commit():
    # This request sees the change at once; others load the settings afresh anyway.
    current.forget()
    transaction.on_commit(current.forget)


@transaction.atomic
def save_setting(instance, *, user, reason, expected_version=None):
    """Save one settings row (new or changed), validated, with who and why on its revision."""
    check_reason(reason)
    if instance.pk is not None:
        stored = type(instance).objects.select_for_update().get(pk=instance.pk)
        if expected_version is not None and stored.version != expected_version:
            raise ConflictError(stored)
        instance.version = stored.version + 1
    save_tracked(instance, user=user, reason=reason)
    _forget_after_commit()
    return instance


@transaction.atomic
def set_appetite(*, category, level, statement, tolerance, approved_by, approved_on, user, reason,
                 expected_version=None):
    """Set (or change) the appetite of a category."""
    appetite = CategoryAppetite.objects.filter(category=category).first() or CategoryAppetite(category=category)
    appetite.level, appetite.statement, appetite.tolerance = level, statement, tolerance
    appetite.approved_by, appetite.approved_on = approved_by, approved_on
    return save_setting(appetite, user=user, reason=reason, expected_version=expected_version)


def update_organisation(*, name, short_name, user, reason, expected_version):
    organisation = Organisation.objects.get(pk=1)
    organisation.name, organisation.short_name = name, short_name
    return save_setting(organisation, user=user, reason=reason, expected_version=expected_version)


# Keys ---------------------------------------------------------------------------------

def new_key(model, label, *, fallback):
    """A key for a new row made from its label (lower case, underscores), unique in its table;
    `fallback` starts it when the label has no letter to start with."""
    base = slugify(label).replace("-", "_")
    base = re.sub(r"_+", "_", base).strip("_")
    if not base or not base[0].isalpha():
        base = f"{fallback}_{base}".strip("_")
    base = base[:36].rstrip("_")
    taken = set(model.objects.filter(key__startswith=base).values_list("key", flat=True))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


# Score bands ----------------------------------------------------------------------------

@dataclass
class BandChange:
    """One row of the bands page: an existing band (pk) or a new one (pk None)."""

    pk: object
    label: str
    lowest: int
    highest: int
    colour: str
    pattern: str


def runs(scores):
    """Consecutive runs of sorted scores: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    result = []
    for score in scores:
        if result and result[-1][1] == score - 1:
            result[-1] = (result[-1][0], score)
        else:
            result.append((score, score))
    return result


def scores_text(first, last):
    return f"score {first}" if first == last else f"scores {first} to {last}"


def band_set_errors(bands):
    """What is wrong with a set of bands, as messages (none when every score 1 to 25 falls in exactly one)."""
    errors = []
    labels = [band.label.strip().casefold() for band in bands]
    for label in sorted({label for label in labels if labels.count(label) > 1}):
        errors.append(f"Two bands are called “{next(b.label for b in bands if b.label.strip().casefold() == label)}”: "
                      "give each band its own label.")
    for band in bands:
        if band.lowest > band.highest:
            errors.append(f"{band.label}: the lowest score ({band.lowest}) is above the highest ({band.highest}).")
        message = low_contrast_message(band.label, band.colour)
        if message:
            errors.append(message)
    if errors:
        return errors
    ascending = sorted(bands, key=lambda band: band.lowest)
    covering = {score: [band.label for band in ascending if band.lowest <= score <= band.highest] for score in SCORE_RANGE}
    for first, last in runs([score for score in SCORE_RANGE if not covering[score]]):
        errors.append(f"No band covers {scores_text(first, last)}: every score from 1 to 25 needs a band.")
    overlaps = [score for score in SCORE_RANGE if len(covering[score]) > 1]
    for first, last in runs(overlaps):
        names = " and ".join(covering[first])
        errors.append(f"{names} both cover {scores_text(first, last)}: each score falls in one band only.")
    return errors


def band_versions(bands):
    """What the bands page posts back: "pk:version" of each band it showed."""
    return ",".join(f"{band.pk}:{band.version}" for band in sorted(bands, key=lambda band: band.pk))


def _step_aside(kept, bands):
    """Free the labels the set hands round, so saving band by band never meets the unique
    label constraint half way (High and Medium swapped: the first band saved would take a
    label the second still holds). Each kept band whose label another row of the set will
    take is first given a placeholder, saved without a revision: the placeholder lives only
    inside save_bands' transaction, and the band's one revision, saved next, records its
    final label. (PostgreSQL could defer the constraint instead, SQLite cannot; this works on both.)"""
    final = [(change.pk, change.label.strip()) for change in bands]
    taken = {label for _, label in final} | {band.label for band in kept.values()}
    for pk, band in sorted(kept.items()):
        if any(label == band.label for other, label in final if other != pk):
            placeholder, number = f"(renaming {pk})", 2
            while placeholder in taken:
                placeholder, number = f"(renaming {pk}, {number})", number + 1
            taken.add(placeholder)
            band.label = placeholder
            band.save_without_historical_record(update_fields=["label"])


@transaction.atomic
def save_bands(*, bands, expected_versions, user, reason):
    """Replace the score bands by `bands` (BandChange rows; an existing band left out is removed),
    checked as a set. `expected_versions` is band_versions() of the bands the page showed: a band
    added, changed or removed meanwhile is a conflict. Each band changed, added or removed leaves
    a revision with the user and the reason."""
    check_reason(reason)
    stored = {band.pk: band for band in ScoreBand.objects.select_for_update().order_by("pk")}
    if band_versions(stored.values()) != expected_versions:
        raise ConflictError(list(stored.values()))
    posted = [band.pk for band in bands if band.pk is not None]
    if set(posted) - set(stored) or len(posted) != len(set(posted)):
        raise ConflictError(list(stored.values()))
    errors = band_set_errors(bands)
    if errors:
        raise ValidationError(errors)
    kept = {band.pk for band in bands if band.pk is not None}
    for pk in sorted(set(stored) - kept):
        delete_tracked(stored[pk], user=user, reason=reason)
    _step_aside({pk: stored[pk] for pk in kept}, bands)
    for change in bands:
        band = stored[change.pk] if change.pk is not None else ScoreBand(key=new_key(ScoreBand, change.label, fallback="band"))
        values = {"label": change.label.strip(), "lowest": change.lowest, "highest": change.highest,
                  "colour": change.colour.lower(), "pattern": change.pattern}
        if band.pk is not None and all(getattr(band, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(band, name, value)
        if band.pk is not None:
            band.version += 1
        save_tracked(band, user=user, reason=reason)
    _forget_after_commit()


# Levers, categories, the appetite scale ----------------------------------------------

NAMED_SETTINGS = {"levers": Lever, "categories": RiskCategory, "scale": AppetiteLevel}
KEY_FALLBACK = {Lever: "lever", RiskCategory: "category", AppetiteLevel: "level"}


def create_entry(model, *, label, description, position, user, reason):
    entry = model(key=new_key(model, label, fallback=KEY_FALLBACK[model]), label=label.strip(),
                  description=description, position=position)
    return save_setting(entry, user=user, reason=reason)


def update_entry(entry, *, label, description, position, active, user, reason, expected_version):
    """Rename, describe, reorder, retire or reactivate. The key never changes, so whatever
    refers to it (a control's lever, a risk's category) follows a rename."""
    entry.label, entry.description, entry.position, entry.active = label.strip(), description, position, active
    return save_setting(entry, user=user, reason=reason, expected_version=expected_version)


def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def uses(entry):
    """What uses a lever, category or appetite level, as phrases ("3 risks", "1 appetite"); empty if nothing."""
    from controls.models import Control
    from risks.models import Risk

    if isinstance(entry, Lever):
        counts = [(Control.objects.filter(lever=entry.key).count(), "control")]
    elif isinstance(entry, RiskCategory):
        risks = Risk.objects.filter(Q(category=entry) | Q(secondary_categories=entry)).values("pk").distinct().count()
        counts = [(risks, "risk"), (CategoryAppetite.objects.filter(category=entry).count(), "appetite")]
    else:
        counts = [(CategoryAppetite.objects.filter(level=entry).count(), "appetite")]
    return [plural(count, noun) for count, noun in counts if count]


def in_use_message(entry, phrases):
    return f"{entry.label} is used by {' and '.join(phrases)}: retire it instead."


@transaction.atomic
def delete_entry(entry, *, user, reason, expected_version):
    """Delete a lever, category or appetite level that nothing uses; refused otherwise (retire it instead)."""
    check_reason(reason)
    stored = type(entry).objects.select_for_update().get(pk=entry.pk)
    if stored.version != expected_version:
        raise ConflictError(stored)
    phrases = uses(stored)
    if phrases:
        raise ValidationError(in_use_message(stored, phrases))
    delete_tracked(stored, user=user, reason=reason)
    _forget_after_commit()
