"""Composing papers in the browser: each view by role, wrong method, bad input, side effects."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import services as paper_services
from reports.models import Paper, PaperRisk
from riskregister.tracking import revisions_dated
from risks import services as risk_services
from risks.models import Risk
from tests.edit_helpers import form_values, page_form
from tests.factories import make_risk

pytestmark = pytest.mark.django_db


def urls(paper):
    return {
        "list": reverse("reports:list"),
        "create": reverse("reports:create"),
        "edit": reverse("reports:edit", args=[paper.pk]),
        "appendix_2": reverse("reports:appendix_2", args=[paper.pk]),
        "preview": reverse("reports:preview", args=[paper.pk]),
        "preview_restricted": reverse("reports:preview_restricted", args=[paper.pk]),
        "pdf": reverse("reports:pdf", args=[paper.pk]),
        "pdf_restricted": reverse("reports:file_restricted", args=[paper.pk, "pdf"]),
    }


# Who may open what: tests/test_access_matrix.py, for every URL and role.


@pytest.mark.parametrize("name", ["list", "preview", "preview_restricted", "pdf", "pdf_restricted"])
def test_read_only_views_refuse_post(client_for, paper, name):
    assert client_for("author").post(urls(paper)[name]).status_code == 405


@pytest.mark.parametrize("name", ["create", "edit", "appendix_2"])
def test_forms_refuse_other_methods(client_for, paper, name):
    assert client_for("author").put(urls(paper)[name]).status_code == 405
    assert client_for("author").delete(urls(paper)[name]).status_code == 405


def test_smt_cannot_post_edits(client_for, paper):
    assert client_for("smt").post(urls(paper)["edit"], {"title": "x"}).status_code == 403
    assert client_for("panel").post(urls(paper)["appendix_2"], {}).status_code == 403


def test_nav_link_and_list(client_for, paper):
    response = client_for("author").get(reverse("home"))
    assert reverse("reports:list") in response.text
    assert reverse("reports:list") not in client_for("panel").get(reverse("home")).text
    listing = client_for("author").get(urls(paper)["list"])
    assert "22 September 2017" in listing.text and urls(paper)["edit"] in listing.text


def test_pdf_downloads(client_for, paper):
    response = client_for("author").get(urls(paper)["pdf"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="audit-panel-2017-09-22-public-draft.pdf"' in response["Content-Disposition"]
    restricted = client_for("smt").get(urls(paper)["pdf_restricted"])
    assert restricted.status_code == 200 and restricted.content.startswith(b"%PDF")
    assert "restricted-draft.pdf" in restricted["Content-Disposition"]


def test_preview_shows_the_paper_and_links(client_for, paper):
    response = client_for("author").get(urls(paper)["preview"])
    assert response.status_code == 200
    assert "Appendix 1: MOPAC corporate risk overview" in response.text
    assert '<span class="trend__glyph" aria-hidden="true">↕</span> <span class="trend__word">Fluctuating</span>' in response.text
    assert "Appendix 4: MOPAC Risk Register" not in response.text
    assert urls(paper)["preview_restricted"] in response.text
    restricted = client_for("author").get(urls(paper)["preview_restricted"])
    assert "Appendix 4: MOPAC Risk Register (Restricted)" in restricted.text
    assert "style=" not in response.text and "<script" not in response.text  # CSP: no inline styles or scripts


def test_preview_queries_do_not_grow_with_the_register(client_for, paper, demo, django_assert_max_num_queries):
    client = client_for("author")
    client.get(urls(paper)["preview_restricted"])
    # 20 for the paper and its register; 12 for the organisation's settings as at the paper's day (name, bands,
    # levers, categories, appetite scale, appetites: each read from its history and, where the history does not
    # reach back that far, as it is now).
    with django_assert_max_num_queries(32) as before:
        client.get(urls(paper)["preview_restricted"])
    for number in range(20, 40):
        make_risk(str(number), user=demo["admin"])
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(urls(paper)["preview_restricted"])


# Create ---------------------------------------------------------------------

def test_create_a_paper_from_the_previous_one(client_for, paper, demo):
    response = client_for("author").post(urls(paper)["create"], {
        "meeting_date": "2017-12-15", "panel": "Audit Panel", "title": "MOPAC Risk Management Report",
        "report_by": "Chief Executive Officer", "copy_previous": "on",
    })
    new = Paper.objects.get(meeting_date="2017-12-15")
    assert response.status_code == 302 and response["Location"] == reverse("reports:edit", args=[new.pk])
    assert new.summary == paper.summary and new.key_considerations == paper.key_considerations
    assert list(new.choices.values_list("risk__ref", flat=True)) == ["1", "4", "5", "8", "14"]
    record = new.history.earliest()
    assert record.history_user == demo["author"] and record.history_change_reason == "Paper created in the browser"


def test_create_without_copying_starts_empty(client_for, paper):
    client_for("author").post(urls(paper)["create"], {
        "meeting_date": "2017-12-15", "panel": "Audit Panel", "title": "Risk report", "report_by": "CEO",
    })
    new = Paper.objects.get(meeting_date="2017-12-15")
    assert new.summary == "" and not new.choices.exists()


@pytest.mark.parametrize("changes,field,message", [
    ({"meeting_date": "2017-09-22"}, "meeting_date", "There is already a paper for a meeting on this date."),
    ({"title": ""}, "title", "Enter a title."),
    ({"meeting_date": "2017-02-30"}, "meeting_date", "Enter a real date"),
])
def test_create_refuses_bad_input(client_for, paper, changes, field, message):
    data = {"meeting_date": "2017-12-15", "panel": "Audit Panel", "title": "Risk report", "report_by": "CEO", **changes}
    response = client_for("author").post(urls(paper)["create"], data)
    assert response.status_code == 200
    assert message in response.text and "There is a problem" in response.text
    assert f'href="#id_{field}"' in response.text
    assert Paper.objects.count() == 1


# Edit -----------------------------------------------------------------------

def edit_data(paper, **changes):
    """The edit page's form as the author would submit it now, changed by `changes`."""
    return {**page_form(urls(paper)["edit"], username="author"), "reason": "Edited in a test", **changes}


def test_edit_page_shows_references_as_refs_and_lists_refs_to_copy(client_for, paper):
    response = client_for("author").get(urls(paper)["edit"])
    funding = Risk.objects.get(ref="4")
    assert "[[risk:" not in response.text  # no internal codes, in the text or in a table
    values = form_values(response.text)
    assert "the risk on sufficient funding ([[4]]) has a domino effect" in values["key_considerations"]
    assert f"<tr><td>4</td><td>{funding.title}</td></tr>" in response.text
    assert values["version"] == str(paper.version)


def test_a_typed_ref_round_trips(client_for, paper, demo):
    client = client_for("author")
    data = form_values(client.get(urls(paper)["edit"]).text)
    data.update(summary="As [[2b]] shows, and [[2A]] too.", reason="Cross-references")
    response = client.post(urls(paper)["edit"], data)
    assert response.status_code == 302
    paper.refresh_from_db()
    two_b, two_a = Risk.objects.get(ref="2b"), Risk.objects.get(ref="2a")
    assert paper.summary == f"As [[risk:{two_b.pk}]] shows, and [[risk:{two_a.pk}]] too."
    assert paper.history.latest().history_change_reason == "Cross-references"
    assert "As Risk 2b shows, and Risk 2a too." in client.get(urls(paper)["preview"]).text
    assert form_values(client.get(urls(paper)["edit"]).text)["summary"] == "As [[2b]] shows, and [[2a]] too."


def test_edit_saves_with_history_and_the_reference_follows_a_renumbered_risk(client_for, paper, demo):
    funding = Risk.objects.get(title="Adequate funding")
    client = client_for("author")
    # The author clears the suggested cut-off (the review round's deadline): as at the meeting date.
    response = client.post(urls(paper)["edit"], edit_data(paper, legal="See [[4]] for funding.", cutoff_date=""))
    assert response.status_code == 302
    before = paper.version
    paper.refresh_from_db()
    assert paper.version == before + 1 and paper.legal == f"See [[risk:{funding.pk}]] for funding."
    latest = paper.history.latest()
    assert latest.history_user == demo["author"] and latest.history_change_reason == "Edited in a test"
    assert "See Risk 4 for funding." in client.get(urls(paper)["preview"]).text
    risk_services.update_risk(risk_id=funding.pk, expected_version=funding.version, user=demo["smt"],
                              reason="Renumbered", ref="40")
    # Renumbered today: the paper shows the register as at its meeting, where it was risk 4.
    assert "See Risk 4 for funding." in client.get(urls(paper)["preview"]).text
    with revisions_dated(timezone.make_aware(datetime(2017, 9, 10, 12))):
        risk_services.update_risk(risk_id=funding.pk, expected_version=funding.version + 1, user=demo["smt"],
                                  reason="Renumbered before the meeting", ref="41")
    assert "See Risk 41 for funding." in client.get(urls(paper)["preview"]).text


def test_text_stored_with_internal_codes_keeps_working(client_for, paper):
    funding = Risk.objects.get(title="Adequate funding")
    response = client_for("author").post(urls(paper)["edit"], edit_data(paper, legal=f"See [[risk:{funding.pk}]]."))
    assert response.status_code == 302
    assert Paper.objects.get(pk=paper.pk).legal == f"See [[risk:{funding.pk}]]."
    assert "See Risk 4." in client_for("author").get(urls(paper)["preview"]).text


@pytest.mark.parametrize("text,message", [
    # The form holds the review round's deadline as the suggested cut-off, so refs are checked as at it.
    ("See [[99]] for funding.", "[[99]]: there is no risk 99 open as at 8 September 2017 (the paper&#x27;s cut-off date)"),
    ("See [[ ]].", "A cross-reference is empty: “[[ ]]”"),
    ("See [[[[2a]]]].", "A cross-reference cannot contain another: “See [[[[2a]]]]"),
    ("See [[2a for funding.", "This cross-reference is not closed: “See [[2a for f"),
    ("See [[ref:4]].", "“[[ref:4]]” is not a risk&#x27;s ref"),
    ("See [[risk:999999]].", "refers to a risk no longer in the register"),
    ("<b>Bold</b> claim", "Write plain text"),
    ("<style>body{display:none}</style>", "Write plain text"),
])
def test_edit_refuses_bad_narrative(client_for, paper, text, message):
    response = client_for("author").post(urls(paper)["edit"], edit_data(paper, financial=text, summary="Now [[2b]]."))
    assert response.status_code == 200
    assert message in response.text and 'href="#id_financial"' in response.text
    assert "&lt;" in response.text or "[[" in response.text  # what was typed is kept (escaped)
    assert form_values(response.text)["summary"] == "Now [[2b]]."
    saved = Paper.objects.get(pk=paper.pk)
    assert saved.version == paper.version and saved.summary == paper.summary  # nothing saved, not even the good section
    assert text not in saved.financial


def test_edit_refuses_a_reference_to_a_closed_risk(client_for, paper, demo):
    risk = Risk.objects.get(ref="12")
    risk_services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Closed")
    later = paper_services.create_paper(user=demo["author"], reason="Next", title="Next",
                                        meeting_date=timezone.localdate() + timedelta(days=60))
    response = client_for("author").post(urls(later)["edit"], edit_data(later, legal="[[12]]"))
    assert "[[12]]: there is no risk 12 open as at" in response.text
    assert f"<tr><td>12</td><td>{risk.title}</td></tr>" not in response.text  # not offered in the list
    assert Paper.objects.get(pk=later.pk).version == later.version
    response = client_for("author").post(urls(later)["edit"], edit_data(later, legal=f"[[risk:{risk.pk}]]"))
    assert "[[12]] refers to a closed risk (Risk 12, closed on" in response.text
    # The September 2017 paper may still refer to it: it was open on that meeting date.
    response = client_for("author").post(urls(paper)["edit"], edit_data(paper, legal="[[12]]"))
    assert response.status_code == 302
    assert Paper.objects.get(pk=paper.pk).legal == f"[[risk:{risk.pk}]]"


def test_edit_refuses_a_reference_to_a_risk_raised_after_the_meeting(client_for, paper, demo):
    risk = make_risk("20", user=demo["smt"])  # raised today
    # The author clears the suggested cut-off (the review round's deadline): as at the meeting date.
    response = client_for("author").post(urls(paper)["edit"], edit_data(paper, legal="[[20]]", cutoff_date=""))
    assert "[[20]]: there is no risk 20 open as at 22 September 2017" in response.text
    assert f"<tr><td>20</td><td>{risk.title}</td></tr>" not in response.text
    response = client_for("author").post(urls(paper)["edit"], edit_data(paper, legal=f"[[risk:{risk.pk}]]", cutoff_date=""))
    assert "[[20]] refers to Risk 20, raised after the meeting date" in response.text
    assert Paper.objects.get(pk=paper.pk).version == paper.version


def test_edit_refuses_an_empty_title(client_for, paper):
    response = client_for("author").post(urls(paper)["edit"], edit_data(paper, title=""))
    assert "Enter a title." in response.text
    assert Paper.objects.get(pk=paper.pk).title == "MOPAC Risk Management Report"


def test_a_stale_edit_is_a_conflict(client_for, paper):
    client = client_for("author")
    stale = edit_data(paper, legal="My change")
    assert client.post(urls(paper)["edit"], edit_data(paper, legal="Their change")).status_code == 302
    response = client.post(urls(paper)["edit"], stale)
    assert response.status_code == 409
    assert "Someone else saved this paper" in response.text and "My change" in response.text
    assert Paper.objects.get(pk=paper.pk).legal == "Their change"


# Appendix 2 -----------------------------------------------------------------

def appendix_data(paper, picks, **extra):
    data = {"version": paper.version, "reason": "Chose the risks"}
    for position, risk in enumerate(picks, start=1):
        data[f"include_{risk.pk}"] = "on"
        data[f"order_{risk.pk}"] = position
    data.update(extra)
    return data


def test_choose_and_order_appendix_2(client_for, paper, demo):
    picks = [Risk.objects.get(ref=ref) for ref in ("9", "1", "4")]
    response = client_for("author").post(urls(paper)["appendix_2"], appendix_data(paper, picks))
    assert response.status_code == 302
    assert list(paper.choices.values_list("risk__ref", flat=True)) == ["9", "1", "4"]
    assert PaperRisk.history.filter(history_type="-").count() == 3  # 5, 8 and 14 removed, with history
    assert PaperRisk.history.latest().history_user == demo["author"]
    preview = client_for("author").get(urls(paper)["preview"]).text
    assert preview.index("<h3>Capacity and capability</h3>") < preview.index("<h3>Vulnerability</h3>")


def test_appendix_2_refuses_a_risk_closed_before_the_meeting(client_for, paper, demo):
    risk = Risk.objects.get(ref="8")
    later = paper_services.create_paper(user=demo["author"], reason="Next", title="Next", copy_from=paper,
                                        meeting_date=timezone.localdate() + timedelta(days=60))
    risk_services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Closed")
    page = client_for("author").get(urls(later)["appendix_2"])
    assert "(closed)" in page.text
    picks = [Risk.objects.get(ref=ref) for ref in ("1", "8")]
    response = client_for("author").post(urls(later)["appendix_2"], appendix_data(later, picks))
    assert response.status_code == 200 and "Risk 8 was not open on the meeting date" in response.text
    assert list(later.choices.values_list("risk__ref", flat=True)) == ["1", "4", "5", "8", "14"]


def test_appendix_2_of_an_earlier_meeting_keeps_a_risk_closed_since(client_for, paper, demo):
    risk = Risk.objects.get(ref="8")
    risk_services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Closed")
    page = client_for("author").get(urls(paper)["appendix_2"])
    assert "(closed)" not in page.text
    picks = [Risk.objects.get(ref=ref) for ref in ("8", "1")]
    response = client_for("author").post(urls(paper)["appendix_2"], appendix_data(paper, picks))
    assert response.status_code == 302
    assert list(paper.choices.values_list("risk__ref", flat=True)) == ["8", "1"]
    assert "<h3>CJ Devolution</h3>" in client_for("author").get(urls(paper)["preview"]).text


def test_appendix_2_refuses_a_risk_raised_after_the_meeting(client_for, paper, demo):
    newcomer = make_risk("15", user=demo["admin"])
    page = client_for("author").get(urls(paper)["appendix_2"])
    assert f"include_{newcomer.pk}" not in page.text  # not offered
    picks = [Risk.objects.get(ref="1"), newcomer]
    response = client_for("author").post(urls(paper)["appendix_2"], appendix_data(paper, picks))
    assert response.status_code == 302  # a risk the page does not offer is ignored
    assert list(paper.choices.values_list("risk__ref", flat=True)) == ["1"]
    paper.refresh_from_db()
    with pytest.raises(ValidationError, match="Risk 15 was not open on the meeting date"):
        paper_services.set_appendix_2(paper_id=paper.pk, expected_version=paper.version, risks=picks,
                                      user=demo["author"], reason="x")


def test_appendix_2_refuses_bad_order_and_stale_versions(client_for, paper):
    picks = [Risk.objects.get(ref="1")]
    response = client_for("author").post(urls(paper)["appendix_2"], appendix_data(paper, picks, **{f"order_{picks[0].pk}": "first"}))
    assert response.status_code == 200 and "Enter a whole number." in response.text
    response = client_for("author").post(urls(paper)["appendix_2"], appendix_data(paper, picks, version=paper.version - 1 or 99))
    assert response.status_code == 409
    assert paper.choices.count() == 5


@pytest.mark.parametrize("name", ["list", "edit", "appendix_2"])
def test_compose_pages_queries_do_not_grow_with_the_register(client_for, paper, demo, name, django_assert_max_num_queries):
    client = client_for("author")
    client.get(urls(paper)[name])
    with django_assert_max_num_queries(25) as before:
        assert client.get(urls(paper)[name]).status_code == 200
    for number in range(20, 30):
        make_risk(str(number), user=demo["admin"])
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(urls(paper)[name])
