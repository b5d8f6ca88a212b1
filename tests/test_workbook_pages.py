"""The register workbook on the web: download, upload, preview, confirm with a reason."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from risks import services
from risks.models import Risk
from tests.test_workbook import add_risk, edited, set_cell

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, content, name="register.xlsx"):
    return client.post(reverse("risks:import"), {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page)[1]


def confirm(client, page, reason="Spreadsheet review"):
    return client.post(reverse("risks:import_preview"), {
        "reason": reason, "plan": hidden(page, "plan"), "upload": hidden(page, "upload"),
    })


def a_title_and_a_new_risk(workbook):
    set_cell(workbook["Risks"], "4", "Title", "Adequate funding (revised)")
    add_risk(workbook["Risks"])


def test_register_page_links_the_workbook_for_editors_only(client_for):
    page = client_for("smt").get(reverse("risks:register")).text
    for name in ("risks:workbook", "risks:workbook_template", "risks:import"):
        assert f'href="{reverse(name)}"' in page
    assert reverse("risks:import") not in client_for("author").get(reverse("risks:register")).text


def test_workbook_and_template_downloads(client_for):
    client = client_for("smt")
    response = client.get(reverse("risks:workbook"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert 'attachment; filename="risk-register-workbook-' in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content))["Risks"].max_row == Risk.objects.count() + 1
    template = client.get(reverse("risks:workbook_template"))
    assert load_workbook(io.BytesIO(template.content))["Risks"].max_row == 1


def test_upload_preview_confirm_writes_both_with_the_reason(demo, client_for):
    client = client_for("smt")
    response = upload(client, edited(a_title_and_a_new_risk))
    assert response.status_code == 302 and response["Location"] == reverse("risks:import_preview")
    preview = client.get(reverse("risks:import_preview"))
    page = preview.text
    assert preview.status_code == 200 and "1 new, 1 changed," in page and "0 errors" in page
    assert "Adequate funding (revised)" in page and "New: Risk 16: Cyber attack" in page
    assert not Risk.objects.filter(ref="16").exists()  # a preview writes nothing
    done = confirm(client, page)
    assert done.status_code == 302 and done["Location"] == reverse("risks:register")
    risk, new = Risk.objects.get(ref="4", status="open"), Risk.objects.get(ref="16")
    assert risk.title == "Adequate funding (revised)"
    for changed in (risk, new):
        revision = changed.history.first()
        assert (revision.history_user, revision.history_change_reason) == (demo["smt"], "Spreadsheet review")
    # The upload is gone from the session once written.
    assert client.get(reverse("risks:import_preview"))["Location"] == reverse("risks:import")


def test_confirming_needs_a_reason(client_for):
    client = client_for("smt")
    upload(client, edited(a_title_and_a_new_risk))
    page = client.get(reverse("risks:import_preview")).text
    response = confirm(client, page, reason="  ")
    assert response.status_code == 400 and "Enter" in response.text and "reason" in response.text.lower()
    assert not Risk.objects.filter(ref="16").exists()


def test_a_register_changed_since_the_preview_is_previewed_again(demo, client_for):
    client = client_for("smt")
    upload(client, edited(a_title_and_a_new_risk))
    page = client.get(reverse("risks:import_preview")).text
    risk = Risk.objects.get(ref="4", status="open")
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["admin"], reason="Meanwhile",
                         description="Changed meanwhile")
    response = confirm(client, page)
    assert response.status_code == 409 and "The register changed since your preview" in response.text
    assert not Risk.objects.filter(ref="16").exists()


def test_a_bad_file_shows_its_problems_and_no_confirm_button(client_for):
    client = client_for("smt")
    upload(client, edited(lambda workbook: set_cell(workbook["Risks"], "4", "Next review", "31/02/2018")))
    page = client.get(reverse("risks:import_preview")).text
    assert "“31/02/2018” is not a real date" in page and "Import these changes" not in page
    assert "<title>Error: Preview the import" in page
    # Even a forged confirmation writes nothing while the file has problems.
    before = {risk.pk: risk.version for risk in Risk.objects.all()}
    response = client.post(reverse("risks:import_preview"), {"reason": "Forced", "plan": "x", "upload": "y"})
    assert response.status_code == 409 and "Import these changes" not in response.text
    assert {risk.pk: risk.version for risk in Risk.objects.all()} == before


def test_a_renamed_pdf_is_refused_with_a_message(client_for):
    client = client_for("smt")
    upload(client, b"%PDF-1.7 not a workbook")
    page = client.get(reverse("risks:import_preview")).text
    assert "not an Excel workbook (.xlsx)" in page and "Import these changes" not in page


@pytest.mark.parametrize("name,content,message", [
    ("register.pdf", b"%PDF-1.7", "must be an Excel workbook (.xlsx) or a CSV file"),
    ("register.xlsx", b"", "The chosen file is empty"),
])
def test_upload_form_errors_keep_the_page(client_for, name, content, message):
    response = upload(client_for("smt"), content, name=name)
    assert response.status_code == 400 and message in response.text and "There is a problem" in response.text


def test_a_file_over_5_mb_is_refused_before_it_is_read(client_for):
    response = upload(client_for("smt"), b"PK" + b"0" * (5 * 1024 * 1024 + 70 * 1024))
    assert response.status_code == 400 and "larger than 5 MB" in response.text


def test_wrong_method(client_for):
    assert client_for("smt").put(reverse("risks:import")).status_code == 405
    assert client_for("smt").post(reverse("risks:workbook")).status_code == 405
