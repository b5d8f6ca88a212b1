"""Tracked writes: the one home of the helpers every app's services use.

Every change to a tracked model goes through save() (never queryset.update()
or bulk methods), so django-simple-history records it with who and why.
Versioned records (a risk, a paper) are locked before they are changed, and a
stale version is a conflict, never a silent overwrite.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from itertools import count

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

# The longest reason any form or service accepts for a change. Revisions keep it
# whole: settings.SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD makes
# django-simple-history's reason column text instead of 100 characters.
REASON_MAX_LENGTH = 500


class ConflictError(Exception):
    """The record changed since the form was opened; nothing was saved."""

    def __init__(self, current):
        super().__init__(f"{current} has changed since you opened it")
        self.current = current


def check_reason(reason):
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Give a reason for the change."})
    if len(reason.strip()) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."})


def save_tracked(instance, *, user, reason, validate=True):
    """Save one tracked object, validated, with who and why on its revision."""
    check_reason(reason)
    if validate:
        instance.full_clean()
    instance._history_user = user
    instance._change_reason = reason.strip()
    instance.save()
    return instance


def delete_tracked(instance, *, user, reason):
    instance._history_user = user
    instance._change_reason = reason.strip()
    instance.delete()


def lock_versioned(model, pk, expected_version):
    """Lock the row for this transaction; ConflictError if its version moved on."""
    obj = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(obj)
    return obj


# Dated revisions ---------------------------------------------------------------

_revision_clock = ContextVar("revision_clock", default=None)


@receiver(pre_create_historical_record)
def _date_revision(sender, history_instance, **kwargs):
    clock = _revision_clock.get()
    if clock is not None:
        history_instance.history_date = next(clock)


@contextmanager
def revisions_dated(moment):
    """Date every revision written inside at `moment` (a microsecond apart, in
    the order written) instead of now: for loading a register whose history
    happened then, such as the September 2017 fixture, so the register as at a
    date (risks.register_source.AsAtRegister) finds it."""
    token = _revision_clock.set(moment + timedelta(microseconds=tick) for tick in count())
    try:
        yield
    finally:
        _revision_clock.reset(token)
