"""Panel questions and actions (issue 15, item 1): recorded by the author, raised by a
panel member on the current published paper, answered by owners; every change a revision."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from panel.models import Alignment, DeepDive, PanelItem, Partner
from panel.services import raise_question, record_item
from publications import publishing
from reports.rendering import gather, render_html
from reports.services import create_paper
from risks.models import Owner, Risk
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication(paper, users):
    return publishing.publish_paper(paper_id=paper.pk, user=users["author"])


def item_post(paper, **overrides):
    data = {"paper": paper.pk, "kind": "request", "text": "More detail on mitigations of the funding risk.",
            "owner": Owner.objects.filter(active=True).order_by("pk").first().pk, "due_next_meeting": "on",
            "status": "open", "reason": "Minutes of the September meeting"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# A panel member's question -------------------------------------------------------------

def test_panel_member_raises_a_question_from_the_published_page(client_for, users, publication):
    client = client_for("panel")
    page = client.get(reverse("published:version", args=[publication.paper_id, publication.version]))
    ask = reverse("panel:ask", args=[publication.paper_id, publication.version])
    assert ask in page.content.decode()
    response = client.post(ask, {"text": "  How is knife crime tracked within risk 5?  "})
    item = PanelItem.objects.get(raised_by=users["panel"])
    assert response.status_code == 302 and response["Location"] == reverse("panel:detail", args=[item.pk])
    assert item.text == "How is knife crime tracked within risk 5?" and item.publication == publication
    assert item.status == "open" and item.kind == "question"
    record = item.history.get()
    assert record.history_user == users["panel"] and "panel member" in record.history_change_reason
    # It reaches the author's start page, and the panel member sees it on the paper's page.
    assert "How is knife crime tracked" in client_for("author").get(reverse("home")).content.decode()
    page = client_for("panel").get(reverse("published:version", args=[publication.paper_id, publication.version]))
    assert "How is knife crime tracked" in page.content.decode()


@pytest.mark.parametrize("text, message", [
    ("", "Enter your question."),
    ("   ", "Enter your question."),
    ("x" * 4001, "Keep it to 4,000 characters or fewer."),
])
def test_bad_questions_are_refused_with_the_text_kept(client_for, publication, text, message):
    response = client_for("panel").post(reverse("panel:ask", args=[publication.paper_id, publication.version]),
                                        {"text": text})
    assert response.status_code == 200 and message in response.content.decode()
    assert not PanelItem.objects.exists()


def test_a_question_on_a_superseded_version_is_refused(client_for, users, paper, publication):
    correction = publishing.publish_paper(paper_id=paper.pk, user=users["author"], reason="A correction")
    client = client_for("panel")
    old = reverse("panel:ask", args=[publication.paper_id, publication.version])
    page = client.get(old)
    assert "has been superseded" in page.content.decode() and b'name="text"' not in page.content
    response = client.post(old, {"text": "Why was it corrected?"})
    assert response.status_code == 200 and "superseded" in response.content.decode()
    assert not PanelItem.objects.exists()
    # Nothing lost: the typed question is kept, in a form that sends it to the current version.
    assert "Why was it corrected?" in response.content.decode()
    assert reverse("panel:ask", args=[correction.paper_id, correction.version]) in response.content.decode()


def test_no_question_on_an_unpublished_paper(client_for, paper):
    response = client_for("panel").post(reverse("panel:ask", args=[paper.pk, 1]), {"text": "A question"})
    assert response.status_code == 404 and not PanelItem.objects.exists()


@pytest.mark.parametrize("role", ["smt", "author"])
def test_only_panel_members_raise_questions(client_for, publication, role):
    response = client_for(role).post(reverse("panel:ask", args=[publication.paper_id, publication.version]),
                                     {"text": "A question"})
    assert response.status_code == 403 and not PanelItem.objects.exists()


def test_panel_members_see_only_their_own_questions(client_for, users, publication, paper):
    own = raise_question(publication=publication, text="Mine", user=users["panel"])
    other = PanelItem.objects.create(paper=paper, text="The author's record", raised_by=users["author"])
    client = client_for("panel")
    listing = client.get(reverse("panel:list")).content.decode()
    assert "Mine" in listing and "The author&#x27;s record" not in listing and "author's record" not in listing
    assert client.get(reverse("panel:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("panel:detail", args=[other.pk])).status_code == 404


def test_ask_refuses_other_methods(client_for, publication):
    response = client_for("panel").put(reverse("panel:ask", args=[publication.paper_id, publication.version]))
    assert response.status_code == 405


# The author's record -------------------------------------------------------------------

def test_author_records_an_action_with_risks_and_history(client_for, users, paper):
    risks = list(Risk.objects.open().order_by("pk")[:2])
    response = client_for("author").post(reverse("panel:create"),
                                         item_post(paper, risks=[risk.pk for risk in risks], restricted="on"))
    item = PanelItem.objects.get()
    assert response.status_code == 302
    assert set(item.risks.all()) == set(risks) and item.restricted and item.due_next_meeting
    assert item.history.filter(history_change_reason="Minutes of the September meeting").exists()
    assert item.history.first().history_user == users["author"]
    # The risk page lists it.
    page = client_for("smt").get(reverse("risks:detail", args=[risks[0].pk])).content.decode()
    assert "More detail on mitigations" in page


@pytest.mark.parametrize("overrides, message", [
    ({"text": ""}, "Enter the question or action."),
    ({"text": "y" * 4001}, "Keep it to 4,000 characters or fewer."),
    ({"due_date": "2017-12-12"}, "Give a date or the next meeting, not both."),
    ({"status": "answered"}, "Enter the answer before marking it answered."),
    ({"reason": ""}, "Enter the reason for the change."),
])
def test_bad_records_are_refused(client_for, paper, overrides, message):
    response = client_for("author").post(reverse("panel:create"), item_post(paper, **overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not PanelItem.objects.exists()


def test_a_retired_owner_may_not_answer(client_for, users, paper):
    owner = Owner.objects.filter(active=True).order_by("pk").first()
    owner.active = False
    owner.save()
    response = client_for("author").post(reverse("panel:create"), item_post(paper, owner=owner.pk))
    assert response.status_code == 200
    assert f"{owner.name} is retired" in response.content.decode()
    assert "More detail on mitigations" in response.content.decode()  # typed text kept
    assert not PanelItem.objects.exists()


def test_author_edits_with_a_version_and_a_stale_edit_is_a_conflict(client_for, users, paper):
    item = PanelItem.objects.create(paper=paper, text="First words", raised_by=users["author"])
    client = client_for("author")
    url = reverse("panel:edit", args=[item.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, item_post(paper, text="Second words", version=1)).status_code == 302
    item.refresh_from_db()
    assert item.text == "Second words" and item.version == 2
    stale = client.post(url, item_post(paper, text="Third words", version=1))
    assert stale.status_code == 200 and "Someone else changed this" in stale.content.decode()
    item.refresh_from_db()
    assert item.text == "Second words"


@pytest.mark.parametrize("role", ["panel", "smt"])
def test_only_authors_record(client_for, paper, role):
    response = client_for(role).post(reverse("panel:create"), item_post(paper))
    assert response.status_code == 403 and not PanelItem.objects.exists()


def test_create_refuses_other_methods(client_for):
    assert client_for("author").delete(reverse("panel:create")).status_code == 405


# Answering -----------------------------------------------------------------------------

def test_owner_answers_from_their_start_page(client_for, users, paper):
    owner = Owner.objects.get(user=users["smt"])  # the demo links smt to Siobhan Peters
    item = PanelItem.objects.create(paper=paper, text="Explain the dynamic approach", raised_by=users["author"],
                                    owner=owner)
    unrelated = PanelItem.objects.create(paper=paper, text="Someone else's action", raised_by=users["author"])
    client = client_for("smt")
    home = client.get(reverse("home")).content.decode()
    assert "Explain the dynamic approach" in home and "Someone else" not in home
    assert unrelated.status == "open"
    response = client.post(reverse("panel:answer", args=[item.pk]),
                           {"answer": "Set out in Appendix 2.", "reason": "Answered", "version": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "answered" and item.answer == "Set out in Appendix 2." and item.version == 2
    assert item.history.first().history_user == users["smt"]


def test_an_empty_answer_is_refused(client_for, users, paper):
    item = PanelItem.objects.create(paper=paper, text="A question", raised_by=users["author"])
    response = client_for("smt").post(reverse("panel:answer", args=[item.pk]),
                                      {"answer": " ", "reason": "Answered", "version": 1})
    assert response.status_code == 200 and "Enter the answer." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "open"


def test_panel_members_do_not_answer(client_for, users, paper):
    item = PanelItem.objects.create(paper=paper, text="A question", raised_by=users["panel"])
    response = client_for("panel").post(reverse("panel:answer", args=[item.pk]),
                                        {"answer": "Self-answered", "reason": "x", "version": 1})
    assert response.status_code == 403


# Carried into the next paper (item 2) ---------------------------------------------------

@pytest.fixture
def december(paper, users):
    return create_paper(user=users["author"], reason="Next meeting", meeting_date=date(2017, 12, 12),
                        title=paper.title, copy_from=paper)


def test_the_next_paper_carries_the_actions_public_and_restricted(users, paper, december, publication):
    funding = Risk.objects.get(title__icontains="funding")
    record_item(user=users["author"], reason="Minutes", paper=paper, kind="request", text="Mitigations in detail",
                status="answered", answer="Appendix 2 now gives them.", due_next_meeting=True, risks=[funding])
    record_item(user=users["author"], reason="Minutes", paper=paper, kind="resolution", text="A sensitive matter",
                restricted=True)
    public = gather(december, restricted=False)
    restricted = gather(december, restricted=True)
    assert public["panel_actions"]["meeting_date_display"] == "22 September 2017"
    assert [item["text"] for item in public["panel_actions"]["actions"]] == ["Mitigations in detail"]
    assert public["panel_actions"]["actions"][0]["risks"] == [funding.ref]
    assert len(restricted["panel_actions"]["actions"]) == 2
    html = render_html(public)
    assert "Actions from the meeting of 22 September 2017" in html and "Appendix 2 now gives them." in html
    assert "A sensitive matter" not in html and "A sensitive matter" in render_html(restricted)
    assert "A sensitive matter" in _docx_text(restricted) and "Mitigations in detail" in _docx_text(public)
    # The September paper has no meeting before it: nothing is added to it.
    assert gather(paper, restricted=True)["panel_actions"] is None


def test_a_snapshot_stored_before_the_key_still_renders(paper):
    old = gather(paper, restricted=False)
    del old["panel_actions"]
    assert "Actions from the meeting" not in render_html(old)
    assert _docx_text({**old, "restricted": False})


def _docx_text(data):
    from io import BytesIO

    from docx import Document

    from reports.formats.docx import render_docx
    return "\n".join(paragraph.text for paragraph in Document(BytesIO(render_docx(data))).paragraphs)


# Lever coverage (item 4) ---------------------------------------------------------------

def test_lever_coverage_page_marks_unused_levers_and_filters(client_for, users):
    client = client_for("smt")
    page = client.get(reverse("panel:levers")).content.decode()
    assert "Lever coverage" in page and "Unused" in page and "Convening partners" in page
    owner = Owner.objects.get(user=users["smt"])
    mine = client.get(reverse("panel:levers"), {"owner": owner.pk}).content.decode()
    others = [risk.title for risk in Risk.objects.open().exclude(ownerships__owner=owner)]
    assert others and not any(f">{title}</a>" in mine for title in others)
    bad = client.get(reverse("panel:levers"), {"band": "purple"})
    assert bad.status_code == 200 and "Choose a score band from the list." in bad.content.decode()


def test_lever_coverage_csv_neutralises_formulas(client_for, users):
    risk = Risk.objects.open().order_by("pk").first()
    from risks import services as risk_services
    risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Test",
                              title="=HYPERLINK(\"http://evil.example\")")
    response = client_for("author").get(reverse("panel:levers_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and '"Oversight: unused"' in text
    assert client_for("author").get(reverse("panel:levers_csv"), {"band": "purple"}).status_code == 400


def test_the_restricted_pack_prints_the_lever_matrix(paper):
    restricted = gather(paper, restricted=True)
    public = gather(paper, restricted=False)
    assert "lever_coverage" not in public
    assert len(restricted["lever_coverage"]["rows"]) == 15
    html = render_html(restricted)
    assert html.index("Lever coverage") > html.index("Appendix 3")
    assert "Lever coverage" in _docx_text(restricted)


# Deep dives (item 3) -------------------------------------------------------------------

def test_author_schedules_a_deep_dive_and_the_papers_show_it(client_for, users, paper, december):
    risk = Risk.objects.open().get(ref="4")
    response = client_for("author").post(reverse("panel:deep_dive_create"), {
        "risk": risk.pk, "paper": december.pk, "note": "Funding in depth", "reason": "Asked in September"})
    assert response.status_code == 302
    dive = DeepDive.objects.get()
    assert dive.history.get().history_change_reason == "Asked in September"
    september = render_html(gather(paper, restricted=False))
    assert "Deep dives at coming meetings" in september and "the meeting of 12 December 2017" in september
    public, restricted = (gather(december, restricted=flag) for flag in (False, True))
    assert public["deep_dives"]["at_this_meeting"] == [risk.pk]
    assert "(Deep dive at this meeting)" in render_html(public)
    assert f"Risk {risk.ref}: {risk.title} (deep dive at this meeting)" in render_html(restricted)
    assert "(Deep dive at this meeting)" in _docx_text_tables(public)


@pytest.mark.parametrize("which, message", [
    ("published", "already published"),
    ("twice", "already has a deep dive at that meeting"),
])
def test_bad_deep_dives_are_refused(client_for, users, paper, december, publication, which, message):
    risk = Risk.objects.open().get(ref="4")
    target = paper if which == "published" else december
    if which == "twice":
        DeepDive.objects.create(risk=risk, paper=december, requested_by=users["author"])
    response = client_for("author").post(reverse("panel:deep_dive_create"),
                                         {"risk": risk.pk, "paper": target.pk, "reason": "x"})
    assert response.status_code == 200 and message in response.content.decode()
    assert DeepDive.objects.count() == (1 if which == "twice" else 0)


@pytest.mark.parametrize("role", ["panel", "smt"])
def test_only_authors_schedule_deep_dives(client_for, paper, role):
    risk = Risk.objects.open().first()
    response = client_for(role).post(reverse("panel:deep_dive_create"),
                                     {"risk": risk.pk, "paper": paper.pk, "reason": "x"})
    assert response.status_code == 403 and not DeepDive.objects.exists()


def _docx_text_tables(data):
    from io import BytesIO

    from docx import Document

    from reports.formats.docx import render_docx
    document = Document(BytesIO(render_docx(data)))
    return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)


# Partner alignment (item 5) ------------------------------------------------------------

@pytest.fixture
def mps(users):
    from riskregister.tracking import save_tracked
    return save_tracked(Partner(name="Metropolitan Police Service"), user=users["admin"], reason="Partner")


def test_smt_links_a_partner_risk_shown_on_the_risk_page_in_the_register_filter_and_appendix_4(
        client_for, users, paper, mps):
    risk = Risk.objects.open().get(ref="4")
    client = client_for("smt")
    url = reverse("panel:risk_partners", args=[risk.pk])
    response = client.post(url, {"partner": mps.pk, "ref": "MPS-12", "title": "Budget pressure", "rating": "Red",
                                 "note": "Same funding gap", "reason": "Aligned at the SMT"})
    assert response.status_code == 302
    link = Alignment.objects.get()
    assert link.history.get().history_change_reason == "Aligned at the SMT"
    assert "MPS-12" in client.get(reverse("risks:detail", args=[risk.pk])).content.decode()
    aligned = client.get(reverse("risks:register"), {"aligned": "yes"}).content.decode()
    assert risk.title in aligned
    not_aligned = client.get(reverse("risks:register"), {"aligned": "no"}).content.decode()
    assert f">{risk.title}<" not in not_aligned
    restricted = render_html(gather(paper, restricted=True))
    assert "Partner alignment:</strong> Metropolitan Police Service MPS-12 Budget pressure (rated Red)" in restricted
    assert "1 of the 15 open risks is aligned with a partner" in render_html(gather(paper, restricted=False))
    from risks.workbook import export_workbook
    from openpyxl import load_workbook
    import io
    sheet = load_workbook(io.BytesIO(export_workbook()[2]))["Risks"]
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Metropolitan Police Service MPS-12 Budget pressure (rated Red)" in cells
    # The same partner risk twice: refused, with the typed values kept and nothing added.
    again = client.post(url, {"partner": mps.pk, "ref": "MPS-12", "reason": "Again"})
    assert again.status_code == 200 and "already linked to that partner risk" in again.content.decode()
    assert Alignment.objects.count() == 1 and 'value="MPS-12"' in again.content.decode()
    # Removing it is a revision too.
    assert client.post(reverse("panel:remove_alignment", args=[link.pk]), {"reason": "Wrong link"}).status_code == 302
    assert not Alignment.objects.exists()
    assert link.history.filter(history_type="-", history_change_reason="Wrong link").exists()


@pytest.mark.parametrize("role", ["panel", "author"])
def test_only_smt_editors_link_partner_risks(client_for, mps, role):
    risk = Risk.objects.open().first()
    response = client_for(role).post(reverse("panel:risk_partners", args=[risk.pk]),
                                     {"partner": mps.pk, "ref": "MPS-1", "reason": "x"})
    assert response.status_code == 403 and not Alignment.objects.exists()


def test_remove_alignment_is_a_post(client_for, mps):
    assert client_for("smt").get(reverse("panel:remove_alignment", args=[1])).status_code == 405


# The "done when", as a new user would try it ------------------------------------

def test_done_when(client_for, users, paper, december, publication):
    ask = reverse("panel:ask", args=[publication.paper_id, publication.version])
    assert client_for("panel").post(ask, {"text": "How is knife crime tracked?"}).status_code == 302
    author = client_for("author")
    owner = Owner.objects.get(user=users["smt"])
    for text in ("More detail on mitigations", "Explain the dynamic approach"):
        assert author.post(reverse("panel:create"), item_post(paper, text=text, owner=owner.pk)).status_code == 302
    risk_4 = Risk.objects.open().get(ref="4")
    assert author.post(reverse("panel:deep_dive_create"), {
        "risk": risk_4.pk, "paper": december.pk, "reason": "Asked in September"}).status_code == 302
    smt = client_for("smt")
    answered = PanelItem.objects.get(text="More detail on mitigations")
    assert "More detail on mitigations" in smt.get(reverse("home")).content.decode()
    assert smt.post(reverse("panel:answer", args=[answered.pk]),
                    {"answer": "Appendix 2 sets them out.", "reason": "Answered", "version": 1}).status_code == 302
    preview = client_for("author").get(reverse("reports:preview_restricted", args=[december.pk])).content.decode()
    assert "Actions from the meeting of 22 September 2017" in preview
    for words in ("More detail on mitigations", "Explain the dynamic approach", "Appendix 2 sets them out.",
                  "How is knife crime tracked?", "Lever coverage", "Unused", "(Deep dive at this meeting"):
        assert words in preview, words
    september = client_for("author").get(reverse("reports:preview", args=[paper.pk])).content.decode()
    assert "Deep dives at coming meetings" in september


# Emails, sent by the worker -----------------------------------------------------------------

def test_a_question_raised_reaches_the_authors_by_email(client_for, users, publication, mailoutbox):
    author = users["author"]
    author.email = "gemma.deadman@example.org"
    author.save()
    client_for("panel").post(reverse("panel:ask", args=[publication.paper_id, publication.version]),
                             {"text": "How is knife crime tracked?"})
    assert mailoutbox == []  # the worker sends it
    run_worker()
    (email,) = mailoutbox
    item = PanelItem.objects.get(raised_by=users["panel"])
    assert email.to == ["gemma.deadman@example.org"]
    assert "asked a question on the paper of 22 September 2017" in email.subject
    assert "How is knife crime tracked?" in email.body and f"/panel/{item.pk}/" in email.body
    html = email.alternatives[0].content
    assert f'href="{settings.SITE_URL}/panel/{item.pk}/"' in html and "<script" not in html


def test_the_owner_given_an_action_is_told_by_email_once(client_for, users, paper, mailoutbox):
    owner = Owner.objects.filter(active=True).exclude(email="").order_by("pk").first()
    client = client_for("author")
    client.post(reverse("panel:create"), item_post(paper, owner=owner.pk))
    run_worker()
    (email,) = mailoutbox
    assert email.to == [owner.email] and "For you to answer" in email.subject
    assert "More detail on mitigations of the funding risk." in email.body and "by the next meeting" in email.body
    # An edit that keeps the owner sends nothing more.
    item = PanelItem.objects.get()
    client.post(reverse("panel:edit", args=[item.pk]), {**item_post(paper, owner=owner.pk, text="Reworded"),
                                                        "version": item.version})
    run_worker()
    assert len(mailoutbox) == 1 and PanelItem.objects.get().text == "Reworded"
