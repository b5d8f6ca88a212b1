"""The full register as a workbook that can come back in (risks.workbook_import).

Sheets: Risks, Controls, Dependencies, Reviews (read-only history) and
Instructions. Each sheet's columns are a tuple of Column below: to add a column
(a field added to Risk, say), add one Column with how to read it from the
object; the import picks it up if it is editable (`field` set).

    filename, content_type, content = export_workbook(risks)   # bytes of an .xlsx
    filename, content_type, content = blank_template()
"""

from dataclasses import dataclass
from io import BytesIO
from typing import Callable

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from controls.models import Control
from organisation.current import current
from risks.categories import attach
from risks.exports import neutralise, printable
from risks.models import Owner, Review, Risk, RiskDependency, RiskOwner

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCORES = "1,2,3,4,5"


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable  # object -> cell value (str, int, date or None)
    field: str = ""  # the model field an import writes; empty: read-only
    kind: str = "text"  # text, score, date, owners, ref, choice, integer, category, categories
    required: bool = False
    choices: tuple = ()  # (value, label) pairs for kind "choice"
    width: int = 14
    help: str = ""
    # For choices the organisation sets (levers, categories): a function giving the pairs when used.
    choices_now: Callable = None

    @property
    def allowed(self):
        return tuple(self.choices_now()) if self.choices_now else self.choices


def active_categories():
    return [(category.key, category.label) for category in current().categories if category.active]


def _date(value):
    return value or None


def _ref(risk):
    return risk.ref if risk else ""


def _score_columns(stage, *, editable=True):
    return tuple(
        Column(
            f"{stage.capitalize()} {axis}", (lambda risk, name=f"{stage}_{axis}": getattr(risk, name)),
            field=f"{stage}_{axis}" if editable else "", kind="score", required=True, width=12,
            help="A whole number from 1 to 5." + ("" if editable else " Changed by recording a review; read-only here for an existing risk."),
        )
        for axis in ("likelihood", "impact")
    )


RISK_COLUMNS = (
    Column("ID", lambda risk: risk.pk, kind="integer", width=7,
           help="The register's number for the risk. Leave empty on a new row; never change it."),
    Column("Ref", lambda risk: risk.ref, field="ref", kind="ref", required=True, width=7,
           help="As printed in the paper: a number, optionally followed by one lower-case letter (4, 2a). Unique among open risks."),
    Column("Title", lambda risk: risk.title, field="title", required=True, width=30, help="A few words."),
    Column("Description", lambda risk: risk.description, field="description", required=True, width=60,
           help="What failure looks like: “Failure to …”."),
    Column("Summary heading", lambda risk: risk.summary_heading, field="summary_heading", width=24,
           help="Heading in the summary risk position (Appendix 2), if not the title."),
    Column("Summary statement", lambda risk: risk.summary_statement, field="summary_statement", width=40,
           help="Statement in the summary risk position, if not the description."),
    Column("Owners", lambda risk: risk.owner_names, field="owners", kind="owners", width=30,
           help="Owners' names in order, separated by “ / ”. Each must already be an owner (see the list below)."),
    Column("Parent ref", lambda risk: _ref(risk.parent), field="parent", kind="parent", width=10,
           help="For a dynamic risk: the ref of the open standing risk it sits inside."),
    Column("Partner reference", lambda risk: risk.partner_ref, field="partner_ref", width=18,
           help="The matching entry in a partner's register."),
    # risks.categories.attach() gives each risk written its `categories` (labels as at the workbook's date).
    Column("Category", lambda risk: risk.categories.primary, field="category", kind="category", width=20,
           choices_now=active_categories,
           help="The primary category: it decides the risk appetite the risk is measured against. "
                "A retired category may stay on a risk that has it, but is not given to others."),
    Column("Other categories", lambda risk: "; ".join(risk.categories.others), field="secondary_categories",
           kind="categories", width=30, choices_now=active_categories,
           help="Any other categories, separated by “; ”. A category that is also the primary one stays primary."),
    Column("Aligned partner risks", lambda risk: _alignments(risk), width=30,
           help="Read-only: partner, partner's ref, title and rating, separated by “; ”. "
                "Kept on the risk's partner page."),
    *_score_columns("inherent"),
    *_score_columns("current", editable=False),
    *_score_columns("target"),
    Column("Next review", lambda risk: _date(risk.next_review), field="next_review", kind="date", width=13,
           help="A date, such as 2018-03-31 (or 31/03/2018)."),
    Column("Date raised", lambda risk: _date(risk.opened_on), field="opened_on", kind="date", width=13,
           help="A date, not in the future. Today if empty on a new row."),
    Column("Date closed", lambda risk: _date(risk.closed_on), kind="date", width=13,
           help="Read-only: close or reopen a risk on its page."),
    Column("Status", lambda risk: risk.get_status_display(), width=9,
           help="Read-only: Open or Closed. A new row is an open risk."),
)

CONTROL_COLUMNS = (
    Column("ID", lambda control: control.pk, kind="integer", width=7,
           help="The register's number for the control. Leave empty on a new row; never change it."),
    Column("Risk ref", lambda control: control.risk.ref, field="risk", kind="ref", required=True, width=9,
           help="The ref of the open risk the control belongs to."),
    Column("Kind", lambda control: control.get_kind_display(), field="kind", kind="choice",
           choices=tuple(Control.Kind.choices), required=True, width=18),
    Column("Name", lambda control: control.name, field="name", width=24, help="A short name; may be empty."),
    Column("Text", lambda control: control.description, field="description", required=True, width=60,
           help="What the control does."),
    Column("Lever", lambda control: control.get_lever_display() if control.lever else "", field="lever",
           kind="choice", choices_now=lambda: current().lever_choices(), width=20),
    Column("Owner", lambda control: control.owner.name if control.owner else "", field="owner", kind="owner", width=24,
           help="One owner's name, or empty."),
    Column("Due date", lambda control: _date(control.due_date), field="due_date", kind="date", width=13),
    Column("Status", lambda control: control.get_status_display(), field="status", kind="choice",
           choices=tuple(Control.Status.choices), required=True, width=13),
    Column("Order", lambda control: control.position, field="position", kind="integer", width=8,
           help="Display order within the risk's controls of the same kind: 0, 1, 2…"),
)

DEPENDENCY_COLUMNS = (
    Column("Risk ref", lambda dependency: dependency.risk.ref, field="risk", kind="ref", required=True, width=9),
    Column("Depends on ref", lambda dependency: dependency.depends_on.ref, field="depends_on", kind="ref",
           required=True, width=14),
    Column("Note", lambda dependency: dependency.note, field="note", width=50),
)

REVIEW_COLUMNS = (
    Column("Risk ref", lambda review: review.risk.ref, width=9),
    Column("Reviewed on", lambda review: review.reviewed_on, kind="date", width=13),
    Column("Trend", lambda review: review.get_trend_display(), width=12),
    Column("Likelihood", lambda review: review.likelihood, width=11),
    Column("Impact", lambda review: review.impact, width=9),
    Column("Commentary", lambda review: review.commentary, width=60),
    Column("Reviewer", lambda review: review.reviewer.get_full_name() or review.reviewer.username if review.reviewer else "",
           width=20),
)

SHEETS = {"Risks": RISK_COLUMNS, "Controls": CONTROL_COLUMNS, "Dependencies": DEPENDENCY_COLUMNS,
          "Reviews": REVIEW_COLUMNS}


def filename(prefix="risk-register-workbook"):
    return f"{prefix}-{timezone.localdate():%Y-%m-%d}.xlsx"


def _alignments(risk):
    """The partner risks a risk is aligned with (panel.models.Alignment), as one cell."""
    return "; ".join(
        " ".join(part for part in (link.partner_risk.partner.name, link.partner_risk.ref, link.partner_risk.title,
                                   f"(rated {link.partner_risk.rating})" if link.partner_risk.rating else "") if part)
        for link in risk.alignments.all()
    )


def register_risks():
    """Every risk, open and closed, in ref order, with what the sheets need."""
    return (
        Risk.objects.select_related("parent")
        .prefetch_related(Prefetch("ownerships", queryset=RiskOwner.objects.select_related("owner")),
                          "alignments__partner_risk__partner")
        .order_by("status", "ref_number", "ref_suffix", "pk")
    )


def _ref_order(risk):
    return (risk.status, risk.ref_number, risk.ref_suffix, risk.pk)


def _as_at(day):
    """The four sheets' rows as they stood at the end of `day`, from the revision history
    (as_of gives model instances). Related rows are wired in memory to the risks of then,
    so refs are the refs of then; owners' and reviewers' names are today's."""
    from django.contrib.auth import get_user_model

    from risks.register_source import end_of

    moment = end_of(day)
    risks = attach(sorted(Risk.history.as_of(moment), key=_ref_order), day=day)
    by_id = {risk.pk: risk for risk in risks}
    for risk in risks:
        risk.parent = by_id.get(risk.parent_id)
    open_ids = {risk.pk for risk in risks if risk.is_open}
    owners = {owner.pk: owner for owner in Owner.objects.all()}
    controls = [control for control in Control.history.as_of(moment) if control.risk_id in open_ids]
    for control in controls:
        control.risk, control.owner = by_id[control.risk_id], owners.get(control.owner_id)
    controls.sort(key=lambda c: (c.risk.ref_number, c.risk.ref_suffix, c.risk_id, c.kind, c.position, c.pk))
    dependencies = [d for d in RiskDependency.history.as_of(moment) if d.risk_id in open_ids and d.depends_on_id in open_ids]
    for dependency in dependencies:
        dependency.risk, dependency.depends_on = by_id[dependency.risk_id], by_id[dependency.depends_on_id]
    dependencies.sort(key=lambda d: (d.risk.ref_number, d.risk.ref_suffix, d.pk))
    users = {user.pk: user for user in get_user_model().objects.all()}
    reviews = [review for review in Review.history.as_of(moment) if review.risk_id in by_id]
    for review in reviews:
        review.risk, review.reviewer = by_id[review.risk_id], users.get(review.reviewer_id)
    reviews.sort(key=lambda r: (r.risk.ref_number, r.risk.ref_suffix, r.risk_id, -r.reviewed_on.toordinal(), -r.pk))
    return {"Risks": risks, "Controls": controls, "Dependencies": dependencies, "Reviews": reviews}


def export_workbook(risks=None, *, as_at=None):
    """The full register as a workbook; `as_at` (a date): as it stood at the end of that day."""
    if as_at is not None:
        return filename(), CONTENT_TYPE, _build(_as_at(as_at))
    risks = attach(list(register_risks() if risks is None else risks))
    ids = [risk.pk for risk in risks]
    # Controls and dependencies of open risks only: a closed risk's ref may be reused, so a
    # row naming it could not be told from the open one (its controls stay in its history).
    open_ids = [risk.pk for risk in risks if risk.is_open]
    controls = Control.objects.filter(risk__in=open_ids).select_related("risk", "owner").order_by(
        "risk__ref_number", "risk__ref_suffix", "risk_id", "kind", "position", "pk")
    dependencies = RiskDependency.objects.filter(risk__in=open_ids, depends_on__status=Risk.Status.OPEN).select_related("risk", "depends_on").order_by(
        "risk__ref_number", "risk__ref_suffix", "pk")
    reviews = Review.objects.filter(risk__in=ids).select_related("risk", "reviewer").order_by(
        "risk__ref_number", "risk__ref_suffix", "risk_id", "-reviewed_on", "-pk")
    content = _build({"Risks": risks, "Controls": controls, "Dependencies": dependencies, "Reviews": reviews})
    return filename(), CONTENT_TYPE, content


def blank_template():
    content = _build({name: [] for name in SHEETS})
    return filename("risk-register-template"), CONTENT_TYPE, content


def _build(objects):
    workbook = Workbook()
    workbook.remove(workbook.active)
    owners = list(Owner.objects.order_by("name").values_list("name", flat=True))
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        _write_sheet(sheet, columns, objects[name])
    _instructions(workbook.create_sheet("Instructions"), owners)
    workbook.active = 0
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_value(column, obj):
    value = column.value(obj)
    return neutralise(printable(value)) if isinstance(value, str) else value


def _write_sheet(sheet, columns, objects):
    sheet.append([column.heading for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for obj in objects:
        sheet.append([cell_value(column, obj) for column in columns])
        count += 1
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
        validation = _validation(column)
        if validation is not None and sheet.title != "Reviews":
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{max(count + 1, 1000)}")


def _validation(column):
    if column.kind == "score":
        validation = DataValidation(type="list", formula1=f'"{SCORES}"', allow_blank=False)
    elif column.kind in ("choice", "category"):
        labels = ",".join(label for _, label in column.allowed)
        if not labels:
            return None
        validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    else:
        return None
    validation.error = f"{column.heading}: choose one of the listed values."
    validation.errorTitle = "Not an allowed value"
    validation.showErrorMessage = True
    return validation


def _instructions(sheet, owners):
    sheet.append(["Sheet", "Column", "Required", "Allowed values and what it takes"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name, columns in SHEETS.items():
        for column in columns:
            if name == "Reviews":
                allowed, required = "Read-only: reviews are recorded on each risk's page.", ""
            else:
                allowed = column.help
                if column.kind in ("choice", "category", "categories"):
                    allowed = (allowed + " " if allowed else "") + ("Each one of: " if column.kind == "categories" else "One of: ") + ", ".join(label for _, label in column.allowed) + "."
                if not column.field and name != "Reviews" and column.heading != "ID":
                    allowed = allowed or "Read-only."
                required = "Yes" if column.required else ""
            sheet.append([name, column.heading, required, allowed])
    sheet.append([])
    sheet.append(["Importing", "", "", "Rows with an ID change that risk or control; rows without one are new. "
                  "Risks missing from the file are left alone (an import never deletes). Enter values, not formulas."])
    sheet.append(["Owners", "", "", "The owners known to the register:"])
    for name in owners:
        sheet.append(["", "", "", neutralise(printable(name))])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCD", (14, 20, 10, 100)):
        sheet.column_dimensions[letter].width = width
