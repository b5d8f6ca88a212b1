"""Risk appetite in the paper (issue 17, part 4): the "Within appetite" column of Appendix 1,
the section of risks outside appetite with their plans, Appendix 4's category, appetite and
tolerance, in HTML, PDF and Word; and papers keep the settings they were built with."""

import io
import re
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from controls.models import Control
from organisation.current import forget
from organisation.models import AppetiteLevel, RiskCategory, ScoreBand
from organisation.services import save_setting, set_appetite
from publications.models import PublishedFile
from publications.publishing import publish_paper
from reports import rendering, services
from reports.formats import FORMATS
from riskregister.tracking import revisions_dated, save_tracked
from risks.models import AppetiteAcceptance, Owner, Risk
from tests.edit_helpers import form_values
from tests.factories import funding, make_risk
from tests.test_paper_docx import read as read_docx
from tests.test_pdf_tags import of_kind, struct_kids

pytestmark = pytest.mark.django_db


def noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def recorded_on(day):
    """Date the revisions written inside on `day` (noon), as if they had been made then."""
    return revisions_dated(noon(day))


@pytest.fixture
def financial_cautious(demo):
    """The risk manager sets the appetite for "financial": Cautious, tolerance 12 (as the issue's walk-through)."""
    return set_appetite(
        category=RiskCategory.objects.get(key="financial"), level=AppetiteLevel.objects.get(key="cautious"),
        statement="We accept some financial risk where the return is clear.", tolerance=12,
        approved_by="Audit Panel", approved_on=date(2017, 6, 20), user=demo["admin"], reason="Appetite for financial",
    )


def draft(paper, demo, meeting_date, **options):
    """A draft paper for `meeting_date`, started from the September paper, with `options` switched on."""
    new = services.create_paper(user=demo["author"], reason="Next quarter", meeting_date=meeting_date,
                                title="MOPAC Risk Management Report", copy_from=paper)
    if options:
        services.update_paper(paper_id=new.pk, expected_version=new.version, user=demo["author"],
                              reason="Appetite in the paper", **options)
        new.refresh_from_db()
    return new


@pytest.fixture
def december(paper, demo, financial_cautious):
    return draft(paper, demo, date(2017, 12, 15), appetite_column=True, outside_appetite_section=True)


def row_of(data, ref):
    return next(row for row in data["appendix_1"] if row["ref"] == ref)


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# The column --------------------------------------------------------------------

def test_the_column_says_no_for_adequate_funding_in_html_pdf_and_word(december):
    data = rendering.gather(december, restricted=False)
    assert row_of(data, "4")["appetite"]["within_label"] == "No"
    assert row_of(data, "2a")["appetite"]["within_label"] == "Yes"  # governance, 9 within 9
    assert row_of(data, "5")["appetite"]["within_label"] == "—"  # strategy has no appetite
    html = rendering.render_html(data)
    assert '<th scope="col">Within appetite</th>' in html
    funding_row = re.search(r'<th scope="row">4</th>.*?</tr>', html, re.S).group(0)
    assert "Adequate funding" in funding_row and '<td class="appetite">No</td>' in funding_row
    # PDF: the table reads in row order; risk 4's row ends with its cell.
    text = pdf_text(FORMATS["pdf"].export(data).content)
    assert "Within\nappetite" in text or "Within appetite" in text
    row_4 = text[text.index("4 ↔ No change Adequate funding"):text.index("5 ↔ No change Decision making")]
    assert row_4.split()[-1] == "No"
    # Word: a fifth column in the repeating header row.
    table = read_docx(FORMATS["docx"].export(data).content).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["Ref", "Risk trend", "Risk Description", "Risk owner",
                                                           "Within appetite"]
    (word_row,) = [row for row in table.rows if row.cells[0].text == "4"]
    assert word_row.cells[4].text == "No"


def test_the_column_header_is_tagged_as_a_column_header_in_the_pdf(december):
    reader = PdfReader(io.BytesIO(rendering.render_pdf(rendering.gather(december, restricted=False))))
    overview = of_kind(reader, "/Table")[0]
    (head,) = [kid for kid in struct_kids(overview) if kid["/S"] == "/THead"]
    (header_row,) = struct_kids(head)
    cells = struct_kids(header_row)
    assert len(cells) == 5 and all(cell["/S"] == "/TH" and cell["/A"]["/Scope"] == "/Column" for cell in cells)
    (body,) = [kid for kid in struct_kids(overview) if kid["/S"] == "/TBody"]
    assert all(len(struct_kids(row)) == 5 for row in struct_kids(body))


def test_the_column_is_off_unless_switched_on(paper, demo, financial_cautious):
    data = rendering.gather(draft(paper, demo, date(2017, 12, 15)), restricted=False)
    assert data["options"] == {"appetite_column": False, "outside_appetite_section": False}
    assert data["outside_appetite"] is None and "appetite" not in data["appendix_1"][0]
    html = rendering.render_html(data)
    assert "Within appetite" not in html and "Risks outside appetite" not in html
    assert read_docx(FORMATS["docx"].export(data).content).tables[0].rows[0].cells[-1].text == "Risk owner"


def test_the_september_paper_has_neither(paper):
    assert not paper.appetite_column and not paper.outside_appetite_section
    for restricted in (False, True):
        html = rendering.render_html(rendering.gather(paper, restricted=restricted))
        assert "Within appetite" not in html and "Risks outside appetite" not in html
        assert "overview--appetite" not in html and "col-appetite" not in html


# The section -------------------------------------------------------------------

def test_the_section_lists_the_risks_outside_appetite_with_no_plan(december):
    data = rendering.gather(december, restricted=False)
    outside = {risk["ref"]: risk for risk in data["outside_appetite"]}
    assert list(outside) == ["1", "3", "4", "7", "12"]
    assert outside["4"]["category"] == "Financial" and outside["4"]["tolerance"] == 12
    assert outside["4"]["has_plan"] is False
    html = rendering.render_html(data)
    section = html[html.index('id="outside-appetite"'):html.index('id="appendix-2"')]
    assert "Risk 4: Adequate funding" in section
    # The public pack prints no scores (they are the restricted Appendix 4's).
    assert ("Category: Financial (Cautious). Current score above the tolerance of 12 "
            "(the scores are in the restricted pack).") in section
    restricted_html = rendering.render_html(rendering.gather(december, restricted=True))
    assert "Category: Financial (Cautious). Current score 20 against a tolerance of 12." in restricted_html
    assert "No plan recorded." in section
    assert "come from the organisation's settings" in section
    text = pdf_text(FORMATS["pdf"].export(data).content)
    assert "Risks outside appetite" in text and "Risk 4: Adequate funding" in text and "No plan recorded." in text
    paragraphs = [p.text for p in read_docx(FORMATS["docx"].export(data).content).paragraphs]
    assert "Risks outside appetite" in paragraphs and "Risk 4: Adequate funding" in paragraphs
    assert "No plan recorded." in paragraphs


def test_the_section_shows_the_plan_as_it_stood_at_the_papers_date(paper, demo, financial_cautious):
    owner = Owner.objects.get(name="Siobhan Peters")
    with recorded_on(date(2017, 11, 1)):
        save_tracked(Control(risk=funding(), kind=Control.Kind.ACTION, name="Budget bid",
                             description="Bid to the GLA for the funding gap", owner=owner, lever="convening",
                             due_date=date(2018, 3, 31), status=Control.Status.PLANNED),
                     user=demo["smt"], reason="Action plan")
        save_tracked(AppetiteAcceptance(risk=Risk.objects.get(ref="12"), accepted_by="Chief Executive",
                                        reason="Criticism comes with the office", accepted_on=date(2017, 11, 1),
                                        expires_on=date(2018, 3, 31)),
                     user=demo["smt"], reason="Accepted")
    with recorded_on(date(2018, 1, 10)):  # after December's paper: not in it
        save_tracked(AppetiteAcceptance(risk=Risk.objects.get(ref="7"), accepted_by="Chief Executive",
                                        reason="Later", accepted_on=date(2018, 1, 10), expires_on=date(2018, 6, 30)),
                     user=demo["smt"], reason="Accepted")
    data = rendering.gather(draft(paper, demo, date(2017, 12, 15), outside_appetite_section=True), restricted=False)
    outside = {risk["ref"]: risk for risk in data["outside_appetite"]}
    assert outside["4"]["actions"] == [{"text": "Budget bid: Bid to the GLA for the funding gap", "owner": "Siobhan Peters",
                                        "due_date": "2018-03-31", "due_date_display": "31 March 2018"}]
    assert outside["12"]["acceptance"]["accepted_by"] == "Chief Executive" and outside["12"]["has_plan"]
    assert outside["7"]["acceptance"] is None and not outside["7"]["has_plan"]
    html = rendering.render_html(data)
    assert "Budget bid: Bid to the GLA for the funding gap – owner: Siobhan Peters; due: 31 March 2018" in html
    assert "Accepted by Chief Executive until 31 March 2018: Criticism comes with the office" in html
    paragraphs = [p.text for p in read_docx(FORMATS["docx"].export(data).content).paragraphs]
    assert "Budget bid: Bid to the GLA for the funding gap – owner: Siobhan Peters; due: 31 March 2018" in paragraphs


def test_the_public_snapshot_holds_no_scores(december):
    public = rendering.gather(december, restricted=False)
    assert all("score" not in row["appetite"] for row in public["appendix_1"])
    assert all("score" not in risk for risk in public["outside_appetite"])
    restricted = rendering.gather(december, restricted=True)
    assert {risk["ref"]: risk["score"] for risk in restricted["outside_appetite"]}["4"] == 20


# Appendix 4 --------------------------------------------------------------------

def test_appendix_4_states_each_risks_category_appetite_and_tolerance(december):
    data = rendering.gather(december, restricted=True)
    register = {risk["ref"]: risk for risk in data["appendix_4"]}
    assert register["4"]["appetite"]["category"] == "Financial" and register["4"]["appetite"]["tolerance"] == 12
    html = rendering.render_html(data)
    assert "category Financial; appetite Cautious, tolerance 12; current score 20, outside appetite" in html
    assert "category Governance; appetite Minimal, tolerance 9; current score 9, within appetite" in html
    assert "category Strategy; no appetite set for this category" in html
    text = " ".join(pdf_text(FORMATS["pdf"].export(data).content).split())
    assert "category Financial; appetite Cautious, tolerance 12; current score 20, outside appetite" in text
    paragraphs = [p.text for p in read_docx(FORMATS["docx"].export(data).content).paragraphs]
    assert "Appetite: category Financial; appetite Cautious, tolerance 12; current score 20, outside appetite." in paragraphs


def test_a_risk_with_no_category_says_so(december, demo):
    risk = funding()
    from risks import services as risk_services

    with recorded_on(date(2017, 11, 1)):
        risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                                  reason="No category", category=None)
    data = rendering.gather(december, restricted=True)
    assert row_of(data, "4")["appetite"]["within_label"] == "—"
    assert "4" not in [risk["ref"] for risk in data["outside_appetite"]]
    assert "Risk 4: Adequate funding" in rendering.render_html(data)  # Appendix 4 still lists it
    assert "no category recorded" in rendering.render_html(data)


# Settings as at the paper ------------------------------------------------------

def change_medium_band(user, *, lowest):
    """Medium starts at `lowest` (was 8), Low ends below it."""
    low, medium = ScoreBand.objects.get(key="low"), ScoreBand.objects.get(key="medium")
    low.highest, medium.lowest = lowest - 1, lowest
    save_setting(low, user=user, reason="Medium band narrowed")
    save_setting(medium, user=user, reason="Medium band narrowed")


def band_of(data, ref):
    return next(risk for risk in data["appendix_4"] if risk["ref"] == ref)["current"]["band_label"]


def test_a_band_change_shows_in_a_new_draft_and_not_in_a_published_paper(paper, demo):
    publication = publish_paper(paper_id=paper.pk, user=demo["author"])
    stored = {(f.pack, f.format): bytes(f.content) for f in PublishedFile.objects.filter(publication=publication)}
    assert band_of(rendering.gather(paper, restricted=True), "2a") == "Medium"  # current score 9
    change_medium_band(demo["admin"], lowest=10)
    new = draft(paper, demo, date(2017, 12, 15))
    data = rendering.gather(new, restricted=True)
    assert band_of(data, "2a") == "Low"
    assert {"key": "medium", "label": "Medium", "lowest": 10, "highest": 14, "colour": "#8a5a00",
            "pattern": "dashed"} in data["settings"]["bands"]
    assert "score 9 (Low)" in rendering.render_html(data)
    again = {(f.pack, f.format): bytes(f.content) for f in PublishedFile.objects.filter(publication=publication)}
    assert again == stored and len(stored) == 6
    assert "= 9 (Medium)" in " ".join(pdf_text(stored["restricted", "pdf"]).split())
    assert publication.restricted_snapshot["appendix_4"][1]["current"]["band_label"] == "Medium"


def test_a_draft_as_at_a_date_before_a_settings_change_uses_the_old_settings(paper, demo, financial_cautious):
    with recorded_on(date(2017, 1, 2)):  # the bands as they stood then, in their history
        for band in ScoreBand.objects.all():
            save_setting(band, user=demo["admin"], reason="Bands as set in 2017")
    with recorded_on(date(2018, 1, 10)):
        change_medium_band(demo["admin"], lowest=10)
    forget()
    december = rendering.gather(draft(paper, demo, date(2017, 12, 15)), restricted=True)
    march = rendering.gather(draft(paper, demo, date(2018, 3, 15)), restricted=True)
    assert band_of(december, "2a") == "Medium" and band_of(march, "2a") == "Low"
    assert [band["lowest"] for band in december["settings"]["bands"]] == [15, 8, 1]
    assert [band["lowest"] for band in march["settings"]["bands"]] == [15, 10, 1]


def test_an_appetite_changed_after_the_papers_date_is_not_in_it(paper, demo, financial_cautious):
    appetite = financial_cautious
    with recorded_on(date(2017, 6, 20)):
        save_setting(appetite, user=demo["admin"], reason="Appetite as approved in June 2017")
    with recorded_on(date(2018, 2, 1)):
        appetite.tolerance = 20
        save_setting(appetite, user=demo["admin"], reason="Tolerance raised")
    forget()
    december = draft(paper, demo, date(2017, 12, 15), appetite_column=True)
    march = draft(paper, demo, date(2018, 3, 15), appetite_column=True)
    assert row_of(rendering.gather(december, restricted=False), "4")["appetite"]["within_label"] == "No"
    assert row_of(rendering.gather(march, restricted=False), "4")["appetite"]["within_label"] == "Yes"


def test_gather_queries_do_not_grow_with_the_register(december, demo, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    financial = RiskCategory.objects.get(key="financial")
    owner = Owner.objects.get(name="Paul Wylie")
    with recorded_on(date(2017, 10, 2)):  # one plan with an owner already (whose name is one more query)
        save_tracked(Control(risk=funding(), kind=Control.Kind.ACTION, name="Bid", description="Bid to the GLA",
                             owner=owner, due_date=date(2018, 1, 31), status=Control.Status.PLANNED),
                     user=demo["admin"], reason="Plan")
    forget()
    with CaptureQueriesContext(connection) as before:
        rendering.gather(december, restricted=True)
    with recorded_on(date(2017, 10, 2)):
        for number in range(20, 40):  # outside appetite, half of them with a plan
            risk = make_risk(str(number), user=demo["admin"], opened_on=date(2017, 10, 2), category=financial,
                             current_likelihood=5, current_impact=4)
            if number % 2:
                save_tracked(Control(risk=risk, kind=Control.Kind.ACTION, name="Act", description="Do it",
                                     owner=owner, due_date=date(2018, 1, 31), status=Control.Status.PLANNED),
                             user=demo["admin"], reason="Plan")
    forget()
    with django_assert_num_queries(len(before.captured_queries)):
        data = rendering.gather(december, restricted=True)
    assert len(data["outside_appetite"]) == 25 and sum(risk["has_plan"] for risk in data["outside_appetite"]) == 11


# The edit page -----------------------------------------------------------------

def test_the_author_switches_the_options_on_in_the_edit_form(client_for, paper, demo):
    new = draft(paper, demo, date(2017, 12, 15))
    client = client_for("author")
    url = reverse("reports:edit", args=[new.pk])
    page = client.get(url).text
    assert "Add a column “Within appetite” to Appendix 1" in page
    assert "Add a section listing the risks outside appetite with their plans" in page
    assert 'aria-describedby="id_appetite_column_helptext"' in page
    values = form_values(page)
    values.update(appetite_column="on", outside_appetite_section="on", reason="Appetite for the panel")
    response = client.post(url, values)
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.appetite_column and new.outside_appetite_section
    record = new.history.latest()
    assert record.history_change_reason == "Appetite for the panel" and record.history_user == demo["author"]
    assert record.appetite_column and not record.prev_record.appetite_column


def test_a_stale_edit_of_the_options_is_a_conflict(client_for, paper, demo):
    new = draft(paper, demo, date(2017, 12, 15))
    client = client_for("author")
    url = reverse("reports:edit", args=[new.pk])
    values = form_values(client.get(url).text)
    services.update_paper(paper_id=new.pk, expected_version=new.version, user=demo["smt"], reason="Meanwhile",
                          outside_appetite_section=True)
    values.update(appetite_column="on", reason="Mine")
    response = client.post(url, values)
    assert response.status_code == 409 and "Someone else saved this paper" in response.text
    new.refresh_from_db()
    assert not new.appetite_column and new.outside_appetite_section
