"""Reads the worked example (the September 2017 paper) so tests can compare
the product with the seed's own words."""

from pathlib import Path


# A copy of ../shared/seed/000_6dce36ee10919df1.txt, so the suite runs anywhere.
SEED_PATH = Path(__file__).parent / "data" / "seed_2017_09.txt"
GLYPH_TRENDS = {"↕": "fluctuating", "↔": "no_change", "↑": "increasing", "↓": "decreasing", "": "new"}
APPENDIX_2_HEADINGS = ("Vulnerability", "Adequate Funding", "Decision Making and Change", "CJ Devolution", "Equalities")


def seed_text():
    return SEED_PATH.read_text(encoding="utf-8")


def appendix_1_rows():
    """[(ref, trend, title, description, [owners])] in the seed's order."""
    lines = seed_text().splitlines()
    start = lines.index("Ref\tRisk trend\tRisk Description\tRisk owner") + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        ref, glyph, cell, owners = line.split("\t")
        if ref.endswith("New"):
            ref, glyph = ref.removesuffix("New"), ""
        title, description = cell.split(" - ", 1)
        rows.append((ref, GLYPH_TRENDS[glyph], title, description, [o.strip() for o in owners.split("/")]))
    return rows


def appendix_2_sections():
    """[(heading, statement, [control lines], [potential control lines])]."""
    text = seed_text()
    lines = [line for line in text[text.index("Appendix 2: MOPAC summary risk position"):].splitlines()[1:] if line.strip()]
    sections, index = [], 0
    while index < len(lines):
        heading, statement = lines[index], lines[index + 1]
        index += 3  # heading, statement, "Control actions"
        actions, potential, bucket = [], [], None
        bucket = actions
        while index < len(lines) and lines[index] not in APPENDIX_2_HEADINGS:
            if lines[index] == "Potential control":
                bucket = potential
            else:
                bucket.append(lines[index])
            index += 1
        sections.append((heading, statement, actions, potential))
    return sections
