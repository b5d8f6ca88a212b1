"""Risk appetite in a paper (issue 17), as plain data for the snapshot.

The organisation's settings a paper is built with are those of its register's day
(organisation.current.as_at for a register as at a date, today's for the live one),
and what the paper used of them goes into the snapshot (`settings_data`), so a
rendering reads the snapshot only and a published paper never changes.

A risk is within appetite when its current score is at most its primary category's
tolerance (risks.appetite, the same rule as the risk page); without a category, or
with a category that has no appetite, it is neither.
"""

from controls.models import Control
from organisation.current import as_at, current
from risks.register_source import AsAtRegister

WITHIN_LABELS = {True: "Yes", False: "No", None: "—"}
NO_PLAN = "No plan recorded"


def settings_for(source):
    """The organisation's settings as at the register's day (today's for a live register)."""
    return as_at(source.day) if isinstance(source, AsAtRegister) else current()


def short_date(value):
    return f"{value.day} {value:%B %Y}" if value else ""


def settings_data(org, *, categories_used):
    """What the paper used of the settings: the bands, and the appetites of the categories
    its risks are in (by category label, in the settings' order)."""
    appetites = []
    for category in org.categories:
        appetite = org.appetite_for(category.pk)
        if category.pk in categories_used and appetite is not None:
            appetites.append({
                "category": category.label, "level": appetite.level_label, "tolerance": appetite.tolerance,
                "statement": appetite.statement, "approved_by": appetite.approved_by,
                "approved_on": appetite.approved_on.isoformat(), "approved_on_display": short_date(appetite.approved_on),
            })
    return {
        "bands": [
            {"key": band.key, "label": band.label, "lowest": band.lowest, "highest": band.highest,
             "colour": band.colour, "pattern": band.pattern}
            for band in org.bands
        ],
        "appetites": appetites,
    }


def score(org, likelihood, impact):
    value = likelihood * impact
    band = org.band_for(value)
    return {"likelihood": likelihood, "impact": impact, "score": value, "band": band.key, "band_label": band.label}


def appetite_of(org, risk):
    """A risk's category, appetite and whether its current score is within the tolerance."""
    category = org.category(risk.category_id) if risk.category_id else None
    appetite = org.appetite_for(risk.category_id) if category else None
    current_score = risk.current[0] * risk.current[1]
    within = None if appetite is None else appetite.accepts(current_score)
    return {
        "category": category.label if category else "",
        "level": appetite.level_label if appetite else "",
        "tolerance": appetite.tolerance if appetite else None,
        "score": current_score,
        "within": within,
        "within_label": WITHIN_LABELS[within],
    }


def without_score(appetite):
    """For the public pack: scores are restricted (Appendix 4), whether within appetite is not."""
    return {key: value for key, value in appetite.items() if key != "score"}


def is_plan_action(control):
    """A control action still to be delivered, with an owner and a due date (risks.appetite.is_plan_action)."""
    return (control.kind == Control.Kind.ACTION and control.status not in Control.FINISHED
            and bool(control.owner) and control.due_date is not None)


def outside_appetite(source, risks, appetites, *, restricted):
    """Each risk outside appetite with its plan: its control actions (owner, due date), the
    acceptance in force on the register's day, or neither. Two queries whatever the number.
    The current score only in the restricted pack (the public pack prints no scores)."""
    outside = [risk for risk in risks if appetites[risk.id]["within"] is False]
    ids = [risk.id for risk in outside]
    controls = source.controls(ids)
    acceptances = source.acceptances(ids)
    entries = []
    for risk in outside:
        actions = [
            {"text": control.text, "owner": control.owner, "due_date": control.due_date.isoformat(),
             "due_date_display": short_date(control.due_date)}
            for control in controls.get(risk.id, []) if is_plan_action(control)
        ]
        in_force = [a for a in acceptances.get(risk.id, []) if a.in_force_on(source.day)]
        acceptance = max(in_force, key=lambda a: a.expires_on) if in_force else None
        entries.append({
            "id": risk.id, "ref": risk.ref, "title": risk.title,
            **(appetites[risk.id] if restricted else without_score(appetites[risk.id])),
            "actions": actions,
            "acceptance": {
                "accepted_by": acceptance.accepted_by, "reason": acceptance.reason,
                "expires_on": acceptance.expires_on.isoformat(), "expires_on_display": short_date(acceptance.expires_on),
            } if acceptance else None,
            "has_plan": bool(actions) or acceptance is not None,
        })
    return entries
