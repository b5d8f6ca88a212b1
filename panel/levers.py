"""Lever coverage: every open risk against the three levers of the governance model
(organisation.models.Lever), so the SMT can see where a lever is unused.

Built from a register source (risks.register_source), so the page (the live register)
and the restricted pack's Appendix 3 (the register as at the paper's cut-off) agree.
Retired controls do not count; potential controls are counted apart and do not make
a lever "used"."""

from controls.models import Control
from organisation.current import current


def lever_matrix(source, risks, org=None):
    """Plain data: {"levers": [{key, label, unused: risks with no control action on it}], "rows": [...]}.
    `org`: the organisation's settings to use (a paper's, as at its day); today's by default."""
    org = org or current()
    controls = source.controls([risk.id for risk in risks])
    levers = [(lever.key, lever.label) for lever in org.levers if lever.active]
    rows = []
    for risk in risks:
        live = [control for control in controls.get(risk.id, []) if control.status != Control.Status.RETIRED]
        cells = []
        for lever, label in levers:
            actions = sum(1 for c in live if c.lever == lever and c.kind == Control.Kind.ACTION)
            potential = sum(1 for c in live if c.lever == lever and c.kind == Control.Kind.POTENTIAL)
            cells.append({"lever": lever, "label": label, "actions": actions, "potential": potential,
                          "unused": actions == 0})
        band = org.band_for(risk.current[0] * risk.current[1])
        rows.append({
            "id": risk.id, "ref": risk.ref, "title": risk.title, "owners": risk.owner_names,
            "band": band.key, "band_label": band.label, "cells": cells,
            "no_lever": sum(1 for c in live if not c.lever),
        })
    unused = {lever: sum(1 for row in rows for cell in row["cells"] if cell["lever"] == lever and cell["unused"])
              for lever, _ in levers}
    return {
        "levers": [{"key": lever, "label": label, "unused": unused[lever]} for lever, label in levers],
        "rows": rows,
    }


def csv_rows(matrix):
    """Heading and rows of the CSV export (values neutralised by the caller)."""
    heading = ["Ref", "Risk", "Owners", "Band"]
    for lever in matrix["levers"]:
        heading += [f"{lever['label']}: control actions", f"{lever['label']}: potential controls",
                    f"{lever['label']}: unused"]
    heading.append("Controls with no lever")
    yield heading
    for row in matrix["rows"]:
        values = [row["ref"], row["title"], row["owners"], row["band_label"]]
        for cell in row["cells"]:
            values += [cell["actions"], cell["potential"], "Unused" if cell["unused"] else ""]
        values.append(row["no_lever"])
        yield values
