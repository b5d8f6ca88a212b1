"""Every revision of every settings model, newest first, with what it changed: read in
one query per model (the settings are a few dozen rows; their history stays small)."""

from dataclasses import dataclass

from organisation.current import current
from organisation.models import AppetiteLevel, CategoryAppetite, Lever, Organisation, RiskCategory, ScoreBand

NAMED_FIELDS = [("label", "name"), ("description", "description"), ("position", "display order"), ("active", "in use")]
TRACKED = [
    (Organisation, "Organisation", [("name", "name"), ("short_name", "short name")]),
    (ScoreBand, "Score band", [("label", "label"), ("lowest", "lowest score"), ("highest", "highest score"),
                               ("colour", "colour"), ("pattern", "border pattern")]),
    (Lever, "Lever", NAMED_FIELDS),
    (RiskCategory, "Category", NAMED_FIELDS),
    (AppetiteLevel, "Appetite level", NAMED_FIELDS),
    (CategoryAppetite, "Appetite", [("level_id", "level"), ("tolerance", "tolerance"), ("statement", "statement"),
                                    ("approved_by", "approved by"), ("approved_on", "approved on")]),
]
ACTIONS = {"+": "Added", "~": "Changed", "-": "Removed"}


@dataclass
class Revision:
    when: object
    who: str
    what: str
    action: str
    changes: list  # (field label, old text, new text); old is None for an addition
    reason: str


def shown(name, value, levels):
    if name == "level_id":
        return levels.get(value, f"level {value}")
    if name == "active":
        return "yes" if value else "no (retired)"
    return "" if value is None else str(value)


def subject(kind, record, categories):
    if kind == "Appetite":
        return f"Appetite for {categories.get(record.category_id, f'category {record.category_id}')}"
    if kind == "Organisation":
        return "Organisation"
    return f"{kind} {record.label} ({record.key})"


def revisions():
    """Every settings revision, newest first."""
    org = current()
    levels = {level.pk: level.label for level in org.scale}
    categories = {category.pk: category.label for category in org.categories}
    result = []
    for model, kind, fields in TRACKED:
        previous = {}
        for record in model.history.select_related("history_user").order_by("history_date", "history_id"):
            before = previous.get(record.id)
            changes = []
            for name, label in fields:
                new = shown(name, getattr(record, name), levels)
                old = None if before is None else shown(name, getattr(before, name), levels)
                if record.history_type == "~" and old == new:
                    continue
                if record.history_type == "-":
                    continue
                changes.append((label, old if record.history_type == "~" else None, new))
            user = record.history_user
            result.append(Revision(
                when=record.history_date, who=(user.get_full_name() or user.username) if user else "(the system)",
                what=subject(kind, record, categories), action=ACTIONS.get(record.history_type, ""),
                changes=changes, reason=record.history_change_reason or "",
            ))
            previous[record.id] = record
    result.sort(key=lambda revision: revision.when, reverse=True)
    return result
