"""Changes to the organisation's settings. Each leaves a revision with the acting user
and a reason; a form posts the version it showed, so a change made meanwhile by
someone else is a conflict, never silently overwritten."""

from django.db import transaction

from organisation import current
from organisation.models import CategoryAppetite
from riskregister.tracking import ConflictError, check_reason, save_tracked


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
