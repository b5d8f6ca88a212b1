"""CSV and XLSX exports: exactly the filtered rows, safe against formula injection."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from risks.exports import COLUMNS, neutralise
from risks.models import Owner, Risk, band_for
from tests.factories import make_owner, make_risk

HEADINGS = [heading for heading, _ in COLUMNS]


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.django_db
def test_csv_has_the_filtered_rows_a_good_name_and_type(client_for):
    response = client_for("author").get(reverse("risks:export_csv"), {"band": "high"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="risk-register-{timezone.localdate():%Y-%m-%d}.csv"'
    rows = read_csv(response)
    expected = [risk for risk in Risk.objects.open() if band_for(risk.current_score)[0] == "high"]
    assert rows[0] == HEADINGS
    assert [row[0] for row in rows[1:]] == [risk.ref for risk in expected]
    funding = dict(zip(HEADINGS, next(row for row in rows if row[0] == "4")))
    assert funding["Title"] == "Adequate funding" and funding["Current score"] == "20" and funding["Band"] == "High"
    assert funding["Trend"] == "No change" and funding["Owners"] == "Siobhan Peters" and funding["Status"] == "Open"


@pytest.mark.django_db
def test_xlsx_reads_back_with_the_same_rows_as_the_page(client_for):
    client = client_for("smt")
    owner = Owner.objects.get(name="Sam Cunningham")
    params = {"owner": owner.pk, "trend": "no_change"}
    page = client.get(reverse("risks:register"), params)
    response = client.get(reverse("risks:export_xlsx"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"') and "risk-register-" in response["Content-Disposition"]
    sheet, rows = read_xlsx(response)
    assert sheet.title == "Risk register"
    assert rows[0] == HEADINGS
    assert [row[0] for row in rows[1:]] == [row.ref for row in page.context["risks"]]
    assert len(rows) - 1 == len(page.context["risks"]) > 0
    assert all(isinstance(row[HEADINGS.index("Current score")], int) for row in rows[1:])


@pytest.mark.django_db
def test_empty_filter_result_exports_just_the_headings(client_for):
    response = client_for("smt").get(reverse("risks:export_csv"), {"q": "nothing-matches-this"})
    assert read_csv(response) == [HEADINGS]


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t'=1"), ("\r=1", "'\r'=1"), ("Plain", "Plain"), ("a=b", "a=b"), (12, 12), ("", ""),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.django_db
def test_formula_injection_is_neutralised_in_both_formats(client_for, users):
    hostile = make_owner("@cmd|' /C calc'!A0", user=users["smt"])
    make_risk("30", user=users["smt"], owners=[hostile], title='=HYPERLINK("http://evil.example","x")',
              description="+1+1 Failure to check inputs")
    client = client_for("smt")
    params = {"owner": hostile.pk}
    row = dict(zip(HEADINGS, read_csv(client.get(reverse("risks:export_csv"), params))[1]))
    assert row["Title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["Description"] == "'+1+1 Failure to check inputs"
    assert row["Owners"] == "'@cmd|' /C calc'!A0"
    sheet, rows = read_xlsx(client.get(reverse("risks:export_xlsx"), params))
    title = sheet.cell(row=2, column=HEADINGS.index("Title") + 1)
    assert title.value.startswith("'=") and title.data_type == "s"
    values = dict(zip(HEADINGS, rows[1]))
    assert values["Description"].startswith("'+") and values["Owners"].startswith("'@")
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)
