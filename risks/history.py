"""Gathers every revision of a risk, its controls, owners, reviews, dependencies and
appetite acceptances into plain
entries for the history and conflict pages: a fixed number of queries, whatever
the number of revisions (diffs are made by pairing consecutive revisions in Python)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from controls.models import Control
from organisation.current import current
from risks.categories import categories_named
from risks.diff import field_changes
from risks.models import AppetiteAcceptance, Owner, Review, Risk, RiskDependency, RiskOwner, Trend
from risks.services import RISK_EDITABLE_FIELDS, category_names, other_categories

RISK_FIELDS = [
    ("ref", "Ref"), ("title", "Title"), ("description", "Description"),
    ("summary_heading", "Summary heading"), ("summary_statement", "Summary statement"),
    ("status", "Status"), ("closed_reason", "Reason closed"), ("opened_on", "Date raised"),
    ("closed_on", "Closed on"), ("parent_id", "Parent risk"),
    ("partner_ref", "Partner register reference"), ("category_id", "Primary category"),
    ("secondary_category_names", "Other categories"), ("owner_names", "Owners"),
    ("inherent_likelihood", "Inherent likelihood"), ("inherent_impact", "Inherent impact"),
    ("current_likelihood", "Current likelihood"), ("current_impact", "Current impact"),
    ("target_likelihood", "Target likelihood"), ("target_impact", "Target impact"),
    ("trend", "Trend"), ("last_reviewed", "Last reviewed"), ("next_review", "Next review"),
]
CONTROL_FIELDS = [
    ("kind", "Kind"), ("name", "Name"), ("separator", "Punctuation after the name"),
    ("description", "Description"), ("owner_id", "Owner"), ("lever", "Lever"),
    ("due_date", "Due date"), ("status", "Status"), ("position", "Display order"),
]
OWNERSHIP_FIELDS = [("owner_id", "Owner"), ("position", "Position")]
REVIEW_FIELDS = [
    ("reviewed_on", "Date of review"), ("likelihood", "Current likelihood"),
    ("impact", "Current impact"), ("trend", "Trend"), ("commentary", "Commentary"),
]
DEPENDENCY_FIELDS = [("depends_on_id", "Depends on"), ("note", "Note")]
ACCEPTANCE_FIELDS = [
    ("accepted_by", "Accepted by"), ("reason", "Why it is accepted"),
    ("accepted_on", "Accepted on"), ("expires_on", "Expires on"),
]
# Risks named by id in revisions: their "Risk ref: title" (risk_history reads them in one query).
RISK_REFERENCES = ("parent_id", "depends_on_id")
CHOICES = {
    "status": {**dict(Risk.Status.choices), **dict(Control.Status.choices)},
    "trend": dict(Trend.choices),
    "kind": dict(Control.Kind.choices),
    "separator": dict(Control.Separator.choices),
}
ACTIONS = {"+": "Added", "~": "Changed", "-": "Deleted"}
# An acceptance is never edited: it is given, and withdrawn before it expires (risks.services).
ACCEPTANCE_ACTIONS = {**ACTIONS, "-": "Withdrawn"}


@dataclass
class Entry:
    what: str          # "Risk", "Control", "Owner", "Review", "Dependency", "Acceptance"
    label: str         # which one, e.g. the control's name
    action: str
    user: object
    date: datetime
    reason: str
    changes: list = field(default_factory=list)
    history_id: int = 0
    version: int = 0
    is_risk: bool = False
    record: object = None

    @property
    def who(self):
        if self.user is None:
            return "(system)"
        return self.user.get_full_name() or self.user.username

    @property
    def caption_id(self):
        """Unique on the page: one entry per model and history row."""
        return f"{self.what.lower()}-{self.history_id}-changes"

    @property
    def when(self):
        # Formatted here, not with the template's date filter: it is ~10x faster
        # and the history page renders hundreds of entries.
        return timezone.localtime(self.date).strftime("%-d %B %Y, %H:%M:%S")


def as_text(key, value, names):
    if value is None or value == "":
        return ""
    if key == "owner_id" or key in RISK_REFERENCES:
        return names.get((key, value), f"(#{value})")
    if key == "category_id":
        # Today's label: a renamed category reads as it is called now, throughout the history.
        category = current().category(value)
        return category.label if category else f"(#{value})"
    if key == "lever":
        return current().lever_label(value) if value else ""
    if key in CHOICES:
        return str(CHOICES[key].get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def _entries(records, fields, what, names, label_of, actions=ACTIONS):
    """Entries for one model's revisions, each diffed against the object's previous revision."""
    entries, previous = [], {}
    for record in sorted(records, key=lambda r: (r.id, r.history_date, r.history_id)):
        values = {key: as_text(key, getattr(record, key), names) for key, _ in fields}
        before = previous.get(record.id)
        if record.history_type == "-":
            changes = field_changes(fields, values, {})
        else:
            changes = field_changes(fields, before, values)
        previous[record.id] = values
        entries.append(Entry(
            what=what, label=label_of(record, values), action=actions[record.history_type],
            user=record.history_user, date=record.history_date, reason=record.history_change_reason or "",
            changes=changes, history_id=record.history_id,
            version=getattr(record, "version", 0), is_risk=what == "Risk", record=record,
        ))
    return entries


def risk_history(risk):
    """Every revision touching the risk, newest first (8 queries)."""
    risk_records = list(risk.history.select_related("history_user"))
    control_records = list(Control.history.filter(risk_id=risk.pk).select_related("history_user"))
    ownership_records = list(RiskOwner.history.filter(risk_id=risk.pk).select_related("history_user"))
    review_records = list(Review.history.filter(risk_id=risk.pk).select_related("history_user"))
    dependency_records = list(RiskDependency.history.filter(risk_id=risk.pk).select_related("history_user"))
    acceptance_records = list(AppetiteAcceptance.history.filter(risk_id=risk.pk).select_related("history_user"))
    owner_ids = {r.owner_id for r in (*control_records, *ownership_records) if r.owner_id}
    risk_ids = {r.parent_id for r in risk_records if r.parent_id} | {r.depends_on_id for r in dependency_records}
    names = {("owner_id", pk): name for pk, name in Owner.objects.filter(pk__in=owner_ids).values_list("pk", "name")}
    for pk, ref, title in Risk.objects.filter(pk__in=risk_ids).values_list("pk", "ref", "title"):
        names.update({(key, pk): f"Risk {ref}: {title}" for key in RISK_REFERENCES})
    entries = [
        *_entries(risk_records, RISK_FIELDS, "Risk", names, lambda r, v: f"Risk {v['ref']}"),
        *_entries(control_records, CONTROL_FIELDS, "Control", names,
                  lambda r, v: v["name"] or v["description"][:60]),
        *_entries(ownership_records, OWNERSHIP_FIELDS, "Owner", names, lambda r, v: v["owner_id"]),
        *_entries(review_records, REVIEW_FIELDS, "Review", names, lambda r, v: f"Review of {v['reviewed_on']}"),
        *_entries(dependency_records, DEPENDENCY_FIELDS, "Dependency", names, lambda r, v: v["depends_on_id"]),
        *_entries(acceptance_records, ACCEPTANCE_FIELDS, "Acceptance", names,
                  lambda r, v: f"outside appetite, by {v['accepted_by']} until {v['expires_on']}", ACCEPTANCE_ACTIONS),
    ]
    entries.sort(key=lambda entry: (entry.date, entry.history_id), reverse=True)
    return entries


def changes_since(risk, version):
    """What others changed since a form built from `version`: (base revision, entries since).

    The entries are the risk's newer revisions and the control, owner and review
    revisions written by the same saves (same user and reason, after the base):
    controls saved outside those saves (a loader, say) are not blamed on them.
    """
    entries = risk_history(risk)
    base = next((e for e in entries if e.is_risk and e.version == version), None)
    if base is None:
        return None, []
    newer = [e for e in entries if e.is_risk and e.version > version]
    saves = {(e.user, e.reason) for e in newer}
    since = [e for e in entries if e.is_risk and e.version > version
             or not e.is_risk and e.date > base.date and (e.user, e.reason) in saves]
    return base, since


def restore_preview(risk, revision):
    """The restore page's data: what restoring `revision` changes (`changes`, its other
    categories included) and what the page tells about those (`category_notes`)."""
    editable = [(key, label) for key, label in RISK_FIELDS
                if key.removesuffix("_id") in RISK_EDITABLE_FIELDS or key == "secondary_category_names"]
    names = {("parent_id", parent.pk): f"Risk {parent.ref}: {parent.title}"
             for parent in Risk.objects.filter(pk__in=[risk.parent_id, revision.parent_id])}
    current_values = {key: as_text(key, getattr(risk, key), names) for key, _ in editable}
    restored = {key: as_text(key, getattr(revision, key), names) for key, _ in editable}
    # The other categories as restoring saves them: labelled as they are called now.
    named = categories_named(revision.secondary_category_names, revision.history_date)
    restored["secondary_category_names"] = category_names(other_categories(named.categories, revision.category_id))
    return {"changes": field_changes(editable, current_values, restored), "category_notes": named.notes}
