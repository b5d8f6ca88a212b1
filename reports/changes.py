"""What changed since the last paper, from two published snapshots only.

    changes = compare(previous_snapshot, snapshot)

Both snapshots come from publications (reports.rendering.gather, as stored),
never from today's register, so the list never moves after publishing. Risks
and controls are matched by id, so a renumbered risk or a reworded control is
recognised as the same one.

On public packs, controls are compared for the risks in both papers'
Appendix 2 (all a public reader may see); on restricted packs, for every risk
(Appendix 4). Retired controls count as removed. Only restricted packs also list
score movements (current score, Appendix 4) and description changes.

A draft's page compares the same way (reports.rendering.changes_since_previous): the previous paper's
latest publication, or its gather() if it was never published, with the draft's
gather().
"""


def _risks(snapshot):
    return {row["id"]: row for row in snapshot.get("appendix_1", []) if "id" in row}


def _public_controls(snapshot):
    return {
        position["risk_id"]: {control["id"]: control["text"] for control in position.get("controls", [])}
        for position in snapshot.get("appendix_2", []) if "risk_id" in position
    }


def _restricted_controls(snapshot):
    return {
        risk["id"]: {
            control["id"]: control["text"] for control in risk.get("controls", [])
            if control.get("status") != "Retired"
        }
        for risk in snapshot.get("appendix_4") or [] if "id" in risk
    }


def _controls(snapshot):
    return _restricted_controls(snapshot) if snapshot.get("restricted") else _public_controls(snapshot)


def _current_scores(snapshot):
    return {risk["id"]: risk["current"] for risk in snapshot.get("appendix_4") or [] if "id" in risk and "current" in risk}


def _label(row):
    return {"ref": row["ref"], "title": row["title"]}


def compare(previous, current):
    """A dict of lists, each empty if nothing of that kind changed."""
    before, after = _risks(previous), _risks(current)
    changes = {
        "added": [], "closed": [], "renumbered": [], "retitled": [], "trends": [], "owners": [],
        "controls_added": [], "controls_removed": [], "scores": [], "descriptions": [],
    }
    restricted = bool(previous.get("restricted") and current.get("restricted"))
    for risk_id, row in after.items():
        old = before.get(risk_id)
        if old is None:
            changes["added"].append(_label(row))
            continue
        if old["ref"] != row["ref"]:
            changes["renumbered"].append({"title": row["title"], "old": old["ref"], "new": row["ref"]})
        if old["title"] != row["title"]:
            changes["retitled"].append({"ref": row["ref"], "old": old["title"], "new": row["title"]})
        if old["trend"] != row["trend"]:
            changes["trends"].append({
                **_label(row), "old_label": old["trend_label"], "old_glyph": old["glyph"],
                "new_label": row["trend_label"], "new_glyph": row["glyph"],
            })
        if old["owners"] != row["owners"]:
            changes["owners"].append({**_label(row), "old": old["owners"], "new": row["owners"]})
        if restricted and old.get("description", "") != row.get("description", ""):
            changes["descriptions"].append({**_label(row), "old": old.get("description", ""), "new": row.get("description", "")})
    changes["closed"] = [_label(row) for risk_id, row in before.items() if risk_id not in after]
    old_controls, new_controls = _controls(previous), _controls(current)
    for risk_id, row in after.items():  # in the paper's ref order
        if risk_id not in old_controls or risk_id not in new_controls:
            continue
        old, new = old_controls[risk_id], new_controls[risk_id]
        changes["controls_added"] += [{**_label(row), "text": new[pk]} for pk in new if pk not in old]
        changes["controls_removed"] += [{**_label(row), "text": old[pk]} for pk in old if pk not in new]
    if restricted:
        old_scores, new_scores = _current_scores(previous), _current_scores(current)
        for risk_id, row in after.items():
            old, new = old_scores.get(risk_id), new_scores.get(risk_id)
            if old and new and old["score"] != new["score"]:
                changes["scores"].append({
                    **_label(row), "old": old["score"], "old_band": old["band_label"],
                    "new": new["score"], "new_band": new["band_label"],
                    "direction": "up" if new["score"] > old["score"] else "down",
                })
    return changes


def has_changes(changes):
    return any(changes.values())
