"""Writes to a risk's controls. Callers hold the risk's row lock (see
risks.services.edit_risk), so the risk's version covers its controls too."""

from django.core.exceptions import ValidationError

from controls.models import CONTROL_FIELDS, Control
from riskregister.tracking import delete_tracked, save_tracked


def apply_control_changes(risk, changes, *, user, reason):
    """Add, change and delete the risk's controls as `changes` says.

    `changes` is a list of dicts: {"id": pk or None, "delete": bool, **CONTROL_FIELDS}.
    Controls not named are left alone. A control id that is not one of this risk's
    controls is refused (a tampered or stale form). Returns True if anything changed.
    """
    existing = {control.pk: control for control in Control.objects.filter(risk=risk)}
    changed = False
    for index, change in enumerate(changes):
        control_id = change.get("id")
        if control_id is not None and control_id not in existing:
            raise ValidationError({"controls": f"Control {index + 1} is not one of this risk's controls."})
        if change.get("delete"):
            if control_id is not None:
                delete_tracked(existing.pop(control_id), user=user, reason=reason)
                changed = True
            continue
        control = existing.get(control_id) if control_id is not None else Control(risk=risk)
        values = {field: change[field] for field in CONTROL_FIELDS if field in change}
        if control.pk is not None and all(getattr(control, field) == value for field, value in values.items()):
            continue
        for field, value in values.items():
            setattr(control, field, value)
        try:
            save_tracked(control, user=user, reason=reason)
        except ValidationError as error:
            raise ValidationError({"controls": [f"Control {index + 1}: {message}" for message in error.messages]})
        changed = True
    return changed
