"""The snapshot (reports.rendering.gather), trends as at the meeting, the markup, the command."""

import io
import json
from datetime import date, datetime, time, timedelta

import pytest

from django.core.management import CommandError, call_command
from django.utils import timezone

from organisation.current import forget
from organisation.models import Organisation
from organisation.services import save_setting

from reports import rendering, services
from reports.markup import NarrativeError, check_plain_text, link_references, parse, parse_lines, show_references
from reports.models import Paper
from risks import services as risk_services
from riskregister.tracking import revisions_dated
from risks.models import Risk
from tests.factories import make_risk
from tests.seed import appendix_1_rows


def review(risk, user, on, trend):
    return risk_services.record_review(
        risk_id=risk.pk, user=user, reason="Quarterly review", reviewed_on=on, trend=trend,
        likelihood=3, impact=3, commentary=f"Reviewed {on}",
    )


# Markup ---------------------------------------------------------------------

def test_markup_paragraphs_bold_and_references():
    assert parse("One **two**\nthree\n\n  \nFour [[risk:12]].") == [
        [("text", "One "), ("strong", "two"), ("text", "\nthree")],
        [("text", "Four "), ("risk", 12), ("text", ".")],
    ]
    assert parse_lines("first\n\nsecond [[risk:3]]") == [[("text", "first")], [("text", "second "), ("risk", 3)]]
    assert parse("") == [] and parse("a ** b") == [[("text", "a ** b")]]


@pytest.mark.parametrize("text", ["[[risk:]]", "[[risk:4", "risk:4]]", "[[Risk:4]]", "[[risk:4a]]", "[[4]]"])
def test_stored_text_holds_only_stored_references(text):
    with pytest.raises(NarrativeError, match="not in a form the paper knows"):
        parse(text)


IDS_BY_REF = {"2a": 12, "4": 14}


@pytest.mark.parametrize("typed,stored", [
    ("See [[4]] and [[2a]].", "See [[risk:14]] and [[risk:12]]."),
    ("[[2A]] and [[ 4 ]]", "[[risk:12]] and [[risk:14]]"),  # any case, spaces inside forgiven
    ("Kept: [[risk:99]]", "Kept: [[risk:99]]"),  # the stored form, checked against the register elsewhere
    ("No references, a [single] bracket]", "No references, a [single] bracket]"),
])
def test_typed_refs_become_stored_identities(typed, stored):
    assert link_references(typed, IDS_BY_REF, day_display="22 September 2017") == stored


@pytest.mark.parametrize("typed,message", [
    ("See [[99]].", "[[99]]: there is no risk 99 open as at 22 September 2017"),
    ("See [[ ]].", "A cross-reference is empty: “[[ ]]”"),
    ("See [[]].", "A cross-reference is empty"),
    ("See [[[[2a]]]].", "A cross-reference cannot contain another: “See [[[[2a]]]]"),
    ("See [[2a for funding", "This cross-reference is not closed: “See [[2a for f"),
    ("See 2a]] here", "closes a cross-reference that was never opened"),
    ("See [[2a]]]] here", "closes a cross-reference that was never opened"),
    ("See [[ref:4]].", "“[[ref:4]]” is not a risk's ref"),
    ("See [[Risk 4]].", "“[[Risk 4]]” is not a risk's ref"),
])
def test_bad_typed_references_are_errors_naming_them(typed, message):
    with pytest.raises(NarrativeError) as error:
        link_references(typed, IDS_BY_REF, day_display="22 September 2017")
    assert message in str(error.value)


def test_stored_references_show_as_refs():
    assert show_references("See [[risk:14]], [[risk:12]] and [[risk:99]].", {14: "4", 12: "2a"}) == (
        "See [[4]], [[2a]] and [[risk:99]]."
    )


@pytest.mark.parametrize("text", ["<p>hi</p>", "<img src=x onerror=alert(1)>", "</style>", "<!-- c -->"])
def test_html_is_refused(text):
    with pytest.raises(NarrativeError, match="Write plain text"):
        check_plain_text(text)


def test_plain_comparisons_are_not_html():
    check_plain_text("Likelihood < 3 and impact > 2; a<b")


# Snapshot -------------------------------------------------------------------

def test_the_snapshot_is_plain_data_and_public_has_no_restricted_content(paper):
    public = rendering.gather(paper, restricted=False)
    assert json.loads(json.dumps(public)) == public
    assert public["appendix_3"] is None and public["appendix_4"] is None
    assert public["frame"] == {
        "panel": "Audit Panel", "meeting_date": "2017-09-22", "meeting_date_display": "Friday, 22 September 2017",
        "title": "MOPAC Risk Management Report", "report_by": "Chief Executive Officer", "author": "Gemma Deadman",
    }
    dumped = json.dumps(public)
    # Appendix 3's own sentence (its opening repeats section 1.3's words), Appendix 4's scores.
    assert "Each control in the register (Appendix 4) is tagged" in paper.governance_model
    assert "Each control in the register (Appendix 4) is tagged" not in dumped and "\"inherent\"" not in dumped
    restricted = rendering.gather(paper, restricted=True)
    assert json.loads(json.dumps(restricted)) == restricted
    assert len(restricted["appendix_4"]) == 15 and restricted["appendix_4"][0]["inherent"]["score"] == 25


def test_appendix_1_rows_are_the_seeds(paper):
    rows = rendering.gather(paper, restricted=False)["appendix_1"]
    assert [(r["ref"], r["trend"], r["title"], r["description"]) for r in rows] == [
        (ref, trend, title, description) for ref, trend, title, description, _ in appendix_1_rows()
    ]
    assert rows[1]["owners"] == "Siobhan Peters / Paul Wylie"
    assert rows[3]["trend_label"] == "New" and rows[3]["glyph"] == ""


def test_appendix_2_in_the_chosen_order_with_controls(paper):
    positions = rendering.gather(paper, restricted=False)["appendix_2"]
    assert [p["heading"] for p in positions] == ["Vulnerability", "Adequate Funding", "Decision Making and Change", "CJ Devolution", "Equalities"]
    assert positions[3]["potential"] == ["Business case to Mayor's Office r.e: additional financial support from GLA for implementation"]


def test_organisation_comes_from_its_settings(paper, admin_user):
    organisation = Organisation.objects.get()
    organisation.name, organisation.short_name = "Example Authority", "EXA"
    save_setting(organisation, user=admin_user, reason="Renamed")
    data = rendering.gather(paper, restricted=False)
    html = rendering.render_html(data)
    assert "Appendix 1: EXA corporate risk overview" in html and "Example Authority" in html


def recorded_on(day):
    """Date the revisions written inside on `day` (noon), as if they had been made then."""
    return revisions_dated(timezone.make_aware(datetime.combine(day, time(12))))


def test_trends_are_as_at_the_meeting_date(paper, demo):
    funding = Risk.objects.get(ref="4")
    with recorded_on(date(2017, 12, 1)):
        review(funding, demo["smt"], date(2017, 12, 1), "increasing")  # after the meeting: not in this paper
    rows = {r["ref"]: r for r in rendering.gather(paper, restricted=False)["appendix_1"]}
    assert rows["4"]["trend"] == "no_change"
    review(funding, demo["smt"], date(2017, 9, 21), "fluctuating")  # backdated today: not in the register then
    rows = {r["ref"]: r for r in rendering.gather(paper, restricted=False)["appendix_1"]}
    assert rows["4"]["trend"] == "no_change"
    with recorded_on(date(2017, 9, 20)):
        review(funding, demo["smt"], date(2017, 9, 20), "decreasing")  # before the meeting: shown
    rows = {r["ref"]: r for r in rendering.gather(paper, restricted=False)["appendix_1"]}
    assert (rows["4"]["trend"], rows["4"]["glyph"], rows["4"]["trend_label"]) == ("decreasing", "↓", "Decreasing")


def test_a_risk_not_in_the_previous_paper_is_new(paper, demo):
    december = services.create_paper(user=demo["author"], reason="Next quarter", meeting_date=date(2017, 12, 15),
                                     title="Risk report", copy_from=paper)
    with recorded_on(date(2017, 11, 1)):
        newcomer = make_risk("15", user=demo["admin"], opened_on=date(2017, 11, 1))
    old = Risk.objects.get(ref="1")
    with recorded_on(date(2017, 12, 1)):
        review(newcomer, demo["smt"], date(2017, 12, 1), "increasing")
        review(old, demo["smt"], date(2017, 12, 1), "increasing")
    rows = {r["ref"]: r for r in rendering.gather(december, restricted=False)["appendix_1"]}
    assert rows["15"]["trend"] == "new"
    assert rows["1"]["trend"] == "increasing"


def test_a_risk_in_the_previous_paper_is_not_new_even_if_first_reviewed_since(paper, demo):
    december = services.create_paper(user=demo["author"], reason="Next quarter", meeting_date=date(2017, 12, 15),
                                     title="Risk report", copy_from=paper)
    with recorded_on(date(2017, 9, 1)):
        listed_in_september = make_risk("15", user=demo["admin"], opened_on=date(2017, 9, 1))
    with recorded_on(date(2017, 12, 1)):
        review(listed_in_september, demo["smt"], date(2017, 12, 1), "decreasing")
    assert "15" in refs(rendering.gather(paper, restricted=False)["appendix_1"])
    rows = {r["ref"]: r for r in rendering.gather(december, restricted=False)["appendix_1"]}
    assert rows["15"]["trend"] == "decreasing"


def close(risk, user, reason="Closed"):
    risk.refresh_from_db()
    return risk_services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=user, reason=reason)


def refs(rows):
    return [row["ref"] for row in rows]


def future_paper(demo):
    """A draft paper for a meeting after today."""
    return services.create_paper(user=demo["author"], reason="Next meeting", title="Risk report",
                                 meeting_date=timezone.localdate() + timedelta(days=60))


def test_a_risk_closed_today_stays_in_the_papers_of_earlier_meetings(paper, demo):
    risk = Risk.objects.get(ref="8")
    close(risk, demo["smt"])
    data = rendering.gather(paper, restricted=True)
    assert refs(data["appendix_1"]) == [row[0] for row in appendix_1_rows()]
    assert "8" in refs(data["appendix_4"]) and len(data["appendix_4"]) == 15
    assert "CJ Devolution" in [p["heading"] for p in data["appendix_2"]]  # chosen, and open on the meeting date
    html = rendering.render_html(data)
    assert html.count(risk.title) >= 2  # Appendix 1 row and Appendix 4 entry


def test_a_risk_closed_today_leaves_the_papers_of_later_meetings(paper, demo):
    risk = Risk.objects.get(ref="8")
    close(risk, demo["smt"])
    later = future_paper(demo)
    data = rendering.gather(later, restricted=True)
    assert "8" not in refs(data["appendix_1"]) and "8" not in refs(data["appendix_4"])
    assert len(data["appendix_1"]) == 14
    assert risk.title not in rendering.render_html(data)


def test_a_risk_raised_today_is_only_in_papers_of_meetings_from_today(paper, demo):
    newcomer = make_risk("15", user=demo["admin"], title="Raised today")
    assert newcomer.opened_on == timezone.localdate()
    september = rendering.gather(paper, restricted=True)
    assert "15" not in refs(september["appendix_1"]) and "15" not in refs(september["appendix_4"])
    assert "Raised today" not in rendering.render_html(september)
    later = rendering.gather(future_paper(demo), restricted=True)
    assert "15" in refs(later["appendix_1"]) and "15" in refs(later["appendix_4"])
    assert "Raised today" in rendering.render_html(later)


def test_open_on_counts_the_day_raised_but_not_the_day_closed(demo):
    risk = make_risk("15", user=demo["admin"], opened_on=date(2017, 9, 22))
    assert Risk.objects.open_on(date(2017, 9, 22)).filter(pk=risk.pk).exists()
    assert not Risk.objects.open_on(date(2017, 9, 21)).filter(pk=risk.pk).exists()
    risk = close(risk, demo["smt"])
    today = timezone.localdate()
    assert Risk.objects.open_on(today - timedelta(days=1)).filter(pk=risk.pk).exists()
    assert not Risk.objects.open_on(today).filter(pk=risk.pk).exists()
    assert risk.is_open_on(today - timedelta(days=1)) and not risk.is_open_on(today)


def test_appendix_2_leaves_out_a_chosen_risk_closed_before_the_meeting(paper, demo):
    risk = Risk.objects.get(ref="8")
    # Raised after the meeting (date corrected before it): not open as at the meeting, so not in the paper.
    with recorded_on(date(2017, 9, 10)):
        risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                                  reason="Date corrected", opened_on=date(2017, 10, 2))
    data = rendering.gather(paper, restricted=True)
    assert "CJ Devolution" not in [p["heading"] for p in data["appendix_2"]]
    assert "8" not in refs(data["appendix_1"]) and "8" not in refs(data["appendix_4"])


def test_services_refuse_closed_risks_and_stale_versions(paper, demo):
    from django.core.exceptions import ValidationError

    from riskregister.tracking import ConflictError

    risk = Risk.objects.get(ref="8")
    close(risk, demo["smt"])
    risk.refresh_from_db()
    later = future_paper(demo)
    with pytest.raises(ValidationError, match="Risk 8 was not open on the meeting date"):
        services.set_appendix_2(paper_id=later.pk, expected_version=later.version, risks=[risk], user=demo["author"], reason="x")
    # Open as at 22 September 2017, so that meeting's Appendix 2 may still show it.
    services.set_appendix_2(paper_id=paper.pk, expected_version=paper.version, risks=[risk], user=demo["author"], reason="x")
    paper.refresh_from_db()
    with pytest.raises(ConflictError):
        services.update_paper(paper_id=paper.pk, expected_version=paper.version - 1, user=demo["author"], reason="x", legal="y")
    assert Paper.objects.get(pk=paper.pk).legal == paper.legal


# Command --------------------------------------------------------------------

def test_render_paper_command_html_and_pdf(paper, tmp_path):
    html = tmp_path / "paper.html"
    call_command("render_paper", meeting="2017-09-22", format="html", output=str(html), stderr=io.StringIO())
    assert "Appendix 2: MOPAC summary risk position" in html.read_text(encoding="utf-8")
    restricted = tmp_path / "restricted.html"
    call_command("render_paper", "--meeting", "2017-09-22", "--format", "html", "--restricted", "--output", str(restricted), stderr=io.StringIO())
    assert "Appendix 4: MOPAC Risk Register (Restricted)" in restricted.read_text(encoding="utf-8")
    pdf = tmp_path / "paper.pdf"
    err = io.StringIO()
    call_command("render_paper", "--meeting", "2017-09-22", "--format", "pdf", "--output", str(pdf), stderr=err)
    assert pdf.read_bytes().startswith(b"%PDF") and "public pack" in err.getvalue()


@pytest.mark.parametrize("meeting,message", [
    ("2017-09-21", "There is no paper for a meeting on 2017-09-21. Papers exist for: 2017-09-22."),
    ("22/09/2017", "--meeting takes a date such as 2017-09-22"),
])
def test_render_paper_command_errors(paper, tmp_path, meeting, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_paper", meeting=meeting, format="pdf", output=str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_load_demo_papers_is_idempotent(paper, demo):
    from reports.demo import load_demo_papers

    assert load_demo_papers(user=demo["admin"]) == "The paper was already loaded."
    assert Paper.objects.count() == 1 and paper.choices.count() == 5
    assert paper.history.earliest().history_change_reason == "Loaded from the September 2017 Audit Panel paper"


def test_appendix_4_controls_each_with_their_facts_and_no_template_leftovers(paper):
    # The facts run on after the control's text, with no wrapper or line break
    # (docs/pdf-performance.md: fewer boxes); no template comment leaks into the paper.
    data = rendering.gather(paper, restricted=True)
    html = rendering.render_html(data)
    control = next(c for risk in data["appendix_4"] for c in risk["controls"] if c["owner"])
    facts = (f"{control['kind_label']}, {control['status']}; owner: {control['owner']}; "
             f"lever: {control['lever'] or 'none'}; due: {control['due_date_display'] or 'no date'}")
    assert f"{control['text']} – {facts}</li>".replace("'", "&#x27;") in html
    assert "{#" not in html and "#}" not in html


def test_gather_queries_do_not_grow_with_the_register(paper, demo, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    forget()  # as at the start of a request: the organisation's settings are read afresh
    with CaptureQueriesContext(connection) as before:
        rendering.gather(paper, restricted=True)
    for number in range(20, 40):  # raised before the meeting, half of them closed since
        with recorded_on(date(2017, 5, 1)):
            risk = make_risk(str(number), user=demo["admin"], opened_on=date(2017, 5, 1))
        if number % 2:
            close(risk, demo["smt"])
    make_risk("40", user=demo["admin"])  # raised after the meeting
    forget()
    with django_assert_num_queries(len(before.captured_queries)):
        data = rendering.gather(paper, restricted=True)
    assert len(data["appendix_1"]) == len(data["appendix_4"]) == 35
