"""Reading an uploaded register workbook (or a CSV of its Risks sheet) safely, into plain rows.

Everything hostile is refused here, before any value is looked at: files over
5 MB, anything that is not an .xlsx (a renamed PDF, an old .xls), a
password-protected or macro-enabled file, a zip bomb (uncompressed sizes are
checked before openpyxl opens anything), more rows than a register has, merged
cells and formulas (values only: text is never evaluated).
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook

from risks.exports import FORMULA_STARTS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 200
MAX_ROWS = 2000  # per sheet, below the header
SCANNED_ROWS = 20 * MAX_ROWS  # rows looked at, empty or not
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files


class UnreadableFile(Exception):
    """The whole file is refused: one message, nothing read."""


@dataclass
class Problem:
    sheet: str
    row: int  # 0: the sheet (or file) as a whole
    column: str
    message: str

    def __str__(self):
        where = self.sheet + (f", row {self.row}" if self.row else "") + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Table:
    """One sheet: its headings and its non-empty rows as {heading: value}."""

    name: str
    headings: list
    rows: list = field(default_factory=list)  # (row number, {heading: value})


def unneutralise(value):
    """Exports write formula-like text with a leading apostrophe (risks.exports.neutralise):
    read back, the apostrophe goes, so a round trip changes nothing."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def check_size(size):
    if size > MAX_UPLOAD_BYTES:
        raise UnreadableFile(f"The file is {size / 1024 / 1024:.1f} MB: the largest file that can be imported is 5 MB.")


def read_upload(name, content):
    """{sheet name: Table} and the problems found, from an .xlsx or a .csv file's bytes."""
    check_size(len(content))
    if name.lower().endswith(".csv"):
        return read_csv(content)
    return read_xlsx(content)


def read_csv(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The CSV file is not UTF-8 text: save it as “CSV UTF-8” and try again.") from None
    if "\x00" in text:
        raise UnreadableFile("The file is not a CSV file: save the Risks sheet as “CSV UTF-8”, or upload the .xlsx workbook.")
    try:
        reader = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:  # a cell over the csv module's limit (128 KB), or a quote never closed before it
        raise UnreadableFile("A cell of the CSV file is far too long for the register (or a quotation mark is never "
                             "closed): check the file, save it again as “CSV UTF-8” and try again.") from None
    if not reader:
        raise UnreadableFile("The CSV file is empty.")
    if len(reader) - 1 > MAX_ROWS:
        raise UnreadableFile(f"The file has {len(reader) - 1:,} rows: at most {MAX_ROWS:,} can be imported at once.")
    headings = [heading.strip() for heading in reader[0]]
    table = Table("Risks", headings)
    problems = []
    for number, values in enumerate(reader[1:], start=2):
        if not any(value.strip() for value in values):
            continue
        row = {}
        for heading, value in zip(headings, values):
            row[heading] = unneutralise(value)
        if any(value.startswith("=") for value in values):
            for heading, value in zip(headings, values):
                if value.startswith("="):
                    problems.append(Problem("Risks", number, heading, "This is a formula: enter the value itself (values only are imported)."))
        table.rows.append((number, row))
    return {"Risks": table}, problems


def _check_zip(content):
    if content.startswith(OLE_SIGNATURE):
        raise UnreadableFile(
            "The file is password-protected or an old Excel (.xls) file: remove the password and save it as an "
            "Excel Workbook (.xlsx)."
        )
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise UnreadableFile("The file is not an Excel workbook (.xlsx): download the template and save your register in it.")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UnreadableFile("The workbook has too many parts to be a register: save it again as a plain .xlsx.")
        total = sum(entry.file_size for entry in entries)
        compressed = sum(entry.compress_size for entry in entries) or 1
        if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO:
            raise UnreadableFile("The workbook unpacks to far more than a register holds (a “zip bomb”?): it was not opened.")
        if "xl/vbaProject.bin" in names or any(name.endswith(".bin") and "vba" in name.lower() for name in names):
            raise UnreadableFile("The workbook contains macros: save it as an Excel Workbook (.xlsx), without macros.")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnreadableFile("The file is not an Excel workbook (.xlsx): download the template and save your register in it.")
        if b"macroEnabled" in archive.read("[Content_Types].xml"):
            raise UnreadableFile("The workbook is macro-enabled (.xlsm): save it as an Excel Workbook (.xlsx).")


def read_xlsx(content, sheets=("Risks", "Controls", "Dependencies")):
    _check_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), data_only=False, read_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile("The workbook could not be read: it may be damaged. Open it and save it again as .xlsx.") from None
    if "Risks" not in workbook.sheetnames:
        raise UnreadableFile(
            f"The workbook has no sheet called “Risks” (it has: {', '.join(workbook.sheetnames)}). "
            "Sheets must keep the template's names."
        )
    tables, problems = {}, []
    for name in sheets:
        if name not in workbook.sheetnames:
            continue  # Controls and Dependencies are optional
        sheet = workbook[name]
        for merged in sheet.merged_cells.ranges:
            problems.append(Problem(name, merged.min_row, str(merged), "Merged cells cannot be imported: unmerge them."))
        tables[name] = _table(sheet, problems)
    return tables, problems


def _table(sheet, problems):
    if sheet.max_row > SCANNED_ROWS:
        # openpyxl would make a cell for every position: refuse before walking a million empty rows.
        raise UnreadableFile(f"The {sheet.title} sheet reaches row {sheet.max_row:,}: delete the rows below the "
                             f"register (at most {MAX_ROWS:,} rows can be imported at once).")
    rows = sheet.iter_rows()
    header = next(rows, ())
    headings = [str(cell.value).strip() if cell.value is not None else "" for cell in header]
    table = Table(sheet.title, headings)
    for cells in rows:
        if all(cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()) for cell in cells):
            continue
        number, row = cells[0].row, {}
        for heading, cell in zip(headings, cells):
            if not heading:
                continue
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                problems.append(Problem(sheet.title, number, heading, "This is a formula: enter the value itself (values only are imported)."))
                continue
            row[heading] = unneutralise(cell.value)
        table.rows.append((number, row))
        if len(table.rows) > MAX_ROWS:
            # Counted over rows with values: formatting alone can stretch a sheet's size.
            raise UnreadableFile(f"The {sheet.title} sheet has more than {MAX_ROWS:,} rows: at most {MAX_ROWS:,} can be "
                                 "imported at once.")
    return table
