"""What changed since the last paper: computed from two published snapshots."""

import io
from datetime import timedelta

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
from reports.changes import compare, has_changes
from reports.models import Paper
from risks import services as risk_services
from risks.models import Owner, Risk, Trend
from riskregister.tracking import delete_tracked, save_tracked
from tests import tampering
from tests.factories import make_risk


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
