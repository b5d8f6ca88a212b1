"""Exports of the register's filtered rows. One contract, as pretix's exporters:
render(risks) -> (filename, content type, bytes)."""

import csv
import io
import re

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

COLUMNS = (
    ("Ref", lambda risk: risk.ref),
    ("Status", lambda risk: risk.get_status_display()),
    ("Trend", lambda risk: risk.get_trend_display()),
    ("Title", lambda risk: risk.title),
    ("Description", lambda risk: risk.description),
    ("Owners", lambda risk: risk.owner_names),
    ("Current likelihood", lambda risk: risk.current_likelihood),
    ("Current impact", lambda risk: risk.current_impact),
    ("Current score", lambda risk: risk.current_score),
    # risks.register_views.export_response gives each exported risk its `band_label` (as at the
    # register's day, with the bands of then), and risks.categories.attach() its `categories`.
    ("Band", lambda risk: risk.band_label),
    ("Category", lambda risk: risk.categories.primary),
    ("Other categories", lambda risk: "; ".join(risk.categories.others)),
    ("Appetite", lambda risk: risk.categories.appetite),
    ("Next review", lambda risk: risk.next_review.isoformat() if risk.next_review else ""),
)
# A spreadsheet treats a cell starting with one of these as a formula (tab and
# carriage return can hide one); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet may split a cell at any of these (a semicolon in many locales,
# a tab or a pipe when pasted), making what follows the start of a new cell.
SEPARATORS = ",;\t\r\n|"
FORMULA_LEAD = re.compile(f"(^|[{re.escape(SEPARATORS)}])(?=[{re.escape(''.join(FORMULA_STARTS))}])")


# Control characters XML 1.0 cannot hold, so neither can an Excel or Word file: pasted into
# a field (Word's manual line break is \x0b), they would stop the file being written.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def printable(value):
    """Text without the control characters an Excel or Word file cannot hold."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    return value


def neutralise(value):
    """Text with an apostrophe before every formula lead at its start or after a separator."""
    if isinstance(value, str):
        return FORMULA_LEAD.sub(r"\1'", value)
    return value


def rows(risks):
    for risk in risks:
        yield [neutralise(printable(value(risk))) for _, value in COLUMNS]


def filename(extension):
    return f"risk-register-{timezone.localdate():%Y-%m-%d}.{extension}"


def render_csv(risks):
    buffer = io.StringIO()
    # Every cell quoted, so no reader splits one at a separator inside it.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow([heading for heading, _ in COLUMNS])
    writer.writerows(rows(risks))
    # The byte-order mark lets Excel read the file as UTF-8 (owners' names, dashes).
    return filename("csv"), "text/csv; charset=utf-8", buffer.getvalue().encode("utf-8-sig")


def render_xlsx(risks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Risk register"
    sheet.append([heading for heading, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(risks):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # openpyxl itself would store a text starting with "=" as a formula.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return filename("xlsx"), content_type, buffer.getvalue()
