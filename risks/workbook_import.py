"""Import a register workbook: first a plan (nothing written), then, confirmed with a reason,
one transaction through the edit pages' services.

    plan = plan_import(name, content)          # rows new / changed / unchanged / error
    plan.summary()                             # "1 new, 1 changed, 13 unchanged, 0 errors"
    apply_plan(plan, user=user, reason="...")  # all or nothing; refuses a plan with errors

Rows with an ID change that risk or control; rows without one are new. Risks
missing from the file are listed (plan.missing) and left alone: an import never
deletes. Columns come from risks.workbook (one list per sheet).
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from controls.models import Control
from controls.services import apply_control_changes
from organisation.models import RiskCategory
from riskregister.tracking import check_reason, save_tracked
from risks import services
from risks.categories import attach
from risks.models import Owner, Risk, RiskDependency
from risks.workbook import CONTROL_COLUMNS, DEPENDENCY_COLUMNS, RISK_COLUMNS, cell_value
from risks.workbook_reading import Problem, UnreadableFile, read_upload

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class PlanHasErrors(Exception):
    pass


@dataclass
class RowPlan:
    sheet: str
    row: int
    label: str
    status: str = UNCHANGED
    changes: list = field(default_factory=list)  # (column, old, new)
    problems: list = field(default_factory=list)
    target: object = None  # the existing Risk / Control / RiskDependency
    values: dict = field(default_factory=dict)  # model field -> value to write


@dataclass
class Plan:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # file-wide or sheet-wide problems
    missing: list = field(default_factory=list)  # open risks not in the file

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @property
    def errors(self):
        return self.problems + [problem for row in self.rows for problem in row.problems]

    @property
    def has_errors(self):
        return bool(self.errors)

    def summary(self):
        return (f"{self.count(NEW)} new, {self.count(CHANGED)} changed, {self.count(UNCHANGED)} unchanged, "
                f"{len(self.errors)} errors")

    def digest(self):
        """What the preview showed, so a confirmation applies the same plan or nothing."""
        shown = [(r.sheet, r.row, r.status, [list(map(str, c)) for c in r.changes],
                  getattr(r.target, "version", None)) for r in self.rows]
        return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()


# Values ----------------------------------------------------------------------------

class CellError(ValueError):
    pass


def as_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.strftime("%Y-%m-%d")
    return str(value).replace("\r\n", "\n").strip()


def as_score(value):
    text = as_text(value)
    if not text:
        raise CellError("Enter a score from 1 to 5.")
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise CellError(f"A score is a whole number from 1 to 5, not “{text}”.")
    return int(text)


def as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value)
    if not text:
        return None
    try:
        match = DAY_MONTH_YEAR.match(text)
        if match:
            day, month, year = map(int, match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(f"“{text}” is not a real date: enter a date such as 2018-02-28 or 28/02/2018.") from None


def as_integer(value):
    text = as_text(value)
    if not text:
        return None
    if not text.isdigit():
        raise CellError(f"Enter a whole number, not “{text}”.")
    return int(text)


def as_choice(value, choices):
    text = as_text(value)
    if not text:
        return ""
    for key, label in choices:
        if text.casefold() in (key.casefold(), label.casefold()):
            return key
    raise CellError(f"“{text}” is not allowed here: use one of {', '.join(label for _, label in choices)}.")


class Lookups:
    """The register as the plan sees it (a few queries, then dictionaries)."""

    def __init__(self):
        self.risks = {risk.pk: risk for risk in Risk.objects.select_related("parent").prefetch_related(
            "ownerships__owner", "secondary_categories")}
        self.open_by_ref = {risk.ref: risk for risk in self.risks.values() if risk.is_open}
        self.owners = {owner.name: owner for owner in Owner.objects.all()}
        self.owners_folded = {name.casefold(): owner for name, owner in self.owners.items()}
        self.controls = {control.pk: control for control in Control.objects.select_related("owner")}
        self.dependencies = {(d.risk_id, d.depends_on_id): d for d in RiskDependency.objects.all()}
        self.categories = list(RiskCategory.objects.all())
        attach(list(self.risks.values()))  # the labels the workbook shows, to list what changes

    def category(self, value):
        """The category a cell names by its label (or key), retired ones included: a risk may keep one."""
        text = as_text(value)
        if not text:
            return None
        for category in self.categories:
            if text.casefold() in (category.label.casefold(), category.key.casefold()):
                return category
        offered = ", ".join(category.label for category in self.categories if category.active)
        raise CellError(f"There is no category called “{text}”: use one of {offered}.")

    def categories_list(self, value):
        """The categories a cell names, separated by semicolons, in the organisation's order."""
        chosen = {}
        for name in as_text(value).split(";"):
            if name.strip():
                category = self.category(name.strip())
                chosen[category.pk] = category
        return sorted(chosen.values(), key=lambda category: (category.position, category.pk))

    def owner(self, name):
        owner = self.owners.get(name) or self.owners_folded.get(name.casefold())
        if owner is None:
            raise CellError(f"There is no owner called “{name}”: check the spelling, or add the owner first "
                            "(the list is on the Instructions sheet).")
        return owner

    def owners_list(self, value):
        names = [name.strip() for name in as_text(value).split("/") if name.strip()]
        owners = [self.owner(name) for name in names]
        if len({owner.pk for owner in owners}) != len(owners):
            raise CellError("Name each owner only once.")
        return owners


# Risks ----------------------------------------------------------------------------

EDITABLE_RISK_COLUMNS = [column for column in RISK_COLUMNS if column.field]
RISK_COLUMN_BY_FIELD = {column.field: column.heading for column in RISK_COLUMNS if column.field}


def _convert(column, raw, lookups):
    if column.kind == "score":
        return as_score(raw)
    if column.kind == "date":
        return as_date(raw)
    if column.kind == "owners":
        return lookups.owners_list(raw)
    if column.kind == "integer":
        return as_integer(raw)
    if column.kind == "choice":
        return as_choice(raw, column.allowed)
    if column.kind == "category":
        return lookups.category(raw)
    if column.kind == "categories":
        return lookups.categories_list(raw)
    if column.kind == "owner":
        text = as_text(raw)
        return lookups.owner(text) if text else None
    return as_text(raw)


def _missing_columns(table, columns, problems):
    missing = [column.heading for column in columns if column.required and column.heading not in table.headings]
    for heading in missing:
        problems.append(Problem(table.name, 1, heading, f"The {table.name} sheet has no “{heading}” column: "
                                "keep the template's headings in the first row."))
    return bool(missing)


def _comparable(value):
    if isinstance(value, list):
        return [item.pk for item in value]
    if isinstance(value, (Risk, Owner, RiskCategory)):
        return value.pk
    return value


def _current(risk, field_name):
    if field_name == "owners":
        return [ownership.owner.pk for ownership in risk.ownerships.all()]
    if field_name == "parent":
        return risk.parent_id
    if field_name == "category":
        return risk.category_id
    if field_name == "secondary_categories":
        return [category.pk for category in sorted(risk.secondary_categories.all(), key=lambda c: (c.position, c.pk))]
    if field_name == "owner":
        return risk.owner_id
    return getattr(risk, field_name)


def _display(value):
    if isinstance(value, list):
        if value and isinstance(value[0], RiskCategory):
            return "; ".join(category.label for category in value)
        return " / ".join(owner.name for owner in value)
    if isinstance(value, RiskCategory):
        return value.label
    if isinstance(value, (Risk,)):
        return value.ref
    if isinstance(value, Owner):
        return value.name
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _plan_risks(table, lookups, plan):
    if _missing_columns(table, RISK_COLUMNS, plan.problems):
        return []
    seen_ids, rows = {}, []
    for number, raw in table.rows:
        row = RowPlan("Risks", number, f"Risk {as_text(raw.get('Ref'))}: {as_text(raw.get('Title'))}")
        values = {}
        for column in RISK_COLUMNS:
            if column.heading not in raw:
                continue
            try:
                values[column.heading] = _convert(column, raw[column.heading], lookups) if column.kind != "parent" else as_text(raw[column.heading])
            except CellError as error:
                row.problems.append(Problem("Risks", number, column.heading, str(error)))
        risk_id = values.get("ID")
        if risk_id is not None:
            if risk_id not in lookups.risks:
                row.problems.append(Problem("Risks", number, "ID", f"There is no risk with ID {risk_id}: leave ID empty for a new risk."))
            elif risk_id in seen_ids:
                row.problems.append(Problem("Risks", number, "ID", f"Risk ID {risk_id} is also on row {seen_ids[risk_id]}: list each risk once."))
            else:
                seen_ids[risk_id] = number
                row.target = lookups.risks[risk_id]
        row.values = values
        rows.append(row)
    _check_refs(rows, lookups)
    for row in rows:
        _risk_changes(row, lookups)
    plan.missing = [risk for risk in lookups.open_by_ref.values() if risk.pk not in seen_ids]
    plan.missing.sort(key=lambda risk: (risk.ref_number, risk.ref_suffix))
    return rows


def _final_open_refs(rows, lookups):
    """ref -> [(row or None, risk or None)] of every open risk once the file is applied."""
    in_file = {row.target.pk for row in rows if row.target is not None}
    refs = {}
    for risk in lookups.open_by_ref.values():
        if risk.pk not in in_file:
            refs.setdefault(risk.ref, []).append((None, risk))
    for row in rows:
        if row.target is not None and not row.target.is_open:
            continue
        ref = row.values.get("Ref") or (row.target.ref if row.target else "")
        if ref:
            refs.setdefault(ref, []).append((row, row.target))
    return refs


def _check_refs(rows, lookups):
    for ref, holders in _final_open_refs(rows, lookups).items():
        if len(holders) < 2:
            continue
        for row in [row for row, _ in holders if row is not None]:
            other_row, other = next((r, risk) for r, risk in holders if r is not row)
            if other is not None:
                where = f", row {other_row.row}" if other_row is not None else ""
                message = (f"Ref {ref} is already used by open risk {other.ref} “{other.title}” (ID {other.pk}{where}): "
                           "to change that risk, put its ID in the ID column; otherwise choose another ref.")
            else:
                message = f"Ref {ref} is used twice in this file (also row {other_row.row}): open risks need different refs."
            row.problems.append(Problem("Risks", row.row, "Ref", message))


def _risk_changes(row, lookups):
    values, risk = row.values, row.target
    if row.problems:
        row.status = ERROR
        return
    parent_ref = values.get("Parent ref", "")
    parent = None
    if parent_ref:
        parent = lookups.open_by_ref.get(parent_ref)
        if parent is None:
            row.problems.append(Problem("Risks", row.row, "Parent ref", f"There is no open risk with ref {parent_ref} to be the parent."))
            row.status = ERROR
            return
    fields = {}
    for column in EDITABLE_RISK_COLUMNS:
        if column.heading in values:
            fields[column.field] = parent if column.field == "parent" else values[column.heading]
    _check_categories(row, risk, fields)
    if risk is None:
        _new_risk(row, fields, values)
    else:
        _changed_risk(row, risk, fields, values)


def _check_categories(row, risk, fields):
    """Retired categories stay where they are but are not given anew; a category listed as
    both primary and other stays primary only."""
    held = {risk.category_id, *_current(risk, "secondary_categories")} if risk is not None else set()
    primary = fields["category"] if "category" in fields else (risk.category if risk is not None else None)
    chosen = [("Category", fields.get("category"))] + [("Other categories", c) for c in fields.get("secondary_categories") or []]
    for heading, category in chosen:
        if category is not None and not category.active and category.pk not in held:
            row.problems.append(Problem("Risks", row.row, heading,
                                        f"“{category.label}” is retired: choose an active category."))
    if "secondary_categories" in fields:
        fields["secondary_categories"] = [c for c in fields["secondary_categories"] if primary is None or c.pk != primary.pk]


def _new_risk(row, fields, values):
    if values.get("Status") and values["Status"].casefold() != "open":
        row.problems.append(Problem("Risks", row.row, "Status", "A new risk is open: close it on its page once imported."))
    if values.get("Date closed"):
        row.problems.append(Problem("Risks", row.row, "Date closed", "A new risk is open: leave Date closed empty."))
    for heading in ("Current likelihood", "Current impact"):
        if heading not in values:
            row.problems.append(Problem("Risks", row.row, heading, "Enter a score from 1 to 5."))
    owners = fields.pop("owners", [])
    others = fields.pop("secondary_categories", [])
    fields = {name: value for name, value in fields.items() if value is not None or name == "parent"}
    fields["opened_on"] = fields.get("opened_on") or timezone.localdate()
    fields["current_likelihood"] = values.get("Current likelihood")
    fields["current_impact"] = values.get("Current impact")
    _validate(row, Risk(**fields), owners)
    if others:
        fields["secondary_categories"] = others
    row.values = {"fields": fields, "owners": owners}
    row.status = ERROR if row.problems else NEW
    if row.status == NEW:
        row.changes = [(column.heading, "", _display(fields.get(column.field) if column.field != "owners" else owners))
                       for column in EDITABLE_RISK_COLUMNS if (fields.get(column.field) if column.field != "owners" else owners)]


def _changed_risk(row, risk, fields, values):
    for heading, current in (("Current likelihood", risk.current_likelihood), ("Current impact", risk.current_impact)):
        if heading in values and values[heading] != current:
            row.problems.append(Problem("Risks", row.row, heading, "Current scores follow reviews: record a review on the risk's page to change them."))
    if "Status" in values and values["Status"].casefold() != risk.get_status_display().casefold():
        row.problems.append(Problem("Risks", row.row, "Status", "Status is read-only here: close or reopen the risk on its page."))
    if "Date closed" in values and values["Date closed"] != risk.closed_on:
        row.problems.append(Problem("Risks", row.row, "Date closed", "Date closed is read-only here: close or reopen the risk on its page."))
    changed = {}
    for name, value in fields.items():
        if name in ("title", "description", "summary_heading", "summary_statement", "partner_ref", "ref"):
            old = as_text(_current(risk, name))
        else:
            old = _current(risk, name)
        if _comparable(value) != old:
            changed[name] = value
            column = next(c for c in RISK_COLUMNS if c.field == name)
            row.changes.append((column.heading, as_text(cell_value(column, risk)) if column.kind != "date" else _display(old), _display(value)))
    owners = changed.pop("owners", None)
    others = changed.pop("secondary_categories", None)
    if "category" in changed and others is None:
        # A new primary category leaves the other categories (it drops out of them if among them).
        others = [category for category in risk.secondary_categories.all() if category != changed["category"]]
    if changed or owners is not None:
        candidate = Risk.objects.get(pk=risk.pk)
        for name, value in changed.items():
            setattr(candidate, name, value)
        _validate(row, candidate, owners)
    row.values = {"fields": changed, "owners": owners, "version": risk.version, "secondary_categories": others}
    row.status = ERROR if row.problems else (CHANGED if row.changes else UNCHANGED)


def _validate(row, risk, owners):
    try:
        risk.full_clean(validate_constraints=True)
    except ValidationError as error:
        reported = {problem.column for problem in row.problems}
        for name, messages in error.message_dict.items():
            column = RISK_COLUMN_BY_FIELD.get(name, "")
            for message in messages:
                if "Ref" in reported and "ref" in message.lower():
                    continue
                row.problems.append(Problem("Risks", row.row, column, message))


# Controls and dependencies -------------------------------------------------------------

def _plan_controls(table, lookups, risk_rows, plan):
    if _missing_columns(table, CONTROL_COLUMNS, plan.problems):
        return []
    refs = _final_open_refs(risk_rows, lookups)
    rows = []
    for number, raw in table.rows:
        row = RowPlan("Controls", number, f"Control on risk {as_text(raw.get('Risk ref'))}: {as_text(raw.get('Name')) or as_text(raw.get('Text'))[:60]}")
        values = {}
        for column in CONTROL_COLUMNS:
            if column.heading not in raw or column.kind == "ref":
                continue
            try:
                values[column.field or column.heading] = _convert(column, raw[column.heading], lookups)
            except CellError as error:
                row.problems.append(Problem("Controls", number, column.heading, str(error)))
        ref = as_text(raw.get("Risk ref"))
        holders = refs.get(ref, [])
        if not holders:
            row.problems.append(Problem("Controls", number, "Risk ref", f"There is no open risk with ref {ref or '(empty)'}."))
        control_id = values.pop("ID", None)
        control = None
        if control_id is not None:
            control = lookups.controls.get(control_id)
            if control is None:
                row.problems.append(Problem("Controls", number, "ID", f"There is no control with ID {control_id}: leave ID empty for a new control."))
            elif holders and holders[0][1] is not None and holders[0][1].pk != control.risk_id:
                row.problems.append(Problem("Controls", number, "Risk ref", "A control cannot move to another risk by import: add a new row instead."))
        values["position"] = values.get("position") or 0
        row.target, row.values = control, {"ref": ref, "fields": values}
        if not row.problems:
            _control_changes(row, control, values)
        row.status = ERROR if row.problems else row.status
        rows.append(row)
    return rows


def _control_changes(row, control, values):
    candidate = Control(**values) if control is None else Control.objects.get(pk=control.pk)
    if control is not None:
        for name, value in values.items():
            old = getattr(control, f"{name}_id") if name == "owner" else getattr(control, name)
            if _comparable(value) != (old if name != "due_date" else old) and not (old in (None, "") and value in (None, "")):
                column = next(c for c in CONTROL_COLUMNS if c.field == name)
                row.changes.append((column.heading, as_text(cell_value(column, control)), _display(value)))
                setattr(candidate, name, value)
    try:
        candidate.full_clean(exclude=["risk"])
    except ValidationError as error:
        headings = {column.field: column.heading for column in CONTROL_COLUMNS}
        for name, messages in error.message_dict.items():
            for message in messages:
                row.problems.append(Problem("Controls", row.row, headings.get(name, ""), message))
    row.status = NEW if control is None else (CHANGED if row.changes else UNCHANGED)


def _plan_dependencies(table, lookups, risk_rows, plan):
    if _missing_columns(table, DEPENDENCY_COLUMNS, plan.problems):
        return []
    refs = _final_open_refs(risk_rows, lookups)
    rows = []
    for number, raw in table.rows:
        ref, depends_on, note = as_text(raw.get("Risk ref")), as_text(raw.get("Depends on ref")), as_text(raw.get("Note"))
        row = RowPlan("Dependencies", number, f"Risk {ref} depends on risk {depends_on}")
        for heading, value in (("Risk ref", ref), ("Depends on ref", depends_on)):
            if not refs.get(value):
                row.problems.append(Problem("Dependencies", number, heading, f"There is no open risk with ref {value or '(empty)'}."))
        if ref and ref == depends_on:
            row.problems.append(Problem("Dependencies", number, "Depends on ref", "A risk cannot depend on itself."))
        row.values = {"ref": ref, "depends_on": depends_on, "note": note}
        if not row.problems:
            risk, other = refs[ref][0][1], refs[depends_on][0][1]
            existing = lookups.dependencies.get((risk.pk, other.pk)) if risk is not None and other is not None else None
            row.target = existing
            if existing is None:
                row.status, row.changes = NEW, [("Note", "", note)] if note else []
            elif existing.note != note:
                row.status, row.changes = CHANGED, [("Note", existing.note, note)]
        else:
            row.status = ERROR
        rows.append(row)
    return rows


# The plan and its application -------------------------------------------------------

def plan_import(name, content):
    plan = Plan()
    try:
        tables, problems = read_upload(name, content)
    except UnreadableFile as error:
        plan.problems.append(Problem("File", 0, "", str(error)))
        return plan
    plan.problems.extend(problems)
    lookups = Lookups()
    risk_rows = _plan_risks(tables["Risks"], lookups, plan)
    plan.rows.extend(risk_rows)
    if "Controls" in tables:
        plan.rows.extend(_plan_controls(tables["Controls"], lookups, risk_rows, plan))
    if "Dependencies" in tables:
        plan.rows.extend(_plan_dependencies(tables["Dependencies"], lookups, risk_rows, plan))
    return plan


@transaction.atomic
def apply_plan(plan, *, user, reason):
    """Write the plan in one transaction, through the edit pages' services; all or nothing."""
    if plan.has_errors:
        raise PlanHasErrors(plan.summary())
    check_reason(reason)
    risks_by_ref = {risk.ref: risk for risk in Risk.objects.open()}
    controls = {}
    for row in plan.rows:
        if row.sheet == "Controls" and row.status in (NEW, CHANGED):
            change = dict(row.values["fields"], id=row.target.pk if row.target else None)
            controls.setdefault(row.values["ref"], []).append(change)
    for row in plan.rows:
        if row.sheet != "Risks" or row.status not in (NEW, CHANGED):
            continue
        if row.status == NEW:
            risk = services.create_risk(user=user, reason=reason, owners=row.values["owners"], **row.values["fields"])
        else:
            old_ref = row.target.ref
            # The risk's controls go in the same save, as on the edit page.
            risk = services.edit_risk(
                risk_id=row.target.pk, expected_version=row.values["version"], user=user, reason=reason,
                fields=row.values["fields"], owners=row.values["owners"],
                secondary_categories=row.values["secondary_categories"],
                controls=controls.pop(row.values["fields"].get("ref", old_ref), []),
            )
            risks_by_ref.pop(old_ref, None)
        risks_by_ref[risk.ref] = risk
    for ref, changes in controls.items():
        risk = risks_by_ref[ref]
        if plan_row_is_new(plan, ref):
            apply_control_changes(risk, changes, user=user, reason=reason)
        else:
            services.edit_risk(risk_id=risk.pk, expected_version=risk.version, user=user, reason=reason,
                               fields={}, controls=changes)
    for row in plan.rows:
        if row.sheet != "Dependencies" or row.status not in (NEW, CHANGED):
            continue
        if row.status == NEW:
            services.add_dependency(risk=risks_by_ref[row.values["ref"]], depends_on=risks_by_ref[row.values["depends_on"]],
                                    note=row.values["note"], user=user, reason=reason)
        else:
            dependency = row.target
            dependency.note = row.values["note"]
            save_tracked(dependency, user=user, reason=reason)
    return plan


def plan_row_is_new(plan, ref):
    return any(row.sheet == "Risks" and row.status == NEW and row.values["fields"].get("ref") == ref for row in plan.rows)
