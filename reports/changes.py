"""What changed since the last paper, from two published snapshots only.

    changes = compare(previous_snapshot, snapshot)

Both snapshots come from publications (reports.rendering.gather, as stored),
never from today's register, so the list never moves after publishing. Risks
and controls are matched by id, so a renumbered risk or a reworded control is
recognised as the same one.

On public packs, controls are compared for the risks in both papers'
Appendix 2 (all a public reader may see); on restricted packs, for every risk
(Appendix 4). Retired controls count as removed.
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


def _label(row):
    return {"ref": row["ref"], "title": row["title"]}


def compare(previous, current):
    """A dict of lists, each empty if nothing of that kind changed."""
    before, after = _risks(previous), _risks(current)
    changes = {
        "added": [], "closed": [], "renumbered": [], "retitled": [], "trends": [], "owners": [],
        "controls_added": [], "controls_removed": [],
    }
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
    changes["closed"] = [_label(row) for risk_id, row in before.items() if risk_id not in after]
    old_controls, new_controls = _controls(previous), _controls(current)
    for risk_id, row in after.items():  # in the paper's ref order
        if risk_id not in old_controls or risk_id not in new_controls:
            continue
        old, new = old_controls[risk_id], new_controls[risk_id]
        changes["controls_added"] += [{**_label(row), "text": new[pk]} for pk in new if pk not in old]
        changes["controls_removed"] += [{**_label(row), "text": old[pk]} for pk in old if pk not in new]
    return changes


def has_changes(changes):
    return any(changes.values())
