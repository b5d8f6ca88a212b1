"""Draft housekeeping (issue 13, item 5): delete an unpublished draft with a reason,
start it again from the previous paper, and carried-over sections flagged."""

import re
from datetime import date

import pytest
from django.urls import reverse

from publications.publishing import publish_paper
from reports import services
from reports.models import Paper
from tests.edit_helpers import form_values


@pytest.fixture
def december(paper, demo):
    return services.create_paper(user=demo["author"], reason="Next quarter", meeting_date=date(2017, 12, 15),
                                 title="Risk report", copy_from=paper)


def test_start_from_the_previous_paper_is_ticked_by_default(client_for, paper):
    page = client_for("author").get(reverse("reports:create")).text
    checkbox = re.search(r'<input[^>]*name="copy_previous"[^>]*>', page)[0]
    assert "checked" in checkbox


def test_deleting_a_draft_needs_a_reason_and_is_recorded(client_for, december, demo):
    client = client_for("author")
    url = reverse("reports:delete", args=[december.pk])
    values = form_values(client.get(url).text)
    refused = client.post(url, {**values, "reason": "  "})
    assert refused.status_code == 200 and "Give a reason." in refused.text
    assert Paper.objects.filter(pk=december.pk).exists()
    response = client.post(url, {**values, "reason": "Created for the wrong meeting"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:list")
    assert not Paper.objects.filter(pk=december.pk).exists()
    deleted = Paper.history.filter(id=december.pk).latest()
    assert deleted.history_type == "-" and deleted.history_change_reason == "Created for the wrong meeting"
    assert deleted.history_user == demo["author"]


def test_a_published_paper_cannot_be_deleted_or_started_again(client_for, december, demo):
    publish_paper(paper_id=december.pk, user=demo["author"])
    client = client_for("author")
    for name in ("reports:delete", "reports:restart"):
        url = reverse(name, args=[december.pk])
        assert "has been published (version 1)" in client.get(url).text
        december.refresh_from_db()
        response = client.post(url, {"version": december.version, "reason": "Try anyway"})
        assert response.status_code == 400 and "has been published (version 1)" in response.text
    assert Paper.objects.filter(pk=december.pk).exists()


def test_a_stale_delete_is_a_conflict(client_for, december):
    response = client_for("author").post(reverse("reports:delete", args=[december.pk]),
                                         {"version": december.version - 1 or 99, "reason": "Old page"})
    assert response.status_code == 409 and Paper.objects.filter(pk=december.pk).exists()


def test_start_again_from_the_previous_paper(client_for, december, paper, demo):
    december.refresh_from_db()
    services.update_paper(paper_id=december.pk, expected_version=december.version, user=demo["author"],
                          reason="Drafting", summary="A false start.")
    client = client_for("author")
    url = reverse("reports:restart", args=[december.pk])
    response = client.post(url, {**form_values(client.get(url).text), "reason": "Begin again"})
    assert response.status_code == 302
    december.refresh_from_db()
    assert december.summary == paper.summary
    assert december.history.latest().history_change_reason == "Begin again"
    assert december.history.filter(summary="A false start.").exists()  # kept in the history


def test_carried_over_sections_are_flagged_until_confirmed_or_edited(client_for, december, paper):
    client = client_for("author")
    url = reverse("reports:edit", args=[december.pk])
    page = client.get(url).text
    assert 'id="carried-over-summary"' in page and "Carried over from 22 September 2017" in page
    values = form_values(page)
    values.update(summary="New words for December.", confirm_sections=["financial"], reason="Drafting")
    assert client.post(url, values).status_code == 302
    page = client.get(url).text
    assert 'id="carried-over-summary"' not in page  # edited
    assert 'id="carried-over-financial"' not in page  # confirmed still true
    assert 'id="carried-over-legal"' in page
    december.refresh_from_db()
    assert december.confirmed_sections == ["financial"]


def test_the_appendix_2_chooser_shows_each_risks_current_score_and_trend(client_for, paper):
    from risks.models import Risk

    page = client_for("author").get(reverse("reports:appendix_2", args=[paper.pk])).text
    assert "<th scope=\"col\">Current score</th>" in page and "<th scope=\"col\">Trend</th>" in page
    funding = Risk.objects.get(ref="4")
    row = page.split(f'id="id_include_{funding.pk}"')[1].split("</tr>")[0]
    assert f"{funding.current_score} ({funding.band[1]})" in row and funding.get_trend_display() in row


def test_reason_fields_start_empty_with_a_hint(client_for, paper):
    client = client_for("author")
    page = client.get(reverse("reports:edit", args=[paper.pk])).text
    reason = re.search(r'<input[^>]*name="reason"[^>]*>', page)[0]
    assert "value=" not in reason and "For example" in page
    response = client.post(reverse("reports:edit", args=[paper.pk]), {**form_values(page), "reason": ""})
    assert "Give a reason for the change." in response.text


def test_the_fixtures_governance_model_is_in_the_papers_own_words(paper):
    text = paper.governance_model
    assert text.startswith("MOPAC discharges the duties of the Mayor through three levers.")
    for note in ("seed", "diagram", "section 1.3"):
        assert note not in text
