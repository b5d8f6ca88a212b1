"""The register workbook: export, import with a plan, the commands; the round trip changes nothing."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from controls.models import Control
from risks.models import Risk, RiskDependency
from risks.workbook import blank_template, export_workbook
from risks.workbook_import import PlanHasErrors, apply_plan, plan_import

pytestmark = pytest.mark.django_db


def exported():
    return export_workbook()[2]


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edited(change):
    """The exported workbook, changed as a person would in a spreadsheet program."""
    workbook = load_workbook(io.BytesIO(exported()))
    change(workbook)
    return workbook_bytes(workbook)


def column(sheet, heading):
    return [cell.value for cell in sheet[1]].index(heading) + 1


def row_of(sheet, ref):
    ref_column = column(sheet, "Ref")
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, ref_column).value == ref and sheet.cell(row, column(sheet, "Status")).value == "Open":
            return row
    raise AssertionError(ref)


def set_cell(sheet, ref, heading, value):
    sheet.cell(row_of(sheet, ref), column(sheet, heading)).value = value


def add_risk(sheet, **values):
    row = sheet.max_row + 1
    defaults = {"Ref": "16", "Title": "Cyber attack", "Description": "Failure to keep systems running",
                "Owners": "Siobhan Peters", "Inherent likelihood": 4, "Inherent impact": 5, "Current likelihood": 3,
                "Current impact": 4, "Target likelihood": 2, "Target impact": 3, "Date raised": "01/09/2017"}
    for heading, value in {**defaults, **values}.items():
        sheet.cell(row, column(sheet, heading)).value = value
    return row


# Export ------------------------------------------------------------------------------

def test_export_has_the_sheets_frozen_headers_and_validation(demo):
    workbook = load_workbook(io.BytesIO(exported()))
    assert workbook.sheetnames == ["Risks", "Controls", "Dependencies", "Reviews", "Instructions"]
    risks = workbook["Risks"]
    assert risks.freeze_panes == "A2" and risks.column_dimensions["D"].width == 60
    assert risks.max_row - 1 == Risk.objects.count()
    assert workbook["Controls"].max_row - 1 == Control.objects.filter(risk__status="open").count()
    assert workbook["Reviews"].max_row > 1
    lists = [v.formula1 for v in risks.data_validations.dataValidation]
    assert '"1,2,3,4,5"' in lists
    assert any("Oversight" in v.formula1 for v in workbook["Controls"].data_validations.dataValidation)
    instructions = [row for row in workbook["Instructions"].iter_rows(values_only=True)]
    assert ("Risks", "Ref", "Yes") == instructions[2][:3] and any(row[3] == "Siobhan Peters" for row in instructions)


def test_blank_template_has_headings_only(demo):
    workbook = load_workbook(io.BytesIO(blank_template()[2]))
    assert workbook["Risks"].max_row == 1 and workbook["Risks"]["B1"].value == "Ref"


# Round trip and a person's edits ---------------------------------------------------------

def test_round_trip_reports_no_changes(demo):
    plan = plan_import("register.xlsx", exported())
    assert plan.summary().endswith("0 errors"), [str(p) for p in plan.errors]
    assert plan.count("new") == plan.count("changed") == 0
    assert plan.count("unchanged") == (Risk.objects.count() + Control.objects.filter(risk__status="open").count()
                                       + RiskDependency.objects.filter(risk__status="open", depends_on__status="open").count())
    assert plan.missing == []


def test_round_trip_with_a_closed_risk_whose_ref_is_reused(demo):
    from risks import services

    risk = Risk.objects.get(ref="8", status="open")
    services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Closed")
    services.create_risk(user=demo["smt"], reason="Reused ref", ref="8", title="A new eight", description="Failure to",
                         inherent_likelihood=2, inherent_impact=2, current_likelihood=2, current_impact=2,
                         target_likelihood=1, target_impact=1)
    plan = plan_import("register.xlsx", exported())
    assert plan.summary().startswith("0 new, 0 changed") and not plan.has_errors, [str(p) for p in plan.errors]


def test_formula_like_text_round_trips(demo):
    risk = Risk.objects.get(ref="4", status="open")
    from risks import services

    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Test",
                         title="=1+1 is not a formula")
    content = exported()
    assert load_workbook(io.BytesIO(content))["Risks"].cell(row_of(load_workbook(io.BytesIO(content))["Risks"], "4"), 3).data_type == "s"
    assert plan_import("register.xlsx", content).count("changed") == 0


def test_a_changed_title_and_a_new_risk_are_previewed_then_written(demo):
    def change(workbook):
        sheet = workbook["Risks"]
        set_cell(sheet, "4", "Title", "Adequate funding (revised)")
        add_risk(sheet)

    content = edited(change)
    plan = plan_import("register.xlsx", content)
    assert plan.summary() == f"1 new, 1 changed, {plan.count('unchanged')} unchanged, 0 errors"
    [changed] = [row for row in plan.rows if row.status == "changed"]
    old_title = Risk.objects.get(ref="4", status="open").title
    assert changed.changes == [("Title", old_title, "Adequate funding (revised)")]
    assert Risk.objects.filter(ref="16").count() == 0  # nothing written yet
    apply_plan(plan, user=demo["smt"], reason="Spreadsheet review")
    risk = Risk.objects.get(ref="4", status="open")
    assert risk.title == "Adequate funding (revised)"
    assert risk.history.first().history_change_reason == "Spreadsheet review"
    new = Risk.objects.get(ref="16")
    assert new.owner_names == "Siobhan Peters" and str(new.opened_on) == "2017-09-01"
    assert new.history.first().history_user == demo["smt"]
    assert plan_import("register.xlsx", exported()).summary().startswith("0 new, 0 changed")


def test_controls_and_dependencies_are_imported_through_the_edit_service(demo):
    def change(workbook):
        controls = workbook["Controls"]
        row = controls.max_row + 1
        for heading, value in {"Risk ref": "4", "Kind": "Control action", "Text": "Monthly budget review",
                               "Lever": "Oversight", "Status": "Planned", "Order": 9}.items():
            controls.cell(row, column(controls, heading)).value = value
        dependencies = workbook["Dependencies"]
        dependencies.append(["4", "3", "Funding follows the plan"])

    plan = plan_import("register.xlsx", edited(change))
    assert (plan.count("new"), plan.count("changed"), len(plan.errors)) == (2, 0, 0), [str(p) for p in plan.errors]
    risk = Risk.objects.get(ref="4", status="open")
    version = risk.version
    apply_plan(plan, user=demo["smt"], reason="Controls from the workbook")
    control = Control.objects.get(description="Monthly budget review")
    assert control.risk == risk and control.lever == "oversight" and control.status == "planned"
    assert control.history.first().history_change_reason == "Controls from the workbook"
    risk.refresh_from_db()
    assert risk.version == version + 1  # the edit page's service: the risk's version covers its controls
    assert RiskDependency.objects.filter(risk=risk, depends_on__ref="3", note="Funding follows the plan").exists()


def test_risks_missing_from_the_file_are_listed_and_left_alone(demo):
    def change(workbook):
        workbook["Risks"].delete_rows(row_of(workbook["Risks"], "8"))

    plan = plan_import("register.xlsx", edited(change))
    assert [risk.ref for risk in plan.missing] == ["8"] and not plan.has_errors
    apply_plan(plan, user=demo["smt"], reason="Nothing to do")
    assert Risk.objects.get(ref="8", status="open")


def test_a_plan_with_errors_writes_nothing(demo):
    def change(workbook):
        sheet = workbook["Risks"]
        set_cell(sheet, "4", "Title", "Changed")
        add_risk(sheet, **{"Inherent likelihood": 6})

    plan = plan_import("register.xlsx", edited(change))
    with pytest.raises(PlanHasErrors):
        apply_plan(plan, user=demo["smt"], reason="Should not write")
    assert not Risk.objects.filter(title="Changed").exists()


def test_csv_of_the_risks_sheet(demo):
    workbook = load_workbook(io.BytesIO(exported()))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in workbook["Risks"].iter_rows(values_only=True):
        writer.writerow(["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else v) for v in values])
    plan = plan_import("risks.csv", buffer.getvalue().encode("utf-8-sig"))
    assert plan.summary() == f"0 new, 0 changed, {Risk.objects.count()} unchanged, 0 errors", [str(p) for p in plan.errors]


# Commands ---------------------------------------------------------------------------

def test_export_and_import_commands(demo, tmp_path):
    path = tmp_path / "register.xlsx"
    call_command("export_register", "--output", str(path), stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_register", str(path), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == f"0 new, 0 changed, {lines[-1].split(', ')[2].split()[0]} unchanged, 0 errors"
    assert "Dry run: nothing written" in out.getvalue()


def test_import_command_commits_with_a_reason_and_fails_on_errors(demo, tmp_path):
    def change(workbook):
        set_cell(workbook["Risks"], "4", "Title", "Renamed by command")

    path = tmp_path / "register.xlsx"
    path.write_bytes(edited(change))
    out = io.StringIO()
    call_command("import_register", str(path), "--commit", "--reason", "Quarterly import", "--user", "smt", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("0 new, 1 changed")
    risk = Risk.objects.get(ref="4", status="open")
    assert risk.title == "Renamed by command" and risk.history.first().history_user == demo["smt"]

    def break_it(workbook):
        set_cell(workbook["Risks"], "4", "Title", "Not written")
        set_cell(workbook["Risks"], "3", "Inherent impact", 0)

    path.write_bytes(edited(break_it))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_register", str(path), "--commit", "--reason", "Bad", stdout=out)
    assert exit_status.value.code == 1 and out.getvalue().strip().splitlines()[-1].endswith("1 errors")
    assert not Risk.objects.filter(title="Not written").exists()


# Bad input ----------------------------------------------------------------------------

def bad_file_message(name, content):
    plan = plan_import(name, content)
    assert plan.has_errors and plan.count("new") == plan.count("changed") == 0
    return " | ".join(str(problem) for problem in plan.errors)


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_sheet_change(change):
    return edited(change)


@pytest.mark.parametrize("name,content,message", [
    ("register.xlsx", b"Ref,Title\n4,x\n", "not an Excel workbook"),
    ("register.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "not an Excel workbook"),
    ("register.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
    ("register.xlsx", b"PK" + b"x" * (5 * 1024 * 1024), "largest file that can be imported is 5 MB"),
    ("register.xlsx", zip_of({"[Content_Types].xml": "x", "xl/workbook.xml": "x", "xl/vbaProject.bin": "x"}), "macros"),
    ("register.xlsx", zip_of({"[Content_Types].xml": "macroEnabled", "xl/workbook.xml": "x"}), "macro-enabled"),
    ("register.xlsx", zip_of({"[Content_Types].xml": "x", "xl/workbook.xml": "x", "xl/big.xml": "0" * (60 * 1024 * 1024)}), "zip bomb"),
    ("risks.csv", b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_bad_files_are_refused_whole(demo, name, content, message):
    assert message in bad_file_message(name, content)


def _set(heading, value, ref="4"):
    return lambda workbook: set_cell(workbook["Risks"], ref, heading, value)


@pytest.mark.parametrize("change,message", [
    (_set("Title", "=HYPERLINK(\"http://evil.example\",\"x\")"), "column Title: This is a formula"),
    (_set("Inherent likelihood", 0), "A score is a whole number from 1 to 5, not “0”"),
    (_set("Target impact", 6), "A score is a whole number from 1 to 5, not “6”"),
    (_set("Next review", "31/02/2018"), "“31/02/2018” is not a real date"),
    (_set("Owners", "Nobody Known"), "There is no owner called “Nobody Known”"),
    (_set("Ref", "3"), "Ref 3 is already used by open risk 3"),
    (_set("Ref", "A4"), "A ref is a number"),
    (_set("Title", ""), "Title"),
    (_set("Current impact", 1), "Current scores follow reviews"),
    (lambda workbook: add_risk(workbook["Risks"], Ref="4"), "Ref 4 is already used by open risk 4"),
    (lambda workbook: (add_risk(workbook["Risks"]), add_risk(workbook["Risks"])), "Ref 16 is used twice in this file"),
    (lambda workbook: workbook["Risks"].merge_cells("C2:D2"), "Merged cells cannot be imported"),
    (lambda workbook: setattr(workbook["Risks"], "title", "My risks"), "no sheet called “Risks”"),
    (lambda workbook: workbook["Risks"].delete_cols(3), "no “Title” column"),
    (lambda workbook: workbook["Controls"].cell(2, 6).__setattr__("value", "Telepathy"), "“Telepathy” is not allowed here"),
])
def test_bad_cells_are_named_and_nothing_is_written(demo, change, message):
    before = {risk.pk: risk.version for risk in Risk.objects.all()}
    content = edited(change)
    found = bad_file_message("register.xlsx", content)
    assert message in found
    assert {risk.pk: risk.version for risk in Risk.objects.all()} == before


def test_a_formula_cell_is_refused_by_position(demo):
    found = bad_file_message("register.xlsx", edited(_set("Title", "=1+1")))
    assert "column Title: This is a formula: enter the value itself" in found


def test_ten_thousand_rows_are_refused(demo):
    def change(workbook):
        sheet = workbook["Risks"]
        for number in range(10_000):
            sheet.append([None, str(100 + number % 900), "Row", "Description"])

    assert "more than 2,000 rows: at most 2,000 can be imported at once" in bad_file_message("register.xlsx", edited(change))


def test_a_sheet_stretched_far_below_the_register_is_refused_quickly(demo):
    def change(workbook):
        workbook["Risks"].cell(100_000, 2).value = "99"

    assert "reaches row 100,000" in bad_file_message("register.xlsx", edited(change))
