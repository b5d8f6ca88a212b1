"""What changed since the previous paper, while drafting (issue 13, item 3): on the draft's
page, by the published page's code, and as an optional section of the paper."""

from datetime import date

import pytest
from django.urls import reverse

from publications.publishing import publish_paper
from reports import rendering, services
from reports.changes import compare
from reports.rendering import changes_since_previous
from reports.formats import FORMATS
from risks import services as risk_services
from risks.models import Risk
from tests.test_paper_docx import read as read_docx
from tests.test_paper_appetite import financial_cautious  # noqa: F401  (a fixture)
from tests.test_paper_rendering import recorded_on, review


@pytest.fixture
def december(paper, demo):
    """December 2017's draft, after a review of risk 4 (trend up, score 9) and risk 1's description reworded."""
    draft = services.create_paper(user=demo["author"], reason="Next quarter", meeting_date=date(2017, 12, 15),
                                  title="Risk report", copy_from=paper)
    with recorded_on(date(2017, 11, 1)):
        review(Risk.objects.get(ref="4"), demo["smt"], date(2017, 11, 1), "increasing")
        first = Risk.objects.get(ref="1")
        risk_services.update_risk(risk_id=first.pk, expected_version=first.version, user=demo["smt"],
                                  reason="Reworded", description="Reworded in November.")
    return draft


def test_scores_and_descriptions_are_compared_only_between_restricted_packs():
    def pack(restricted, score, description):
        row = {"id": 1, "ref": "1", "title": "Funding", "description": description, "owners": "A",
               "trend": "no_change", "trend_label": "No change", "glyph": "↔"}
        register = [{"id": 1, "current": {"score": score, "band_label": "Medium"}, "controls": []}]
        return {"restricted": restricted, "appendix_1": [row], "appendix_2": [], "appendix_4": register if restricted else None}

    restricted = compare(pack(True, 6, "old"), pack(True, 9, "new"))
    assert restricted["scores"] == [{"ref": "1", "title": "Funding", "old": 6, "old_band": "Medium", "new": 9,
                                     "new_band": "Medium", "direction": "up"}]
    assert restricted["descriptions"] == [{"ref": "1", "title": "Funding", "old": "old", "new": "new"}]
    public = compare(pack(False, 6, "old"), pack(False, 9, "new"))
    assert public["scores"] == [] and public["descriptions"] == []


def test_the_draft_page_shows_what_changed_since_the_unpublished_previous_paper(client_for, december):
    page = client_for("author").get(reverse("reports:edit", args=[december.pk])).text
    assert "What changed since the paper of 22 September 2017" in page
    assert "that paper as it would print now (it has not been published)" in page
    assert "Trend changes" in page and "Risk 4 (" in page
    # The author may see the restricted pack: scores and descriptions too.
    assert "Score movements (restricted)" in page
    assert "Description changes (restricted)" in page and "Reworded in November." in page


def test_the_first_paper_has_nothing_to_compare_with(client_for, paper):
    page = client_for("author").get(reverse("reports:edit", args=[paper.pk])).text
    assert "What changed since" not in page


def test_compared_with_the_previous_papers_latest_publication(december, paper, demo):
    publication = publish_paper(paper_id=paper.pk, user=demo["author"])
    since = changes_since_previous(december, restricted=False)
    assert since["previous"]["version"] == publication.version
    assert [c["ref"] for c in since["changes"]["trends"]] == ["4"]
    assert since["changes"]["scores"] == [] and since["changes"]["descriptions"] == []


def test_the_optional_section_public_in_the_public_pack_the_rest_in_the_restricted(december, demo):
    assert rendering.gather(december, restricted=False)["changes_since"] is None  # off by default
    december.refresh_from_db()
    services.update_paper(paper_id=december.pk, expected_version=december.version, user=demo["author"],
                          reason="Show the changes", include_changes=True)
    december.refresh_from_db()
    public = rendering.gather(december, restricted=False)
    restricted = rendering.gather(december, restricted=True)
    assert [c["ref"] for c in public["changes_since"]["changes"]["trends"]] == ["4"]
    assert public["changes_since"]["changes"]["scores"] == [] and public["changes_since"]["changes"]["descriptions"] == []
    assert restricted["changes_since"]["changes"]["scores"] and restricted["changes_since"]["changes"]["descriptions"]
    public_html, restricted_html = rendering.render_html(public), rendering.render_html(restricted)
    assert "Changes since the last paper" in public_html and "Trend changes" in public_html
    assert "Score movements" not in public_html and "Reworded in November." not in public_html.split("Appendix 1")[0]
    assert "Score movements" in restricted_html and "Description changes" in restricted_html
    from tests.test_paper_draft import pdf_pages

    assert any("Changes since the last paper" in text for text in pdf_pages(FORMATS["pdf"].export(public).content))
    word = read_docx(FORMATS["docx"].export(restricted).content)
    assert "Changes since the last paper" in [p.text for p in word.paragraphs]


def test_the_author_switches_the_section_on_in_the_edit_form(client_for, december):
    from tests.edit_helpers import form_values

    client = client_for("author")
    url = reverse("reports:edit", args=[december.pk])
    values = form_values(client.get(url).text)
    values.update(include_changes="on", reason="Show the changes")
    response = client.post(url, values)
    assert response.status_code == 302
    december.refresh_from_db()
    assert december.include_changes
    assert december.history.latest().history_change_reason == "Show the changes"


@pytest.fixture
def raised(december, demo):
    """Risk 2a (Governance, tolerance 9) reviewed on 1 November 2017 up from 9 to 16: outside appetite."""
    governance = Risk.objects.get(ref="2a")
    with recorded_on(date(2017, 11, 1)):
        risk_services.record_review(risk_id=governance.pk, user=demo["smt"], reason="Quarterly review",
                                    reviewed_on=date(2017, 11, 1), trend="increasing", likelihood=4, impact=4)
    return governance


def test_the_draft_page_lists_a_risk_moved_outside_appetite_and_one_back_within(
        client_for, december, raised, financial_cautious):
    page = client_for("author").get(reverse("reports:edit", args=[december.pk])).text
    section = page[page.index('id="what-changed-draft"'):].split("</section>")[0]
    assert "<h3>Appetite status changes (restricted)</h3>" in section
    assert "each risk's current score against the tolerance of its category" in section
    assert (f"<li>Risk 2a ({raised.title}): moved outside appetite, from score 9 within the Governance tolerance of 9 "
            f"to score 16 above the Governance tolerance of 9</li>") in section
    # Risk 4's review (3 by 3) took it from 20 to 9, under the Financial tolerance of 12.
    funding = Risk.objects.get(ref="4")
    assert (f"<li>Risk 4 ({funding.title}): moved back within appetite, from score 20 above the Financial tolerance "
            f"of 12 to score 9 within the Financial tolerance of 12</li>") in section
    # An editor without the restricted pack sees the public comparison: neither paper prints the column.
    since = changes_since_previous(december, restricted=False)
    assert since["changes"]["appetite"] == [] and since["appetite_basis"] == "none"


def test_the_optional_section_lists_appetite_movements_in_html_pdf_and_word(december, raised, demo):
    from tests.test_paper_draft import pdf_pages

    december.refresh_from_db()
    services.update_paper(paper_id=december.pk, expected_version=december.version, user=demo["author"],
                          reason="Show the changes", include_changes=True)
    december.refresh_from_db()
    expected = (f"Risk 2a ({raised.title}): moved outside appetite, from score 9 within the Governance tolerance of 9 "
                f"to score 16 above the Governance tolerance of 9")
    restricted = rendering.gather(december, restricted=True)
    assert restricted["changes_since"]["appetite_basis"] == "restricted"
    html = rendering.render_html(restricted)
    section = html[html.index('id="section-changes-since"'):].split("</section>")[0]
    assert "<h3>Appetite status changes</h3>" in section and f"<li>{expected}</li>" in section
    pdf = " ".join(" ".join(pdf_pages(FORMATS["pdf"].export(restricted).content)).split())
    assert "Appetite status changes" in pdf and expected in pdf
    paragraphs = [p.text for p in read_docx(FORMATS["docx"].export(restricted).content).paragraphs]
    assert "Appetite status changes" in paragraphs and expected in paragraphs
    assert any(p.startswith("Since the paper of 22 September 2017. Appetite status: each risk's current score")
               for p in paragraphs)
    # The public pack: no movement, and the intro says where they are.
    public = rendering.gather(december, restricted=False)
    assert public["changes_since"]["changes"]["appetite"] == []
    public_html = rendering.render_html(public)
    public_section = public_html[public_html.index('id="section-changes-since"'):].split("</section>")[0]
    assert "Appetite status changes" not in public_section and "score 16" not in public_html
    assert "are listed in the restricted pack only" in public_section
    public_word = [p.text for p in read_docx(FORMATS["docx"].export(public).content).paragraphs]
    assert any("are listed in the restricted pack only" in p for p in public_word)
    assert not any(expected in p for p in public_word)


def test_a_section_stored_before_appetite_status_renders_as_it_did(december, demo):
    """A snapshot's changes_since stored before this change has no "appetite" list nor basis: no sentence, no list."""
    december.refresh_from_db()
    services.update_paper(paper_id=december.pk, expected_version=december.version, user=demo["author"],
                          reason="Show the changes", include_changes=True)
    december.refresh_from_db()
    data = rendering.gather(december, restricted=True)
    del data["changes_since"]["appetite_basis"], data["changes_since"]["changes"]["appetite"]
    html = rendering.render_html(data)
    section = html[html.index('id="section-changes-since"'):].split("</section>")[0]
    assert "Trend changes" in section and "appetite" not in section.lower()
    paragraphs = [p.text for p in read_docx(FORMATS["docx"].export(data).content).paragraphs]
    assert "Since the paper of 22 September 2017." in paragraphs and "Appetite status changes" not in paragraphs


def test_a_previous_snapshot_stored_before_appetite_is_unknown_not_a_movement(december, raised, paper):
    """The previous paper's restricted snapshot as stored before issue 17 (no "appetite", "options" or
    "settings"): no movement for risk 2a, no KeyError, and the intro says why."""
    from reports.changes import appetite_basis

    before = rendering.gather(paper, restricted=True, with_changes=False)
    before["appendix_4"] = [{k: v for k, v in risk.items() if k != "appetite"} for risk in before["appendix_4"]]
    for key in ("options", "settings", "outside_appetite"):
        del before[key]
    data = rendering.gather(december, restricted=True)
    found = compare(before, data)
    assert found["appetite"] == [] and [c["ref"] for c in found["trends"]] == ["2a", "4"]
    data["changes_since"] = {"previous": {"meeting_date_display": "22 September 2017"}, "changes": found,
                             "has_changes": True, "appetite_basis": appetite_basis(before, data)}
    html = rendering.render_html(data)
    section = html[html.index('id="section-changes-since"'):].split("</section>")[0]
    assert ("does not record whether each risk was within appetite, so no movement in or out of appetite is listed"
            in section)
    assert "Appetite status changes" not in section and "Trend changes" in section
    paragraphs = [p.text for p in read_docx(FORMATS["docx"].export(data).content).paragraphs]
    assert any("does not record whether each risk was within appetite" in p for p in paragraphs)
    assert not any("moved outside appetite" in p for p in paragraphs)
