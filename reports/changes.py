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

Appetite status (`appetite_basis`): a risk that moved outside its primary category's
appetite tolerance, or back within it (its score moved, its tolerance changed, or its
category did). Restricted packs compare Appendix 4's "appetite" (current score against
the tolerance). A public snapshot carries no scores; it carries whether each risk is
within appetite (with its category and tolerance) only where the paper printed the
"Within appetite" column (Appendix 1 rows' "appetite"), which the public reader saw. So
public packs list movements only when both papers printed that column, without scores;
otherwise only the restricted pack lists them (the intro text says so). A row without
the key (a snapshot stored before issue 17, or without the column), or a risk with no
category or no appetite for it (within is None), is unknown: no movement is reported.

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


def _records_appetite(snapshot):
    register = snapshot.get("appendix_4") or []
    return not register or any("appetite" in risk for risk in register)


def appetite_basis(previous, current):
    """Where the appetite status compared comes from: "restricted" (Appendix 4, with scores),
    "public" (both papers printed the "Within appetite" column), "unknown" (restricted packs, one
    stored before issue 17 recorded appetite) or "none" (not compared in this pack)."""
    if previous.get("restricted") and current.get("restricted"):
        return "restricted" if _records_appetite(previous) and _records_appetite(current) else "unknown"
    if all((snapshot.get("options") or {}).get("appetite_column") for snapshot in (previous, current)):
        return "public"
    return "none"


def _appetites(snapshot, basis):
    """{risk id: appetite entry} where the snapshot states within or outside (not None, not missing)."""
    rows = (snapshot.get("appendix_4") or []) if basis == "restricted" else snapshot.get("appendix_1", [])
    return {
        row["id"]: row["appetite"] for row in rows
        if "id" in row and isinstance(row.get("appetite"), dict) and row["appetite"].get("within") in (True, False)
        and row["appetite"].get("tolerance") is not None
    }


def appetite_state_text(appetite):
    """"score 16 above the Governance tolerance of 9" (restricted), "above the Governance tolerance of 9" (public)."""
    where = "within" if appetite["within"] else "above"
    category = f"{appetite['category']} " if appetite.get("category") else ""
    score = f"score {appetite['score']} " if appetite.get("score") is not None else ""
    return f"{score}{where} the {category}tolerance of {appetite['tolerance']}"


def _appetite_movements(previous, current, after):
    basis = appetite_basis(previous, current)
    if basis not in ("restricted", "public"):
        return []
    before_appetites, after_appetites = _appetites(previous, basis), _appetites(current, basis)
    movements = []
    for risk_id, row in after.items():  # in the paper's ref order
        old, new = before_appetites.get(risk_id), after_appetites.get(risk_id)
        if old is None or new is None or old["within"] == new["within"]:
            continue
        movements.append({
            **_label(row), "direction": "within" if new["within"] else "outside",
            "movement": "moved back within appetite" if new["within"] else "moved outside appetite",
            "old_text": appetite_state_text(old), "new_text": appetite_state_text(new),
            "old_score": old.get("score"), "new_score": new.get("score"),
            "old_tolerance": old["tolerance"], "new_tolerance": new["tolerance"],
            "old_category": old.get("category", ""), "new_category": new.get("category", ""),
        })
    return movements


def _label(row):
    return {"ref": row["ref"], "title": row["title"]}


def compare(previous, current):
    """A dict of lists, each empty if nothing of that kind changed."""
    before, after = _risks(previous), _risks(current)
    changes = {
        "added": [], "closed": [], "renumbered": [], "retitled": [], "trends": [], "owners": [],
        "controls_added": [], "controls_removed": [], "scores": [], "descriptions": [], "appetite": [],
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
    changes["appetite"] = _appetite_movements(previous, current, after)
    return changes


def has_changes(changes):
    return any(changes.values())
