"""The paper as a Word document (python-docx), from the same snapshot as the HTML and PDF.

Committee systems take Word, and people edit there, so the structure has to survive:
real Heading 1/2/3 styles (the navigation pane and screen readers list them),
Appendix 1 as a table whose header row repeats on every page, the trend as arrow
and word, page numbers in the footer, and the title, author and language
(en-GB, on the document defaults so spell-checking and speech use it) in the
document's properties.
"""

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.formats.base import Export, Format, file_name
from risks.exports import printable

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "en-GB"
APPENDIX_1_HEADERS = ("Ref", "Risk trend", "Risk Description", "Risk owner")
APPENDIX_1_WIDTHS = (Cm(1.6), Cm(3.2), Cm(9.0), Cm(3.2))
APPETITE_HEADER = "Within appetite"
APPENDIX_1_APPETITE_WIDTHS = (Cm(1.5), Cm(2.8), Cm(7.6), Cm(3.0), Cm(2.1))


def export(data):
    return Export(file_name(data, "docx"), CONTENT_TYPE, render_docx(data))


def render_docx(data):
    data = printable_data(data)
    document = Document()
    _set_up(document, data)
    _frame(document, data)
    for section in data["sections"]:
        _section(document, section)
    _panel_actions(document, data.get("panel_actions"))  # absent from snapshots stored before issue 15
    _upcoming_deep_dives(document, data.get("deep_dives"))
    if data.get("changes_since"):
        _changes_since(document, data)
    _appendix_1(document, data)
    if data.get("outside_appetite") is not None:  # absent from snapshots stored before issue 17
        _outside_appetite(document, data)
    _appendix_2(document, data)
    if data["restricted"]:
        _appendix_3(document, data)
        _appendix_4(document, data)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def printable_data(value):
    """The paper's data without the control characters a Word file cannot hold (pasted
    text; python-docx refuses them, which stopped the paper being published)."""
    if isinstance(value, dict):
        return {key: printable_data(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(printable_data(item) for item in value)
    return printable(value)


def title_of(data):
    frame = data["frame"]
    pack = " (restricted pack)" if data["restricted"] else ""
    return f"{frame['title']} – {frame['panel']}, {frame['meeting_date_display']}{pack}"


# Document set-up -----------------------------------------------------------

def _set_up(document, data):
    properties = document.core_properties
    properties.title = title_of(data)
    properties.author = data["frame"]["author"]
    properties.language = LANGUAGE
    properties.subject = f"{data['organisation']['name']}: {data['frame']['title']} to the {data['frame']['panel']}"
    properties.keywords = "restricted" if data["restricted"] else "public"
    _language_on_defaults(document)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, like the PDF
    section.left_margin = section.right_margin = Cm(2.0)
    _running_header(section, data)
    _page_number_footer(section)


def _language_on_defaults(document):
    """w:lang on the document defaults and on every style that sets its own run properties."""
    styles = document.styles.element
    r_pr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_lang(r_pr_default)
    for style in document.styles:
        element = style.element.find(qn("w:rPr"))
        if element is not None:
            _set_lang(element)


def _set_lang(r_pr):
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")


def _running_header(section, data):
    frame = data["frame"]
    text = f"{data['organisation']['short_name']} · {frame['panel']} · {frame['meeting_date_display']}"
    if data["restricted"]:
        text += " · Restricted"
    paragraph = section.header.paragraphs[0]
    if data.get("draft"):
        # Word repeats the header on every page: an unpublished paper says so on each.
        draft = paragraph.add_run("DRAFT – not published")
        draft.bold = True
        paragraph.add_run(f" · {text}")
    else:
        paragraph.text = text


def _page_number_footer(section):
    """"Page N of M" as PAGE and NUMPAGES fields, which Word fills in on each page."""
    paragraph = section.footer.paragraphs[0]
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES", "1")


def _field(paragraph, instruction, placeholder):
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


# Body ----------------------------------------------------------------------

def _runs(paragraph, runs):
    for run in runs:
        paragraph.add_run(run["text"]).bold = run["strong"] or None


def _frame(document, data):
    frame = data["frame"]
    document.add_paragraph(data["organisation"]["name"])
    document.add_paragraph(frame["panel"].upper())
    document.add_paragraph(frame["meeting_date_display"])
    document.add_heading(frame["title"], level=1)
    document.add_paragraph(f"Report by: {frame['report_by']}")
    if data["restricted"]:
        paragraph = document.add_paragraph()
        paragraph.add_run("Restricted pack").bold = True
        paragraph.add_run(": includes Appendices 3 and 4.")


def _section(document, section):
    number = f"{section['number']} " if section["number"] else ""
    document.add_heading(f"{number}{section['heading']}", level=2)
    if section["subheading"]:
        document.add_heading(section["subheading"], level=3)
    for runs in section["intro"]:
        _runs(document.add_paragraph(), runs)
    if section["kind"] == "letters":
        for item in section["items"]:
            paragraph = document.add_paragraph(f"{item['label']} ")
            paragraph.paragraph_format.left_indent = Cm(0.75)
            _runs(paragraph, item["runs"])
    elif section["kind"] == "numbered":
        for item in section["items"]:
            _runs(document.add_paragraph(f"{item['label']} "), item["runs"])
    if section["kind"] == "appendices":
        for appendix in section["appendices"]:
            restricted = " (Restricted)" if appendix["restricted"] else ""
            document.add_paragraph(f"Appendix {appendix['number']} – {appendix['title']}{restricted}", style="List Bullet")
    for runs in section["paragraphs"]:
        _runs(document.add_paragraph(), runs)


def _panel_actions(document, carried):
    if not carried:
        return
    document.add_heading(f"Actions from the meeting of {carried['meeting_date_display']}", level=2)
    for item in carried["actions"]:
        restricted = " (Restricted)" if item["restricted"] else ""
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{item['kind']}{restricted}: ").bold = True
        paragraph.add_run(item["text"])
        risks = f"Risks {', '.join(item['risks'])}. " if item["risks"] else ""
        document.add_paragraph(f"{risks}Who answers: {item['owner'] or 'not decided'}, by {item['due']}. "
                               f"Status: {item['status']}. Answer: {item['answer'] or 'not answered yet'}.")


def _upcoming_deep_dives(document, dives):
    if not dives or not dives["upcoming"]:
        return
    document.add_heading("Deep dives at coming meetings", level=2)
    for dive in dives["upcoming"]:
        note = f" – {dive['note']}" if dive["note"] else ""
        text = f"Risk {dive['ref']} {dive['title']}: the meeting of {dive['meeting_date_display']}{note}"
        document.add_paragraph(text, style="List Bullet")


def _appendix_1(document, data):
    document.add_heading(f"Appendix 1: {data['appendices'][0]['heading']}", level=2)
    rows = data["appendix_1"]
    appetite_column = (data.get("options") or {}).get("appetite_column", False)
    headers = APPENDIX_1_HEADERS + ((APPETITE_HEADER,) if appetite_column else ())
    widths = APPENDIX_1_APPETITE_WIDTHS if appetite_column else APPENDIX_1_WIDTHS
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    repeat_as_header_row(header)
    for cell, text in zip(header.cells, headers):
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(row["ref"]).bold = True
        cells[1].text = trend_text(row)
        dive = row["id"] in ((data.get("deep_dives") or {}).get("at_this_meeting") or [])
        cells[2].text = f"{row['title']} - {row['description']}" + (" (Deep dive at this meeting)" if dive else "")
        cells[3].text = row["owners"]
        if appetite_column:
            cells[4].text = row["appetite"]["within_label"]
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    appetite = " and whether each is within appetite" if appetite_column else ""
    caption = document.add_paragraph(f"Open risks as at {data['frame']['meeting_date_display']}, with their trend{appetite}.")
    caption.style = "Caption"
    if appetite_column:
        document.add_paragraph(WITHIN_NOTE)


WITHIN_NOTE = ("Within appetite: whether the risk's current score is within the tolerance set for its category; a dash "
               "where the risk has no category, or its category no appetite. Categories and appetites come from the "
               "organisation's settings.")


def _outside_appetite(document, data):
    document.add_heading("Risks outside appetite", level=3)
    appetites = "; ".join(f"{a['category']}: {a['level']}, up to {a['tolerance']}" for a in data["settings"]["appetites"])
    document.add_paragraph(
        "The risks whose current score is above the tolerance set for their category, with their plans. Categories, "
        "appetites and tolerances come from the organisation's settings" + (f" ({appetites})." if appetites else "."))
    if not data["outside_appetite"]:
        document.add_paragraph("No risk is outside appetite.")
    for risk in data["outside_appetite"]:
        document.add_heading(f"Risk {risk['ref']}: {risk['title']}", level=4)
        score = (f"Current score {risk['score']} against a tolerance of {risk['tolerance']}" if risk.get("score")
                 else f"Current score above the tolerance of {risk['tolerance']} (the scores are in the restricted pack)")
        document.add_paragraph(f"Category: {risk['category']} ({risk['level']}). {score}.")
        if risk["actions"]:
            document.add_paragraph("Control actions:")
            for action in risk["actions"]:
                document.add_paragraph(f"{action['text']} – owner: {action['owner']}; due: {action['due_date_display']}",
                                       style="List Bullet")
        acceptance = risk["acceptance"]
        if acceptance:
            document.add_paragraph(f"Accepted by {acceptance['accepted_by']} until {acceptance['expires_on_display']}: "
                                   f"{acceptance['reason']}")
        if not risk["has_plan"]:
            document.add_paragraph().add_run("No plan recorded.").bold = True


def trend_text(row):
    return f"{row['glyph']} {row['trend_label']}" if row.get("glyph") else row["trend_label"]


def repeat_as_header_row(row):
    """Mark a table row as a header row: Word repeats it at the top of each page, and
    reads it out as column headers."""
    tr_pr = row._tr.get_or_add_trPr()
    # The schema's order: cantSplit before tblHeader (Word refuses a file out of order).
    tr_pr.append(OxmlElement("w:cantSplit"))
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


CHANGE_LISTS = (
    ("added", "New risks", lambda c: f"Risk {c['ref']}: {c['title']}"),
    ("closed", "Risks closed", lambda c: f"Risk {c['ref']}: {c['title']}"),
    ("renumbered", "Renumbered", lambda c: f"{c['title']}: was risk {c['old']}, now risk {c['new']}"),
    ("retitled", "Retitled", lambda c: f"Risk {c['ref']}: was “{c['old']}”, now “{c['new']}”"),
    ("trends", "Trend changes", lambda c: f"Risk {c['ref']} ({c['title']}): {c['old_label']} to {c['new_label']}"),
    ("owners", "Owner changes",
     lambda c: f"Risk {c['ref']} ({c['title']}): was {c['old'] or 'no owner'}, now {c['new'] or 'no owner'}"),
    ("controls_added", "Controls added", lambda c: f"Risk {c['ref']} ({c['title']}): {c['text']}"),
    ("controls_removed", "Controls removed", lambda c: f"Risk {c['ref']} ({c['title']}): {c['text']}"),
    ("scores", "Score movements",
     lambda c: f"Risk {c['ref']} ({c['title']}): current score {c['old']} ({c['old_band']}) to {c['new']} ({c['new_band']})"),
    ("appetite", "Appetite status changes",
     lambda c: f"Risk {c['ref']} ({c['title']}): {c['movement']}, from {c['old_text']} to {c['new_text']}"),
    ("descriptions", "Description changes", lambda c: f"Risk {c['ref']} ({c['title']}): was “{c['old']}”, now “{c['new']}”"),
)

# One sentence on where the appetite status changes come from (reports.changes.appetite_basis), as in
# templates/reports/_appetite_basis.html; nothing for a snapshot stored before it.
APPETITE_BASIS = {
    "restricted": "Appetite status: each risk's current score against the tolerance of its category.",
    "public": "Appetite status as both papers print it in the “Within appetite” column, without scores "
              "(they are in the restricted pack).",
    "none": "Risks that moved outside appetite, or back within it, are listed in the restricted pack only: this pack "
            "prints no scores, and the two papers do not both print the “Within appetite” column.",
    "unknown": "The earlier paper's snapshot does not record whether each risk was within appetite, so no movement "
               "in or out of appetite is listed.",
}


def _changes_since(document, data):
    since = data["changes_since"]
    document.add_heading("Changes since the last paper", level=2)
    basis = APPETITE_BASIS.get(since.get("appetite_basis"))
    since_text = f"Since the paper of {since['previous']['meeting_date_display']}."
    document.add_paragraph(f"{since_text} {basis}" if basis else since_text)
    if not since["has_changes"]:
        document.add_paragraph("Nothing changed in the risks, their trends, owners or controls.")
    for key, heading, line in CHANGE_LISTS:
        if since["changes"].get(key):
            document.add_heading(heading, level=3)
            for change in since["changes"][key]:
                document.add_paragraph(line(change), style="List Bullet")


def _appendix_2(document, data):
    document.add_heading(f"Appendix 2: {data['appendices'][1]['heading']}", level=2)
    if not data["appendix_2"]:
        document.add_paragraph("No risks have been chosen for the summary risk position.")
    for position in data["appendix_2"]:
        document.add_heading(position["heading"], level=3)
        document.add_paragraph(position["statement"])
        for heading, texts in (("Control actions", position["actions"]), ("Potential control", position["potential"])):
            if texts:
                document.add_heading(heading, level=4)
                for text in texts:
                    document.add_paragraph(text)


def _appendix_3(document, data):
    document.add_heading(f"Appendix 3: {data['appendices'][2]['heading']} (Restricted)", level=2)
    if not data["appendix_3"]:
        document.add_paragraph("No governance model has been written for this paper.")
    for runs in data["appendix_3"]:
        _runs(document.add_paragraph(), runs)
    matrix = data.get("lever_coverage")  # absent from snapshots stored before issue 15
    if matrix:
        _lever_table(document, matrix)


def _lever_table(document, matrix):
    document.add_heading("Lever coverage", level=3)
    headers = ["Ref", "Risk", *(lever["label"] for lever in matrix["levers"])]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    repeat_as_header_row(table.rows[0])
    for cell, text in zip(table.rows[0].cells, headers):
        cell.paragraphs[0].add_run(text).bold = True
    for row in matrix["rows"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = row["ref"], row["title"]
        for cell, lever in zip(cells[2:], row["cells"]):
            text = "Unused" if lever["unused"] else f"{lever['actions']} action{'s' if lever['actions'] != 1 else ''}"
            cell.text = text + (f", {lever['potential']} potential" if lever["potential"] else "")


def appetite_text(appetite):
    if not appetite["category"]:
        return "no category recorded"
    if appetite["tolerance"] is None:
        return f"category {appetite['category']}; no appetite set for this category"
    within = "within appetite" if appetite["within"] else "outside appetite"
    return (f"category {appetite['category']}; appetite {appetite['level']}, tolerance {appetite['tolerance']}; "
            f"current score {appetite['score']}, {within}")


def _score_text(name, score):
    return f"{name} {score['likelihood']} × {score['impact']} = {score['score']} ({score['band_label']})"


def _appendix_4(document, data):
    document.add_heading(f"Appendix 4: {data['appendices'][3]['heading']} (Restricted)", level=2)
    for risk in data["appendix_4"]:
        document.add_heading(f"Risk {risk['ref']}: {risk['title']}", level=3)
        document.add_paragraph(risk["description"])
        owner = document.add_paragraph()
        owner.add_run("Risk owner:").bold = True
        owner.add_run(f" {risk['owners'] or 'None recorded'}")
        if risk.get("appetite"):  # entries stored before issue 17 lack the key
            line = document.add_paragraph()
            line.add_run("Appetite:").bold = True
            line.add_run(f" {appetite_text(risk['appetite'])}.")
        if risk.get("partners"):  # entries stored before issue 15 lack the key
            aligned = document.add_paragraph()
            aligned.add_run("Partner alignment:").bold = True
            aligned.add_run(" " + "; ".join(
                f"{link['partner']} {link['ref']}" + (f" {link['title']}" if link["title"] else "")
                + (f" (rated {link['rating']})" if link["rating"] else "")
                + (f": {link['note']}" if link["note"] else "")
                for link in risk["partners"]))
        scores = document.add_paragraph()
        scores.add_run("Scores").bold = True
        scores.add_run(" (likelihood × impact): " + "; ".join(
            _score_text(name, risk[name]) for name in ("inherent", "current", "target")
        ))
        if risk["reviews"]:
            document.add_heading("Reviews", level=4)
            for review in risk["reviews"]:
                commentary = f". {review['commentary']}" if review["commentary"] else ""
                document.add_paragraph(
                    f"{review['reviewed_on_display']}: {review['trend_label']}, score {review['score']['score']} "
                    f"({review['score']['band_label']}){commentary}",
                    style="List Bullet",
                )
        document.add_heading("Controls", level=4)
        if not risk["controls"]:
            document.add_paragraph("No controls recorded.", style="List Bullet")
        for control in risk["controls"]:
            document.add_paragraph(
                f"{control['text']} – {control['kind_label']}, {control['status']}; owner: {control['owner'] or 'none'}; "
                f"lever: {control['lever'] or 'none'}; due: {control['due_date_display'] or 'no date'}",
                style="List Bullet",
            )


FORMAT = Format(
    name="docx", label="Word", content_type=CONTENT_TYPE, export=export, on_overview=True,
    links={"public": "Download the paper (Word)", "restricted": "Download the restricted pack (Word)"},
)
