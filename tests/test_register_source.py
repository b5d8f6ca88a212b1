"""Papers read the register through one interface (risks.register_source): a paper
renders from a fake register made of plain objects, and the live source gives
the fixture's register."""

import json
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from controls.models import Control
from reports import rendering
from reports.models import Paper
from riskregister.tracking import revisions_dated, save_tracked
from risks import services as risk_services
from risks.models import Risk
from risks.register_source import (
    AsAtRegister, ControlRecord, DependencyRecord, LiveRegister, ReviewRecord, RiskRecord, grouped,
)
from tests.edit_helpers import form_values
from tests.factories import make_owner, make_risk


class FakeRegister:
    """A register held in lists, answering the RegisterSource interface without a database."""

    def __init__(self, day, risks, reviews=(), controls=(), dependencies=()):
        self.day = day
        self._risks, self._reviews = list(risks), list(reviews)
        self._controls, self._dependencies = list(controls), list(dependencies)

    def open_risks(self):
        return [risk for risk in self._risks if risk.is_open_on(self.day)]

    def risks(self, ids):
        return {risk.id: risk for risk in self._risks if risk.id in set(ids)}

    def reviews(self, risk_ids):
        dated = [r for r in self._reviews if r.risk_id in set(risk_ids) and r.reviewed_on <= self.day]
        return grouped(sorted(dated, key=lambda r: r.reviewed_on, reverse=True))

    def controls(self, risk_ids):
        return grouped(c for c in self._controls if c.risk_id in set(risk_ids))

    def dependencies(self, risk_ids):
        return grouped(d for d in self._dependencies if d.risk_id in set(risk_ids))


def fake_risk(id, ref, title, **fields):
    values = {
        "description": f"Failure to {title.lower()}", "owner_names": "Ada Lovelace / Alan Turing",
        "opened_on": date(2020, 1, 6), "closed_on": None,
        "inherent": (5, 5), "current": (4, 3), "target": (2, 2), **fields,
    }
    return RiskRecord(id=id, ref=ref, title=title, **values)


def fake_register():
    day = date(2021, 3, 18)
    return FakeRegister(
        day,
        risks=[
            fake_risk(901, "1", "Keep the lights on"),
            fake_risk(902, "2a", "Pay the bills", summary_heading="Money"),
            fake_risk(903, "7", "Closed before the meeting", closed_on=date(2021, 2, 1)),
            fake_risk(904, "8", "Raised after the meeting", opened_on=date(2021, 4, 1)),
        ],
        reviews=[
            ReviewRecord(risk_id=902, reviewed_on=date(2021, 3, 1), trend="increasing", likelihood=4, impact=3,
                         commentary="Grants cut."),
            ReviewRecord(risk_id=902, reviewed_on=date(2021, 5, 1), trend="decreasing", likelihood=2, impact=3),
        ],
        controls=[
            ControlRecord(id=1, risk_id=902, kind="action", text="Budget: monthly review", status="in_place",
                          owner="Alan Turing", lever="oversight", due_date=date(2021, 6, 30)),
            ControlRecord(id=2, risk_id=902, kind="potential", text="Reserve fund", status="planned"),
            ControlRecord(id=3, risk_id=902, kind="action", text="Old spreadsheet", status="retired"),
        ],
        dependencies=[DependencyRecord(risk_id=901, depends_on_id=902, note="No money, no lights")],
    )


@pytest.fixture
def fake_paper(empty_database):
    # The paper is the author's; only the register is fake. Its text refers to
    # the fake register's risk 902 by identity, as the editor stores it.
    return Paper.objects.create(
        meeting_date=date(2021, 3, 18), title="Risk report", author_name="A. Author",
        summary="All is well except [[risk:902]].", governance_model="Three **levers**.",
    )


def test_a_paper_renders_from_a_fake_register(fake_paper):
    data = rendering.gather(fake_paper, restricted=True, source=fake_register())
    assert json.loads(json.dumps(data)) == data
    assert [(row["ref"], row["title"], row["owners"], row["trend"]) for row in data["appendix_1"]] == [
        ("1", "Keep the lights on", "Ada Lovelace / Alan Turing", "new"),
        ("2a", "Pay the bills", "Ada Lovelace / Alan Turing", "increasing"),  # the May review is after the day
    ]
    summary = next(section for section in data["sections"] if section["key"] == "summary")
    assert summary["paragraphs"] == [[{"text": "All is well except ", "strong": False},
                                      {"text": "Risk 2a", "strong": False}, {"text": ".", "strong": False}]]
    money = data["appendix_4"][1]
    assert money["current"] == {"likelihood": 4, "impact": 3, "score": 12, "band": "medium", "band_label": "Medium"}
    assert [control["status"] for control in money["controls"]] == ["In place", "Planned", "Retired"]
    assert money["controls"][0]["lever"] == "Oversight" and money["controls"][0]["due_date_display"] == "30 June 2021"

    html = rendering.render_html(data)
    assert "<td>Pay the bills - Failure to pay the bills</td>" in html
    assert "All is well except Risk 2a." in html
    assert "Closed before the meeting" not in html and "Raised after the meeting" not in html
    assert "Budget: monthly review – Control action, In place; owner: Alan Turing; lever: Oversight; due: 30 June 2021" in html
    assert "1 March 2021: Increasing, score 12 (Medium). Grants cut." in html
    assert "Three <strong>levers</strong>." in html


def test_appendix_2_shows_the_chosen_risks_as_the_source_has_them(demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    chosen = list(paper.choices.values_list("risk_id", flat=True))
    # The same identities as the paper's choices, with other words: the words come from the source.
    source = FakeRegister(paper.meeting_date, risks=[
        fake_risk(risk_id, str(index), f"Fake {index}", opened_on=date(2017, 1, 2)) for index, risk_id in enumerate(chosen[:3], start=1)
    ] + [fake_risk(chosen[3], "4", "Closed before", opened_on=date(2017, 1, 2), closed_on=date(2017, 9, 1))], controls=[
        ControlRecord(id=7, risk_id=chosen[0], kind="action", text="Watch", status="in_progress"),
        ControlRecord(id=8, risk_id=chosen[0], kind="action", text="Gone", status="retired"),
    ])
    positions = rendering.gather(paper, restricted=False, source=source)["appendix_2"]
    assert [(p["ref"], p["heading"]) for p in positions] == [("1", "Fake 1"), ("2", "Fake 2"), ("3", "Fake 3")]
    assert positions[0]["actions"] == ["Watch"] and positions[0]["controls"] == [{"id": 7, "kind": "action", "text": "Watch"}]
    assert "Fake 1" in rendering.render_html(rendering.gather(paper, restricted=False, source=source))


def test_the_live_register_source(demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    source = LiveRegister(paper.meeting_date)
    # Nothing changed since the fixture was loaded: the live register and the one as at the meeting agree.
    assert rendering.gather(paper, restricted=True) == rendering.gather(paper, restricted=True, source=source)
    risks = source.open_risks()
    assert [risk.ref for risk in risks][:4] == ["1", "2a", "2b", "3"] and len(risks) == 15
    funding = Risk.objects.get(ref="4")
    dependents = {risk_id for risk_id, found in source.dependencies([r.id for r in risks]).items()
                  if any(d.depends_on_id == funding.pk for d in found)}
    assert dependents == set(funding.dependents.values_list("risk_id", flat=True)) and dependents
    assert source.risks([]) == {} and source.controls([]) == {}


# The register as at a date ---------------------------------------------------------

def at_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def test_the_september_2017_paper_is_rebuilt_from_history_after_edits_today(demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    before = {pack: rendering.gather(paper, restricted=pack) for pack in (False, True)}
    html = rendering.render_html(before[True])
    funding, vulnerability, devolution = (Risk.objects.get(ref=ref) for ref in ("4", "1", "8"))
    smt = demo["smt"]
    risk_services.update_risk(risk_id=funding.pk, expected_version=funding.version, user=smt, reason="Retitled",
                              ref="40", title="Money today", description="Failure to fund today",
                              inherent_likelihood=1, inherent_impact=1, owners=[make_owner("New Owner", user=smt)])
    risk_services.record_review(risk_id=vulnerability.pk, user=smt, reason="Backdated", reviewed_on=date(2017, 9, 1),
                                trend="increasing", likelihood=5, impact=5, commentary="Added today")
    control = Control.objects.filter(risk=vulnerability).first()
    control.description = "Reworded today"
    save_tracked(control, user=smt, reason="Reworded")
    save_tracked(Control(risk=vulnerability, description="Added today"), user=smt, reason="New control")
    risk_services.add_dependency(risk=vulnerability, depends_on=devolution, note="Today", user=smt, reason="Linked")
    devolution.refresh_from_db()
    risk_services.close_risk(risk_id=devolution.pk, expected_version=devolution.version, user=smt, reason="Closed today")
    make_risk("15", user=smt, title="Raised today, backdated", opened_on=date(2017, 6, 1))

    after = {pack: rendering.gather(paper, restricted=pack) for pack in (False, True)}
    assert after == before
    assert rendering.render_html(after[True]) == html
    live = rendering.gather(paper, restricted=True, source=LiveRegister(paper.meeting_date))
    assert "Money today" in rendering.render_html(live)  # the live register has moved on


def test_the_register_as_at_a_date_lists_what_existed_then(demo):
    risk = Risk.objects.get(ref="2a")
    with revisions_dated(at_noon(date(2017, 9, 15))):
        risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                                  reason="Retitled", title="Retitled on the 15th")
        risk_services.add_dependency(risk=risk, depends_on=Risk.objects.get(ref="4"), note="n", user=demo["smt"], reason="r")
    assert AsAtRegister(date(2017, 9, 14)).risks([risk.pk])[risk.pk].title != "Retitled on the 15th"
    as_at = AsAtRegister(date(2017, 9, 15))
    assert as_at.risks([risk.pk])[risk.pk].title == "Retitled on the 15th"
    assert [d.depends_on_id for d in as_at.dependencies([risk.pk])[risk.pk]] == [Risk.objects.get(ref="4").pk]
    assert AsAtRegister(date(2017, 9, 4)).open_risks() == []  # the fixture's history starts on 5 September


def test_the_author_moves_the_cut_off_date(client_for, demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    risk = Risk.objects.get(ref="2a")
    with revisions_dated(at_noon(date(2017, 9, 15))):
        risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                                  reason="Retitled", title="Retitled on the 15th")
    client = client_for("author")
    edit = reverse("reports:edit", args=[paper.pk])
    preview = reverse("reports:preview", args=[paper.pk])
    assert "Retitled on the 15th" in client.get(preview).text  # by default, as at the meeting date
    data = form_values(client.get(edit).text)
    assert data["cutoff_date"] == "2017-09-08"  # the review round's deadline, suggested
    data.update(cutoff_date="2017-09-10", reason="Register as at the SMT meeting")
    assert client.post(edit, data).status_code == 302
    paper.refresh_from_db()
    assert paper.cutoff_date == date(2017, 9, 10)
    record = paper.history.latest()
    assert record.cutoff_date == date(2017, 9, 10) and record.history_change_reason == "Register as at the SMT meeting"
    assert "Retitled on the 15th" not in client.get(preview).text
    assert form_values(client.get(edit).text)["cutoff_date"] == "2017-09-10"


ROUND_HINT = "The review round&#x27;s deadline is 8 September 2017"


def cut_off_field(html):
    """The cut-off field's form group: its label, hint and input."""
    return html.split('for="id_cutoff_date"', 1)[1].split("</div>\n</div>", 1)[0]


def test_the_review_rounds_deadline_is_suggested_while_the_paper_has_no_cut_off(client_for, demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    assert paper.cutoff_date is None and paper.review_rounds.get().deadline == date(2017, 9, 8)
    client = client_for("author")
    edit = reverse("reports:edit", args=[paper.pk])
    html = client.get(edit).text
    assert ROUND_HINT in cut_off_field(html) and 'value="2017-09-08"' in cut_off_field(html)
    assert form_values(html)["cutoff_date"] == "2017-09-08"
    # Offered, not stored: opening the page writes nothing, and the paper is still as at its meeting.
    saved = Paper.objects.get(pk=paper.pk)
    assert saved.cutoff_date is None and saved.version == paper.version and saved.cutoff == date(2017, 9, 22)
    assert paper.history.count() == saved.history.count()


def test_the_author_may_clear_the_suggested_deadline_and_the_paper_stays_as_at_the_meeting(client_for, demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    client = client_for("author")
    edit = reverse("reports:edit", args=[paper.pk])
    data = form_values(client.get(edit).text)
    data.update(cutoff_date="", title="", reason="Summary only")
    response = client.post(edit, data)  # an error elsewhere: the cleared box stays cleared
    assert response.status_code == 200 and "Enter a title." in response.text
    assert form_values(response.text)["cutoff_date"] == "" and ROUND_HINT in cut_off_field(response.text)
    data.update(title=paper.title, summary="Summary without a cut-off")
    assert client.post(edit, data).status_code == 302
    saved = Paper.objects.get(pk=paper.pk)
    assert saved.cutoff_date is None and saved.summary == "Summary without a cut-off"
    assert saved.history.latest().history_change_reason == "Summary only"
    assert form_values(client.get(edit).text)["cutoff_date"] == "2017-09-08"  # suggested again


def test_saving_the_suggested_deadline_makes_it_the_cut_off_and_no_hint_follows(client_for, demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    client = client_for("author")
    edit = reverse("reports:edit", args=[paper.pk])
    data = form_values(client.get(edit).text)
    data.update(reason="Register as at the round's deadline")
    assert client.post(edit, data).status_code == 302
    saved = Paper.objects.get(pk=paper.pk)
    assert saved.cutoff_date == date(2017, 9, 8)
    assert saved.history.latest().history_user == demo["author"]
    html = client.get(edit).text
    assert 'value="2017-09-08"' in cut_off_field(html) and "review round" not in cut_off_field(html)


def test_a_cut_off_already_set_is_shown_and_the_deadline_is_not_offered(client_for, demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    paper.cutoff_date = date(2017, 9, 12)
    save_tracked(paper, user=demo["author"], reason="Register as at the SMT meeting")
    html = client_for("author").get(reverse("reports:edit", args=[paper.pk])).text
    assert 'value="2017-09-12"' in cut_off_field(html)
    assert "review round" not in cut_off_field(html) and "2017-09-08" not in html


def test_a_paper_without_a_round_is_offered_no_cut_off(client_for, demo):
    from reports import services as paper_services

    paper = paper_services.create_paper(user=demo["author"], reason="Next quarter", meeting_date=date(2017, 12, 15),
                                        title="Risk Management Report")
    assert not paper.review_rounds.exists()
    html = client_for("author").get(reverse("reports:edit", args=[paper.pk])).text
    assert form_values(html)["cutoff_date"] == "" and "review round" not in cut_off_field(html)


@pytest.mark.parametrize("cutoff,message", [
    ("2017-09-23", "The register&#x27;s date cannot be after the meeting date: enter 2017-09-22 or an earlier date."),
    ("2017-09-04", "There is no register on that date to show: enter a later date. The register&#x27;s history starts on 2017-09-05."),
    ("2017-02-30", "Enter a real date, such as 2017-09-15."),
])
def test_a_bad_cut_off_date_is_refused(client_for, demo, cutoff, message):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    client = client_for("author")
    edit = reverse("reports:edit", args=[paper.pk])
    data = form_values(client.get(edit).text)
    data.update(cutoff_date=cutoff, summary="Changed too", reason="Moved")
    response = client.post(edit, data)
    assert response.status_code == 200 and message in response.text and 'href="#id_cutoff_date"' in response.text
    saved = Paper.objects.get(pk=paper.pk)
    assert saved.version == paper.version and saved.cutoff_date is None and saved.summary == paper.summary


def test_the_database_refuses_a_cut_off_after_the_meeting(demo):
    from django.db import IntegrityError, transaction

    paper = Paper.objects.get(meeting_date="2017-09-22")
    paper.cutoff_date = date(2017, 9, 30)
    with pytest.raises(IntegrityError), transaction.atomic():
        paper.save()
