"""Re-basing a stale edit onto the current version (a three-way merge of the form).

The user's form was built from an older version ("base"). Fields they did not
change from the base take the current values, so re-saving from the conflict
page keeps the other person's changes; fields they did change keep theirs.
"""

from controls.forms import ControlForm
from controls.models import Control
from organisation.models import RiskCategory
from risks.categories import NAMES_SEPARATOR
from risks.models import RiskOwner
from risks.services import RISK_EDITABLE_FIELDS

CONTROL_FIELDS = ControlForm.Meta.fields


def as_post(value):
    """A model value as the browser posts it."""
    if value is None or value is False:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _attname(model, field):
    return model._meta.get_field(field).attname


def rebase_edit_post(data, *, risk, base, as_of):
    """The POSTed edit form, moved from the base revision (a HistoricalRisk) onto `risk` as it is now.

    `as_of` is a moment when the form's controls and owners were as the user saw
    them: just before the first save that made the form stale.
    """
    data = data.copy()
    for field in RISK_EDITABLE_FIELDS:
        key, attname = f"risk-{field}", _attname(type(risk), field)
        if data.get(key, "") == as_post(getattr(base, attname)):
            data[key] = as_post(getattr(risk, attname))
    _rebase_controls(data, risk=risk, base_date=as_of)
    _rebase_owners(data, risk=risk, base_date=as_of)
    _rebase_other_categories(data, risk=risk, base=base)
    data["change-version"] = str(risk.version)
    return data


def _rebase_controls(data, *, risk, base_date):
    then = {c.pk: c for c in Control.history.as_of(base_date).filter(risk_id=risk.pk)}
    now = {c.pk: c for c in Control.objects.filter(risk=risk)}
    total = _count(data, "controls-TOTAL_FORMS")
    for index in range(total):
        prefix = f"controls-{index}-"
        control_id = data.get(prefix + "id", "")
        if not control_id.isdigit():
            continue
        if int(control_id) not in now:
            # Deleted by the other person: offered as a deleted row, which the
            # user can untick to add it back as a new control.
            data[prefix + "id"] = ""
            data[prefix + "DELETE"] = "on"
            continue
        if int(control_id) not in then:
            continue  # no earlier state known: keep the user's values
        before, current = then[int(control_id)], now[int(control_id)]
        for field in CONTROL_FIELDS:
            attname = _attname(Control, field)
            if data.get(prefix + field, "") == as_post(getattr(before, attname)):
                data[prefix + field] = as_post(getattr(current, attname))


def _posted_owners(data):
    total = _count(data, "owners-TOTAL_FORMS")
    chosen = []
    for index in range(total):
        owner = data.get(f"owners-{index}-owner", "")
        if owner:
            order = data.get(f"owners-{index}-order", "")
            chosen.append((int(order) if order.isdigit() else 99, index, owner))
    return [owner for _, _, owner in sorted(chosen)]


def _rebase_owners(data, *, risk, base_date):
    then = [str(o.owner_id) for o in sorted(RiskOwner.history.as_of(base_date).filter(risk_id=risk.pk),
                                             key=lambda o: (o.position, o.pk))]
    if _posted_owners(data) != then:
        return  # the user changed the owners: keep theirs
    for index in range(_count(data, "owners-TOTAL_FORMS")):
        data.pop(f"owners-{index}-owner", None)
        data.pop(f"owners-{index}-order", None)
    now = [ownership.owner_id for ownership in risk.ownerships.all()]
    for index, owner_id in enumerate(now):
        data[f"owners-{index}-owner"] = str(owner_id)
        data[f"owners-{index}-order"] = str(index + 1)
    data["owners-TOTAL_FORMS"] = str(len(now) + 2)
    data["owners-INITIAL_FORMS"] = str(len(now))


def _rebase_other_categories(data, *, risk, base):
    """The other categories the user left as they were take the current ones. A revision
    keeps their names only, so they are compared by name."""
    key = "risk-secondary_categories"
    labels = dict(RiskCategory.objects.values_list("pk", "label"))
    posted = sorted(labels.get(int(pk), pk) if pk.isdigit() else pk for pk in data.getlist(key))
    then = sorted(name for name in base.secondary_category_names.split(NAMES_SEPARATOR) if name)
    if posted == then:
        data.setlist(key, [str(pk) for pk in risk.secondary_categories.values_list("pk", flat=True)])


def _count(data, key):
    value = data.get(key, "0")
    return min(int(value), 100) if value.isdigit() else 0
