"""Revisions chained like publications: each historical row (django-simple-history)
of a chained model records `history_chain_sha256` = sha256(the previous row's
chain digest + canonical JSON of what this row says), per table in history_id
order. Editing, removing or inserting a revision afterwards breaks the chain from
there on; `python manage.py verify_history` names the first broken link.

Tracked models opt in with HistoricalRecords(bases=[ChainedHistory]). Both ways a
revision is written are covered: save() (one revision, what simple-history does
after every save and delete) and bulk_create() (simple-history's
bulk_history_create, e.g. the register generator). Writers of one table take
turns (riskregister.chaining.serialise_chain_writers) until their transaction
ends, so history_id order is chain order.

A row's content leaves out empty values and values equal to the field's default,
so a later migration that adds a field to a tracked model keeps the old revisions
valid; one that removes or renames a field, or changes a default, must call
rechain() for the table (the migration then records that it did).
"""

from django.db import models, transaction

from riskregister.chaining import link, serialise_chain_writers

CHAIN_FIELDS = ("history_previous_chain_sha256", "history_chain_sha256")


def content(record):
    """What a revision says, as digested: every column but its id and chain, leaving out
    empty values and values equal to the field's default (so a field added later with
    a default leaves the revisions before it valid)."""
    data = {}
    for field in type(record)._meta.concrete_fields:
        if field.primary_key or field.attname in CHAIN_FIELDS:
            continue
        value = field.to_python(getattr(record, field.attname))
        if value is None or value == "" or value == field.get_default():
            continue
        data[field.attname] = value
    return data


def last_link(model):
    return model._base_manager.order_by("-pk").values_list("history_chain_sha256", flat=True).first() or ""


def chain(model, records):
    """Fill the chain fields of new `records` (in the order they will be inserted), under the table's lock."""
    serialise_chain_writers(model._meta.db_table)
    previous = last_link(model)
    for record in records:
        record.history_previous_chain_sha256 = previous
        record.history_chain_sha256 = previous = link(previous, content(record))


def rechain(model):
    """Chain every row of a historical table again, in history_id order (for migrations:
    filling existing rows, or after adding a field with a non-empty default)."""
    previous = ""
    ids = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        batch = model._base_manager.in_bulk(ids[start:start + 500])
        for pk in ids[start:start + 500]:
            record = batch[pk]
            digest = link(previous, content(record))
            model._base_manager.filter(pk=pk).update(
                history_previous_chain_sha256=previous, history_chain_sha256=digest)
            previous = digest


class ChainedHistoryQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            chain(self.model, [record for record in objs if not record.history_chain_sha256])
            return super().bulk_create(objs, *args, **kwargs)


class ChainedHistory(models.Model):
    """The abstract base of chained historical models (HistoricalRecords(bases=[ChainedHistory]))."""

    history_previous_chain_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    history_chain_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    objects = ChainedHistoryQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not (self._state.adding and not self.history_chain_sha256):
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using") or self._state.db):
            chain(type(self), [self])
            return super().save(*args, **kwargs)


def chained_history_models():
    from django.apps import apps

    return sorted((model for model in apps.get_models() if issubclass(model, ChainedHistory)),
                  key=lambda model: model._meta.db_table)


def first_broken_link(model):
    """(history_id, what differs) of the first row that breaks the chain of `model`'s table, or None."""
    previous = ""
    for record in model._base_manager.order_by("pk").iterator(chunk_size=500):
        if record.history_previous_chain_sha256 != previous:
            return record.pk, (
                f"it follows {record.history_previous_chain_sha256[:16] or 'nothing'} but the revision before it has "
                f"chain digest {previous[:16] or '(none)'}: a revision was removed or inserted before it"
            )
        if link(previous, content(record)) != record.history_chain_sha256:
            return record.pk, "its content (a field, user, date or reason) was changed after it was recorded"
        previous = record.history_chain_sha256
    return None
