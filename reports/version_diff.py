"""What differs between a published version and the one before it (issue 13, item 6).

    diff = version_differences(earlier_snapshot, later_snapshot)
    # {"sections": [{"heading", "before", "after"}], "rows": reports.changes.compare(...), "has_differences": bool}

Both are stored snapshots of the same paper (a correction and what it corrects), so
the comparison never reads the live register: text changed (each narrative section,
and Appendix 3 in the restricted pack, as printed) and register rows changed
(reports.changes.compare, plus Appendix 1 descriptions, which a public reader sees).
"""

from reports.changes import compare, has_changes


def _text(paragraphs):
    return "\n\n".join("".join(run["text"] for run in runs) for runs in paragraphs or [])


def _section_text(section):
    parts = [_text(section.get("intro")), _text(section.get("paragraphs"))]
    parts += [f"{item['label']} " + "".join(run["text"] for run in item["runs"]) for item in section.get("items", [])]
    return "\n\n".join(part for part in parts if part)


def version_differences(earlier, later):
    before = {section["key"]: section for section in earlier.get("sections", [])}
    sections = []
    for section in later.get("sections", []):
        old = before.get(section["key"])
        old_text, new_text = (_section_text(old) if old else ""), _section_text(section)
        if old_text != new_text:
            sections.append({"heading": section["heading"], "before": old_text, "after": new_text})
    if later.get("restricted") and _text(earlier.get("appendix_3")) != _text(later.get("appendix_3")):
        sections.append({"heading": "Appendix 3 (restricted)", "before": _text(earlier.get("appendix_3")),
                         "after": _text(later.get("appendix_3"))})
    rows = compare(earlier, later)
    if not rows["descriptions"]:  # public packs: Appendix 1 shows descriptions, so a change shows too
        old_rows = {row["id"]: row for row in earlier.get("appendix_1", []) if "id" in row}
        rows["descriptions"] = [
            {"ref": row["ref"], "title": row["title"], "old": old_rows[row["id"]].get("description", ""),
             "new": row.get("description", "")}
            for row in later.get("appendix_1", [])
            if row.get("id") in old_rows and old_rows[row["id"]].get("description", "") != row.get("description", "")
        ]
    return {"sections": sections, "rows": rows, "has_differences": bool(sections) or has_changes(rows)}
