"""Papers read the register through one interface (risks.register_source): a paper
renders from a fake register made of plain objects, and the live source gives
the fixture's register."""

import json
from datetime import date

import pytest

from reports import rendering
from reports.models import Paper
from risks.models import Risk
from risks.register_source import (
    ControlRecord, DependencyRecord, LiveRegister, ReviewRecord, RiskRecord, grouped,
)


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
def fake_paper(db):
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


def test_the_live_register_is_the_default_source(demo):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    source = LiveRegister(paper.meeting_date)
    assert rendering.gather(paper, restricted=True) == rendering.gather(paper, restricted=True, source=source)
    risks = source.open_risks()
    assert [risk.ref for risk in risks][:4] == ["1", "2a", "2b", "3"] and len(risks) == 15
    funding = Risk.objects.get(ref="4")
    dependents = {risk_id for risk_id, found in source.dependencies([r.id for r in risks]).items()
                  if any(d.depends_on_id == funding.pk for d in found)}
    assert dependents == set(funding.dependents.values_list("risk_id", flat=True)) and dependents
    assert source.risks([]) == {} and source.controls([]) == {}
