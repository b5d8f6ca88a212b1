"""Register exports (CSV and XLSX): no cell, nor any part of a cell after a
separator a spreadsheet may split at, starts a formula."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from risks.exports import neutralise
from tests.factories import make_risk

HOSTILE = [";=1+1", ",=1+1", "\t=1", "\n=1", "=1", "+1", "-1", "@x", "x;@SUM(A1)", "a|=cmd"]
FORMULA_LEADS = ("=", "+", "-", "@")
SPLIT_AT = r"[,;\t\r\n|]"


def starts_a_formula(text):
    """Whether any piece of `text`, split where a spreadsheet might split it, starts a formula."""
    return any(piece.lstrip('"').startswith(FORMULA_LEADS) for piece in re.split(SPLIT_AT, text))


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_leaves_no_formula_lead_after_any_separator(value):
    assert starts_a_formula(value)
    assert not starts_a_formula(neutralise(value))


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_neutralised_in_both_exports(client_for, users, value):
    make_risk("30", user=users["smt"], title=f"T{value}", description=value)
    client = client_for("smt")
    text = client.get(reverse("risks:export_csv")).content.decode("utf-8-sig")
    # Every cell is quoted, so a reader keeps the separators inside the cell.
    line = text[text.index('"30",'):]
    line = line[:line.index('\r\n"')] if '\r\n"' in line else line
    assert not starts_a_formula(line)
    row = next(row for row in csv.reader(io.StringIO(text)) if row[0] == "30")
    assert row[3:5] == [neutralise(f"T{value}"), neutralise(value)]
    for delimiter in (";", "\t", "|"):
        for cells in csv.reader(io.StringIO(line), delimiter=delimiter):
            assert not any(cell.startswith(FORMULA_LEADS) for cell in cells), delimiter
    sheet = load_workbook(io.BytesIO(client.get(reverse("risks:export_xlsx")).content)).active
    row = next(cells for cells in sheet.iter_rows(min_row=2) if cells[0].value == "30")
    for cell in row[3:5]:
        assert cell.data_type == "s" and not starts_a_formula(cell.value)
