"""The organisation's settings as code reads them: one immutable snapshot per request
or task, and as at a past day from the settings' history (for a draft rebuilt as at its
cut-off).

Each request first reads the settings' stamp (organisation.models.SettingsStamp: one
row whose token changes in the same transaction as any change to the settings). A
process reuses the snapshot it loaded last while the token it was loaded under is still
the database's; otherwise it loads every kind afresh. So a change made through any
server is seen by the next request on every server, and an unchanged set costs one
small query a request. Without a stamp (a database just flushed), or with
ORGANISATION_SETTINGS_REUSE off (the test suite, for query counts that do not depend on
which test ran before), each request loads what it uses, as it uses it. The services
forget the snapshot after a change so the same request sees it too.
"""

import datetime
import uuid
from dataclasses import dataclass
from functools import cached_property

from asgiref.local import Local
from django.conf import settings as django_settings
from django.core.signals import request_started
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.tasks.signals import task_started
from django.utils import timezone

# When no bands are stored (an empty database before migrations' defaults): the register's
# original bands, so a score always has one.
DEFAULT_BANDS = (
    ("high", "High", 15, 25, "#b3261e", "solid"),
    ("medium", "Medium", 8, 14, "#8a5a00", "dashed"),
    ("low", "Low", 1, 7, "#00703c", "dotted"),
)


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    lowest: int
    highest: int
    colour: str
    pattern: str

    def contains(self, score):
        return self.lowest <= score <= self.highest


@dataclass(frozen=True)
class Entry:
    """A lever, a category or a step of the appetite scale."""

    pk: int
    key: str
    label: str
    description: str
    position: int
    active: bool


@dataclass(frozen=True)
class Appetite:
    category_pk: int
    level_key: str
    level_label: str
    statement: str
    tolerance: int
    approved_by: str
    approved_on: datetime.date

    def accepts(self, score):
        return score <= self.tolerance


def entry(row):
    return Entry(row.pk, row.key, row.label, row.description, row.position, row.active)


class OrgSettings:
    """The settings at one moment. `rows(model)` gives that moment's rows of a settings model."""

    def __init__(self, rows):
        self._rows = rows

    @cached_property
    def _organisation(self):
        return next(iter(self._rows("Organisation")), None)

    @property
    def name(self):
        return self._organisation.name if self._organisation else django_settings.ORGANISATION_NAME

    @property
    def short_name(self):
        return self._organisation.short_name if self._organisation else django_settings.ORGANISATION_SHORT_NAME

    @cached_property
    def bands(self):
        """The score bands, highest first."""
        stored = [Band(b.key, b.label, b.lowest, b.highest, b.colour, b.pattern) for b in self._rows("ScoreBand")]
        return tuple(sorted(stored or [Band(*band) for band in DEFAULT_BANDS], key=lambda band: -band.lowest))

    def band_for(self, score):
        for band in self.bands:
            if band.contains(score):
                return band
        return self.bands[-1]  # only for a score outside 1 to 25, which constraints refuse

    @cached_property
    def levers(self):
        return tuple(sorted(map(entry, self._rows("Lever")), key=lambda e: (e.position, e.pk)))

    @cached_property
    def categories(self):
        return tuple(sorted(map(entry, self._rows("RiskCategory")), key=lambda e: (e.position, e.pk)))

    @cached_property
    def scale(self):
        return tuple(sorted(map(entry, self._rows("AppetiteLevel")), key=lambda e: (e.position, e.pk)))

    @cached_property
    def appetites(self):
        """{category pk: Appetite} for the categories that have one."""
        levels = {level.pk: level for level in self.scale}
        result = {}
        for row in self._rows("CategoryAppetite"):
            level = levels.get(row.level_id)
            result[row.category_id] = Appetite(
                row.category_id, level.key if level else "", level.label if level else "",
                row.statement, row.tolerance, row.approved_by, row.approved_on,
            )
        return result

    def lever_choices(self, *, keep=""):
        """(key, label) of the active levers, and of `keep` (a retired lever a control still uses)."""
        return [(lever.key, lever.label) for lever in self.levers if lever.active or lever.key == keep]

    def lever_label(self, key):
        return next((lever.label for lever in self.levers if lever.key == key), key)

    def category(self, pk):
        return next((category for category in self.categories if category.pk == pk), None)

    def appetite_for(self, category_pk):
        return self.appetites.get(category_pk)


def current_rows(model_name):
    from django.apps import apps

    model = apps.get_model("organisation", model_name)
    return list(model.objects.all())


def rows_as_at(moment):
    def rows(model_name):
        from django.apps import apps

        # One query per kind: every revision of a settings table (tens of rows), replayed here.
        # Every change writes a revision, so the latest of each row is the row as it is now.
        model = apps.get_model("organisation", model_name)
        then, now = {}, {}
        for record in model.history.order_by("history_date", "history_id"):
            now[record.id] = record
            if record.history_date <= moment:
                then[record.id] = record
        # Where the history does not reach back that far, the settings as they are now.
        latest = [record for record in then.values() if record.history_type != "-"] or [
            record for record in now.values() if record.history_type != "-"]
        return [record.instance for record in latest] if latest else current_rows(model_name)
    return rows


_local = Local()
# (token, OrgSettings) of this process, replaced whole; any thread may reuse it.
_reusable = None


def stamp_token():
    """The settings' token in the database, or None where there is no stamp. Plain SQL:
    it runs on every request, and a query built by the ORM costs more to compile than to run."""
    from organisation.models import SettingsStamp

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {connection.ops.quote_name(SettingsStamp._meta.db_table)} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def loaded_in_full():
    """A snapshot with every kind read now: one that is shared never reads afterwards, so it
    cannot pick up another transaction's change under an older token."""
    snapshot = OrgSettings(current_rows)
    for kind in ("_organisation", "bands", "levers", "categories", "scale", "appetites"):
        getattr(snapshot, kind)
    return snapshot


def fresh_or_reused():
    global _reusable
    if not getattr(django_settings, "ORGANISATION_SETTINGS_REUSE", True):
        return OrgSettings(current_rows)
    token = stamp_token()  # before the rows: a snapshot is never older than its token
    if token is None:
        return OrgSettings(current_rows)
    reusable = _reusable
    if reusable is not None and reusable[0] == token:
        return reusable[1]
    snapshot = loaded_in_full()
    _reusable = (token, snapshot)
    return snapshot


def current():
    """The settings now, read once per request or task."""
    snapshot = getattr(_local, "snapshot", None)
    if snapshot is None:
        snapshot = _local.snapshot = fresh_or_reused()
    return snapshot


def as_at(day):
    """The settings as they stood at the end of `day`, where their history reaches back; today's otherwise."""
    if day is None or day >= timezone.localdate():
        return current()
    end_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    return OrgSettings(rows_as_at(end_of_day))


def forget(**kwargs):
    """Drop this request's snapshot: a new request or task, or the settings just changed
    (the stamp has changed too, so the process's snapshot will not be reused)."""
    _local.snapshot = None


def stamp(**kwargs):
    """A new token for the settings, in the transaction that changed them."""
    from organisation.models import SettingsStamp

    token = uuid.uuid4().hex
    if not SettingsStamp.objects.filter(id=1).update(token=token):  # not tracked: a plain update
        SettingsStamp.objects.create(id=1, token=token)


def connect_signals():
    request_started.connect(forget, dispatch_uid="organisation.forget.request")
    task_started.connect(forget, dispatch_uid="organisation.forget.task")
    from organisation.models import SETTINGS_MODELS

    for model in SETTINGS_MODELS:
        post_save.connect(stamp, sender=model, dispatch_uid=f"organisation.stamp.save.{model.__name__}")
        post_delete.connect(stamp, sender=model, dispatch_uid=f"organisation.stamp.delete.{model.__name__}")
