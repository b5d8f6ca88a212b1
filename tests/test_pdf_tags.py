"""The fixture paper's PDF tag tree (PDF/UA-1), for both packs (issue 11, item 14).

Each pack is rendered once per test run and read back with pypdf: the structure
tree from the catalog, the marked content from each page's content stream.
"""

import io
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject

from reports import rendering
from reports.models import Paper
from reports.pdf import html_to_pdf

ARROWS = set("↑↓↔↕")
_PACKS = {}
_TEXTS = {}
_READERS = {}


def pack(restricted):
    if restricted not in _PACKS:
        data = rendering.gather(Paper.objects.get(meeting_date="2017-09-22"), restricted=restricted)
        html = rendering.render_html(data)
        _PACKS[restricted] = html, rendering.render_pdf(data)
    return _PACKS[restricted]


@pytest.fixture(params=[False, True], ids=["public", "restricted"])
def paper(request, db):
    if request.param not in _PACKS:
        request.getfixturevalue("demo")  # the register, loaded only for the first render of each pack
    html, pdf = pack(request.param)
    return html, reader_of(pdf)


def reader_of(pdf):
    if pdf not in _READERS:
        _READERS[pdf] = PdfReader(io.BytesIO(pdf))
    return _READERS[pdf]


# Reading the tree ----------------------------------------------------------

def kids_of(element):
    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


def struct_kids(element):
    return [kid.get_object() for kid in kids_of(element)
            if isinstance(kid.get_object(), DictionaryObject) and "/S" in kid.get_object()]


def elements(reader, within=None):
    """Every structure element (of the tree, or under `within`), depth first, in reading order."""
    pending = [within if within is not None else reader.trailer["/Root"]["/StructTreeRoot"]]
    found = []
    while pending:
        element = pending.pop()
        if "/S" in element:
            found.append(element)
        pending.extend(reversed(struct_kids(element)))
    return found


def of_kind(reader, kind, within=None):
    return [element for element in elements(reader, within) if element["/S"] == kind]


def page_index(reader):
    return {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}


def referenced_mcids(reader):
    """{(page number, MCID): structure element} for every marked-content reference in the tree."""
    pages = page_index(reader)
    found = {}
    for element in elements(reader):
        for kid in kids_of(element):
            value = kid.get_object()
            if isinstance(value, int):
                found[pages[element.raw_get("/Pg").idnum], int(value)] = element
            elif isinstance(value, DictionaryObject) and value.get("/Type") == "/MCR":
                found[pages[value.raw_get("/Pg").idnum], int(value["/MCID"])] = element
    return found


def marked_content(page):
    """[(tag, properties)] of every BDC/BMC sequence opened in the page's content stream."""
    opened = []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"BDC":
            properties = operands[1]
            opened.append((operands[0], properties.get_object() if hasattr(properties, "get_object") else properties))
        elif operator == b"BMC":
            opened.append((operands[0], {}))
    return opened


def texts(reader):
    """[{kind: text}] for each page: text shown as pagination or layout artifacts, or as tagged content.

    pypdf hands text over at the end of each text object (ET), and WeasyPrint
    opens one marked-content sequence around each text object it draws."""
    if reader not in _TEXTS:
        _TEXTS[reader] = [_texts(page) for page in reader.pages]
    return _TEXTS[reader]


def _texts(page):
    stack, kept = [], {"pagination": [], "layout": [], "tagged": []}

    def before(operator, operands, *_):
        if operator == b"BDC":
            stack.append((operands[0], operands[1]))
        elif operator == b"BMC":
            stack.append((operands[0], {}))
        elif operator == b"EMC":
            stack.pop()

    def text(value, *_):
        if in_artifact(stack, "/Pagination"):
            kept["pagination"].append(value)
        elif in_artifact(stack, "/Layout"):
            kept["layout"].append(value)
        elif tagged(stack):
            kept["tagged"].append(value)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {kind: "".join(values) for kind, values in kept.items()}


def in_artifact(stack, kind=None):
    return any(tag == "/Artifact" and (kind is None or properties.get("/Type") == kind) for tag, properties in stack)


def tagged(stack):
    return not in_artifact(stack) and any("/MCID" in properties for _, properties in stack)


class HTMLCounter(HTMLParser):
    """Tables, sections, paragraphs and lists (with their items) inside the paper's <main>."""

    def __init__(self, html):
        super().__init__()
        self.tables = self.sections = self.paragraphs = 0
        self.list_items = []  # item count of each list, in document order
        self._open_lists, self._main = [], 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self._main += 1
        if not self._main:
            return
        if tag == "table":
            self.tables += 1
        elif tag == "section":
            self.sections += 1
        elif tag == "p":
            self.paragraphs += 1
        elif tag in ("ul", "ol"):
            self.list_items.append(0)
            self._open_lists.append(len(self.list_items) - 1)
        elif tag == "li":
            self.list_items[self._open_lists[-1]] += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self._main -= 1
        elif tag in ("ul", "ol") and self._main:
            self._open_lists.pop()


# The checks ----------------------------------------------------------------

def test_all_marked_content_is_in_the_tree_or_an_artifact(paper):
    _, reader = paper
    referenced = referenced_mcids(reader)
    parent_tree = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]
    nums = parent_tree["/Nums"]
    by_page = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}  # annotations too
    seen = set()
    for number, page in enumerate(reader.pages):
        assert page["/StructParents"] == number
        for tag, properties in marked_content(page):
            if tag == "/Artifact":
                assert "/MCID" not in properties
                continue
            mcid = int(properties["/MCID"])
            assert (number, mcid) in referenced, f"page {number + 1}: {tag} MCID {mcid} is not in the structure tree"
            assert by_page[number][mcid].idnum == referenced[number, mcid].indirect_reference.idnum  # the parent tree agrees
            seen.add((number, mcid))
    assert seen == set(referenced)  # and the tree references nothing that is not drawn


def test_running_header_and_page_numbers_are_pagination_artifacts(paper):
    _, reader = paper
    count = len(reader.pages)
    pagination = [page["pagination"] for page in texts(reader)]
    content = [page["tagged"] for page in texts(reader)]
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {count}" in pagination[number - 1]
        assert f"Page {number} of {count}" not in content[number - 1]
        if number > 1:
            assert "MOPAC · Audit Panel · Friday, 22 September 2017" in pagination[number - 1]
            assert "MOPAC · Audit Panel · Friday, 22 September 2017" not in content[number - 1]
        subtypes = {properties.get("/Subtype") for tag, properties in marked_content(page) if tag == "/Artifact"}
        assert "/Footer" in subtypes and (number == 1 or "/Header" in subtypes)


def test_every_header_cell_has_a_scope(paper):
    _, reader = paper
    cells = of_kind(reader, "/TH")
    assert len(cells) >= 4
    for cell in cells:
        group = cell["/P"].get_object()["/P"].get_object()["/S"]
        assert cell["/A"]["/Scope"] == ("/Column" if group == "/THead" else "/Row")


def test_one_table_per_html_table_with_its_caption_inside(paper):
    html, reader = paper
    tables = of_kind(reader, "/Table")
    # Appendix 1; the restricted pack adds Appendix 3's lever matrix (issue 15).
    assert len(tables) == HTMLCounter(html).tables == (2 if "Lever coverage" in html else 1)
    overview = tables[0]
    assert [kid["/S"] for kid in struct_kids(overview)] == ["/Caption", "/THead", "/TBody"]
    (body,) = [kid for kid in struct_kids(overview) if kid["/S"] == "/TBody"]
    rows = html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
    assert len(struct_kids(body)) == rows  # every row, from every page, in one body
    # The header row repeated on the table's second page is pagination, and
    # the cells there point at the header cells of the first.
    names = reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"]["/Names"]
    id_tree = {names[i]: names[i + 1].get_object() for i in range(0, len(names), 2)}
    assert list(id_tree) == sorted(id_tree)
    header_cells = of_kind(reader, "/TH")
    assert {cell["/ID"]: cell for cell in header_cells} == id_tree
    for cell in of_kind(reader, "/TD"):
        assert all(id_tree[header] in header_cells for header in cell["/A"]["/Headers"])


def test_one_list_per_html_list_one_section_per_section_one_paragraph_per_paragraph(paper):
    html, reader = paper
    counted = HTMLCounter(html)
    (main,) = of_kind(reader, "/Part")  # <main>: one Part, not one per page
    lists = of_kind(reader, "/L", within=main)
    assert [len([kid for kid in struct_kids(element) if kid["/S"] == "/LI"]) for element in lists] == counted.list_items
    assert len(of_kind(reader, "/Sect", within=main)) == counted.sections
    assert len(of_kind(reader, "/P", within=main)) == counted.paragraphs


def test_list_items_hold_their_label_apart_from_their_body(paper):
    html, reader = paper
    labelled = 0
    for item in of_kind(reader, "/LI"):
        kinds = [kid["/S"] for kid in struct_kids(item)]
        assert kinds in (["/LBody"], ["/Lbl", "/LBody"])
        labelled += kinds == ["/Lbl", "/LBody"]
    lettered = html.split('<ol class="lettered">')[1].split("</ol>")[0]
    assert labelled == lettered.count('<span class="label">') == lettered.count("<li>") > 0


def test_trend_arrows_are_artifacts_not_text(paper):
    _, reader = paper
    assert not ARROWS & set("".join(page["tagged"] for page in texts(reader)))
    assert {"↕", "↔"} <= set("".join(page["layout"] for page in texts(reader)))


def test_language_and_title_are_still_set(paper):
    _, reader = paper
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert root["/MarkInfo"]["/Marked"]
    # A draft (as here) says so first.
    assert reader.metadata.title.startswith("DRAFT – MOPAC Risk Management Report – Audit Panel, Friday, 22 September 2017")


def test_a_table_and_a_list_over_several_pages_stay_one_of_each():
    """Beyond the fixture: many page breaks, a header cell without a scope attribute, a footer."""
    rows = "".join(f"<tr><th>{n}</th><td>Row {n}</td></tr>" for n in range(40))
    items = "".join(f"<li>Item {n}</li>" for n in range(40))
    pdf = html_to_pdf(
        '<html lang="en-GB"><head><title>Long</title><style>@page { size: A7; @bottom-center { content: counter(page) } }'
        "</style></head><body><main><table><thead><tr><th>N</th><th>Text</th></tr></thead>"
        f"<tbody>{rows}</tbody></table><ul>{items}</ul></main></body></html>"
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4
    (table,) = of_kind(reader, "/Table")
    assert [kid["/S"] for kid in struct_kids(table)] == ["/THead", "/TBody"]
    assert len(struct_kids(struct_kids(table)[1])) == 40
    assert [cell["/A"]["/Scope"] for cell in of_kind(reader, "/TH")] == ["/Column"] * 2 + ["/Row"] * 40
    (single_list,) = of_kind(reader, "/L")
    assert len(struct_kids(single_list)) == 40
    referenced = referenced_mcids(reader)
    for number, page in enumerate(reader.pages):
        for tag, properties in marked_content(page):
            assert tag == "/Artifact" or (number, int(properties["/MCID"])) in referenced
    pages = texts(reader)
    assert [page["pagination"].split()[-1] for page in pages] == [str(n) for n in range(1, len(pages) + 1)]
    # The header row, drawn again on each page the table runs on, is read once.
    assert "".join(page["tagged"] for page in pages).count("Text") == 1
    assert "".join(page["pagination"] for page in pages).count("N Text") >= 2
