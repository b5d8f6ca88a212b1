"""What changed since the last paper: computed from two published snapshots."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from controls.models import Control
from publications import publishing
from publications.models import Publication
from reports import services as paper_services
from reports.changes import appetite_basis, compare, has_changes
from reports.models import Paper
from risks import services as risk_services
from risks.models import Owner, Risk, Trend
from riskregister.tracking import delete_tracked, save_tracked
from tests import tampering
from tests.factories import make_risk
from tests.test_paper_docx import read as read_docx
from tests.test_paper_rendering import recorded_on


def row(pk, ref, title, trend="no_change", owners="A"):
    labels = {"no_change": ("No change", "↔"), "increasing": ("Increasing", "↑"), "new": ("New", "")}
    return {"id": pk, "ref": ref, "title": title, "description": "d", "owners": owners,
            "trend": trend, "trend_label": labels[trend][0], "glyph": labels[trend][1]}


def snapshot(rows, positions=(), restricted=False, register=None):
    return {"restricted": restricted, "appendix_1": rows, "appendix_2": list(positions), "appendix_4": register}


def test_compare_snapshots():
    before = snapshot(
        [row(1, "1", "Funding"), row(2, "2", "Data"), row(3, "3", "Estates", owners="A / B")],
        [{"risk_id": 1, "controls": [{"id": 10, "kind": "action", "text": "Budget: monthly"},
                                     {"id": 11, "kind": "action", "text": "Audit"}]}],
    )
    after = snapshot(
        [row(1, "1", "Funding", trend="increasing"), row(3, "2", "Estates and buildings", owners="B"),
         row(4, "3", "Knife crime", trend="new")],
        [{"risk_id": 1, "controls": [{"id": 10, "kind": "action", "text": "Budget: weekly (reworded)"},
                                     {"id": 12, "kind": "potential", "text": "Reserve"}]}],
    )
    changes = compare(before, after)
    assert changes["added"] == [{"ref": "3", "title": "Knife crime"}]
    assert changes["closed"] == [{"ref": "2", "title": "Data"}]
    assert changes["renumbered"] == [{"title": "Estates and buildings", "old": "3", "new": "2"}]
    assert changes["retitled"] == [{"ref": "2", "old": "Estates", "new": "Estates and buildings"}]
    assert [(c["ref"], c["old_label"], c["new_label"]) for c in changes["trends"]] == [("1", "No change", "Increasing")]
    assert changes["owners"] == [{"ref": "2", "title": "Estates and buildings", "old": "A / B", "new": "B"}]
    # A reworded control (same id) is neither added nor removed.
    assert changes["controls_added"] == [{"ref": "1", "title": "Funding", "text": "Reserve"}]
    assert changes["controls_removed"] == [{"ref": "1", "title": "Funding", "text": "Audit"}]
    assert has_changes(changes) and not has_changes(compare(after, after))


def test_compare_restricted_snapshots_uses_every_risk_and_counts_retired_as_removed():
    rows = [row(1, "1", "Funding"), row(2, "2", "Data")]
    before = snapshot(rows, restricted=True, register=[
        {"id": 1, "controls": [{"id": 10, "text": "Budget", "status": "In place"}]},
        {"id": 2, "controls": [{"id": 20, "text": "Backups", "status": "In place"}]},
    ])
    after = snapshot(rows, restricted=True, register=[
        {"id": 1, "controls": [{"id": 10, "text": "Budget", "status": "Retired"}]},
        {"id": 2, "controls": [{"id": 20, "text": "Backups", "status": "In place"},
                               {"id": 21, "text": "Restore tests", "status": "Planned"}]},
    ])
    changes = compare(before, after)
    assert changes["controls_removed"] == [{"ref": "1", "title": "Funding", "text": "Budget"}]
    assert changes["controls_added"] == [{"ref": "2", "title": "Data", "text": "Restore tests"}]


@pytest.mark.django_db
def test_next_quarter_shows_what_changed_since_september(demo, client_for, paper):
    author, smt, september = demo["author"], demo["smt"], paper
    first = publishing.publish_paper(paper_id=september.pk, user=author)
    reason = "Quarterly review"
    # The next paper's meeting is after today: a risk closed today has left it, one raised today is in it.
    december = paper_services.create_paper(
        user=author, reason=reason, meeting_date=timezone.localdate() + timedelta(days=30), title=september.title,
        copy_from=september,
    )
    risks = {risk.ref: risk for risk in Risk.objects.open()}
    # Renumbered and retitled, owner changed, trend changed, closed, added.
    risk_services.update_risk(risk_id=risks["14"].pk, expected_version=risks["14"].version, user=smt, reason=reason, ref="15")
    risk_services.update_risk(risk_id=risks["6"].pk, expected_version=risks["6"].version, user=smt, reason=reason,
                              title="Retitled risk six")
    new_owner = save_tracked(Owner(name="Pat Newowner"), user=smt, reason=reason)
    risk_services.update_risk(risk_id=risks["7"].pk, expected_version=risks["7"].version, user=smt, reason=reason,
                              owners=[new_owner])
    september_trend = next(r for r in first.public_snapshot["appendix_1"] if r["ref"] == "8")["trend"]
    new_trend = Trend.INCREASING if september_trend != Trend.INCREASING else Trend.DECREASING
    risk_services.record_review(risk_id=risks["8"].pk, user=smt, reason=reason, reviewed_on="2017-11-01",
                                trend=new_trend, likelihood=4, impact=4)
    risk_services.close_risk(risk_id=risks["9"].pk, expected_version=risks["9"].version, user=smt, reason=reason)
    make_risk("16", user=smt, title="Cyber attack")
    # Controls of Appendix 2 risks (1 and 5 are in both papers' Appendix 2).
    save_tracked(Control(risk=risks["1"], description="Quarterly deep dive on the budget", position=99),
                 user=smt, reason=reason)
    removed = risks["5"].controls.exclude(status=Control.Status.RETIRED).first()
    delete_tracked(removed, user=smt, reason=reason)
    second = publishing.publish_paper(paper_id=december.pk, user=author)
    assert second.compared_with == first

    page = client_for("panel").get(reverse("published:current", args=[december.pk]))
    assert page.status_code == 200
    text = page.text
    assert "What changed since the paper of 22 September 2017" in text
    assert "Risk 16: Cyber attack" in text
    assert f"Risk 9: {risks['9'].title}" in text
    assert f"{risks['14'].title}: was risk 14, now risk 15" in text
    assert f"Risk 6: was “{risks['6'].title}”, now “Retitled risk six”" in text
    assert f"was {risks['7'].owner_names}, now Pat Newowner" in text
    assert Trend(new_trend).label in text.split("Trend changes")[1].split("</ul>")[0]
    assert "Quarterly deep dive on the budget" in text.split("Controls added")[1]
    assert removed.text in text.split("Controls removed")[1]

    # From the snapshots, not today's data: later edits do not move the list.
    risk_services.update_risk(risk_id=risks["6"].pk, expected_version=risks["6"].version + 1, user=smt,
                              reason="Later", title="Renamed again in January")
    again = client_for("panel").get(reverse("published:current", args=[december.pk])).text
    assert "Renamed again in January" not in again and "Retitled risk six" in again
    # The first paper has nothing to compare with.
    assert "What changed since" not in client_for("panel").get(reverse("published:current", args=[september.pk])).text

    # Snapshots are checked against their digest too: a tampered one shows nothing.
    tampered = dict(first.public_snapshot, appendix_1=[])
    with tampering.triggers_lifted():  # behind the app's back
        models.QuerySet.update(Publication.objects.filter(pk=first.pk), public_snapshot=tampered)
    refused = client_for("panel").get(reverse("published:current", args=[december.pk]))
    assert refused.status_code == 500 and "failed its integrity check" in refused.text
    assert "Risk 16: Cyber attack" not in refused.text
    with pytest.raises(CommandError, match="1 problems; the first: MISMATCH .* snapshots"):
        call_command("verify_publications", stdout=io.StringIO())


# Appetite status: a risk that moved outside its category's tolerance, or back within it --------

def appetite(within, tolerance, score=None, category="Financial"):
    entry = {"category": category, "level": "Cautious", "tolerance": tolerance, "within": within,
             "within_label": {True: "Yes", False: "No", None: "—"}[within]}
    return entry if score is None else {**entry, "score": score}


def appetite_pack(states, *, restricted, column=True):
    """One snapshot; `states` {risk id: appetite entry or None (the key missing, as stored before issue 17)}."""
    rows, register = [], []
    for pk, state in states.items():
        rows.append(row(pk, str(pk), f"Risk {pk}"))
        register.append({"id": pk, "controls": [], **({"appetite": state} if state else {})})
        if column and state:
            rows[-1]["appetite"] = {key: value for key, value in state.items() if key != "score"}
    return {"restricted": restricted, "appendix_1": rows, "appendix_2": [], "options": {"appetite_column": column},
            "appendix_4": register if restricted else None}


def test_compare_lists_appetite_movements_from_the_restricted_packs_scores():
    before = appetite_pack({1: appetite(True, 12, 9), 2: appetite(False, 12, 16), 3: appetite(True, 12, 12),
                            4: appetite(True, 12, 9), 5: appetite(None, None, 9)}, restricted=True)
    after = appetite_pack({1: appetite(False, 12, 16), 2: appetite(True, 12, 9), 3: appetite(False, 10, 12),
                           4: appetite(True, 12, 6), 5: appetite(False, 12, 16)}, restricted=True)
    changes = compare(before, after)
    moved = {c["ref"]: c for c in changes["appetite"]}
    assert list(moved) == ["1", "2", "3"]  # 4 stayed within; 5 had no appetite before: unknown, not a movement
    assert moved["1"]["movement"] == "moved outside appetite" and moved["1"]["direction"] == "outside"
    assert moved["1"]["old_text"] == "score 9 within the Financial tolerance of 12"
    assert moved["1"]["new_text"] == "score 16 above the Financial tolerance of 12"
    assert moved["2"]["movement"] == "moved back within appetite" and moved["2"]["direction"] == "within"
    # The same score, a lower tolerance: its status flipped.
    assert (moved["3"]["old_text"], moved["3"]["new_text"]) == (
        "score 12 within the Financial tolerance of 12", "score 12 above the Financial tolerance of 10")
    assert appetite_basis(before, after) == "restricted" and has_changes(changes)


def test_public_packs_compare_appetite_only_where_both_papers_print_the_column_and_never_scores():
    before = {1: appetite(True, 12, 9)}
    after = {1: appetite(False, 12, 16)}
    public = compare(appetite_pack(before, restricted=False), appetite_pack(after, restricted=False))
    assert [(c["movement"], c["old_text"], c["new_text"]) for c in public["appetite"]] == [
        ("moved outside appetite", "within the Financial tolerance of 12", "above the Financial tolerance of 12")]
    assert public["appetite"][0]["old_score"] is None and public["appetite"][0]["new_score"] is None
    assert appetite_basis(appetite_pack(before, restricted=False), appetite_pack(after, restricted=False)) == "public"
    # One of the two papers without the "Within appetite" column: the public snapshot does not say.
    without = appetite_pack(before, restricted=False, column=False)
    assert compare(without, appetite_pack(after, restricted=False))["appetite"] == []
    assert appetite_basis(without, appetite_pack(after, restricted=False)) == "none"


def test_snapshots_stored_before_appetite_are_unknown_not_movements():
    """Old-shaped snapshots (no "appetite", no "options" or "settings"): nothing reported, no KeyError."""
    old = appetite_pack({1: None, 2: None}, restricted=True, column=False)
    del old["options"]
    new = appetite_pack({1: appetite(False, 12, 16), 2: appetite(True, 12, 6)}, restricted=True)
    assert compare(old, new)["appetite"] == [] and compare(new, old)["appetite"] == []
    assert not has_changes(compare(old, new))
    assert appetite_basis(old, new) == "unknown" and appetite_basis(new, new) == "restricted"
    public_old = dict(old, restricted=False, appendix_4=None)
    assert compare(public_old, dict(new, restricted=False, appendix_4=None))["appetite"] == []
    assert appetite_basis(public_old, public_old) == "none"


def publish_december_after_raising_2a(demo, paper, *, appetite_column=False):
    """September published; December 2017's paper published after risk 2a's review of 1 November 2017
    raised its current score from 9 to 16, over its category's tolerance (Governance, 9)."""
    author, smt = demo["author"], demo["smt"]
    if appetite_column:
        paper_services.update_paper(paper_id=paper.pk, expected_version=paper.version, user=author,
                                    reason="The column", appetite_column=True)
    first = publishing.publish_paper(paper_id=paper.pk, user=author)
    december = paper_services.create_paper(user=author, reason="Next quarter", meeting_date=date(2017, 12, 15),
                                           title=paper.title, copy_from=paper)
    december = paper_services.update_paper(
        paper_id=december.pk, expected_version=december.version, user=author, reason="Options",
        include_changes=True, appetite_column=appetite_column,
    )
    governance = Risk.objects.get(ref="2a")
    with recorded_on(date(2017, 11, 1)):
        risk_services.record_review(risk_id=governance.pk, user=smt, reason="Quarterly review",
                                    reviewed_on=date(2017, 11, 1), trend=Trend.INCREASING, likelihood=4, impact=4)
    second = publishing.publish_paper(paper_id=december.pk, user=author)
    assert second.compared_with == first
    return first, second, governance


def what_changed(page):
    return page[page.index('id="what-changed"'):].split("</section>")[0]


@pytest.mark.django_db
def test_a_risk_moved_outside_appetite_is_listed_in_the_restricted_pack_only(demo, client_for, paper):
    first, second, governance = publish_december_after_raising_2a(demo, paper)
    expected = (f"Risk 2a ({governance.title}): moved outside appetite, from score 9 within the Governance "
                f"tolerance of 9 to score 16 above the Governance tolerance of 9")
    url = reverse("published:version_restricted", args=[second.paper_id, second.version])
    restricted = client_for("smt").get(url).text
    section = what_changed(restricted)
    assert "<h3>Appetite status changes (restricted)</h3>" in section and f"<li>{expected}</li>" in section
    assert "each risk's current score against the tolerance of its category" in section
    # The paper's own section (the stored HTML, its headings a level down on this page) lists it too.
    paper_section = restricted[restricted.index('id="section-changes-since"'):].split("</section>")[0]
    assert "<h4>Appetite status changes</h4>" in paper_section and f"<li>{expected}</li>" in paper_section
    # The public pack: neither paper printed the "Within appetite" column, so its snapshot does not say.
    public = client_for("panel").get(reverse("published:current", args=[second.paper_id])).text
    assert "): moved outside appetite" not in public and "Appetite status changes" not in public
    assert "are listed in the restricted pack only" in what_changed(public)
    assert "are listed in the restricted pack only" in public[public.index('id="section-changes-since"'):]
    assert "score 16" not in public

    # From the snapshots, not today's register: a later review back within does not move the list.
    risk_services.record_review(risk_id=governance.pk, user=demo["smt"], reason="Later", reviewed_on=date(2018, 1, 10),
                                trend=Trend.DECREASING, likelihood=2, impact=2)
    assert f"<li>{expected}</li>" in what_changed(client_for("smt").get(url).text)
    # The stored files are the published ones: the Word file of the restricted pack lists it as well.
    stored = second.files.get(pack="restricted", format="docx")
    paragraphs = [p.text for p in read_docx(bytes(stored.content)).paragraphs]
    assert "Appetite status changes" in paragraphs and expected in paragraphs

    # A snapshot stored before appetite status was recorded: unknown, nothing listed.
    register = first.restricted_snapshot["appendix_4"]
    old_shaped = {**first.restricted_snapshot,
                  "appendix_4": [{key: value for key, value in risk.items() if key != "appetite"} for risk in register]}
    for key in ("options", "settings", "outside_appetite"):
        old_shaped.pop(key, None)
    assert compare(old_shaped, second.restricted_snapshot)["appetite"] == []
    assert appetite_basis(old_shaped, second.restricted_snapshot) == "unknown"
    assert compare(first.restricted_snapshot, second.restricted_snapshot)["appetite"][0]["ref"] == "2a"


@pytest.mark.django_db
def test_a_public_pack_lists_it_without_scores_when_both_papers_print_the_within_appetite_column(
        demo, client_for, paper):
    first, second, governance = publish_december_after_raising_2a(demo, paper, appetite_column=True)
    public = client_for("panel").get(reverse("published:current", args=[second.paper_id])).text
    expected = (f"<li>Risk 2a ({governance.title}): moved outside appetite, from within the Governance tolerance of 9 "
                f"to above the Governance tolerance of 9</li>")
    section = what_changed(public)
    assert "<h3>Appetite status changes</h3>" in section and expected in section
    assert "as both papers print it in the “Within appetite” column, without scores" in section
    assert "score 16" not in public and "score 9" not in public
    assert expected in public[public.index('id="section-changes-since"'):].split("</section>")[0]
