"""Repairs to WeasyPrint's PDF tag tree so the paper's packs meet PDF/UA-1 (issue 11, item 14).

WeasyPrint 70 builds the structure tree page by page from the laid-out boxes,
and on its own that tree has these faults (upstream Kozea/WeasyPrint #1836, #2903):

- an element cut by a page break becomes one structure element per page (the
  overview table two Tables, a register section several Sects, a list several Ls);
- a table's header row, repeated on each page it runs on, is tagged again;
- the running header and "Page N of M" (page margin boxes) are marked content
  that the tree never references, instead of pagination artifacts;
- no TH has a /Scope;
- an absolutely positioned (visually hidden) caption is wrapped in anonymous
  table boxes, each tagged as a Table nested inside the table;
- content hidden from assistive technology (aria-hidden, the trend arrows that
  stand beside their words) is tagged as text;
- a list item's own label (`<span class="label">a.</span>`) sits inside LBody.

`install()` wraps two of WeasyPrint's functions. Its tree builder notes, on
each structure element, the HTML element its box came from, and keeps margin
boxes out of the tree (noting their marked content as pagination). Then, once
WeasyPrint has built the whole tree and before pydyf writes the file, `repair`
mends the tree in memory: fragments of one element are joined, everything
above is put right, the parent tree is rebuilt from what remains, and every
marked-content sequence the tree no longer references becomes an /Artifact in
the page's content stream. The text drawn is untouched, so a PDF reader's text
extraction is the same as before.
"""

from weasyprint import pdf as weasyprint_pdf
from weasyprint.css import AnonymousStyle
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags as weasyprint_tags

import pydyf

# An element of a list item with this class is the item's label (Lbl).
LIST_LABEL_CLASS = "label"
TABLE_PARTS = {"/Table", "/THead", "/TBody", "/TFoot", "/TR"}
REPEATED_GROUPS = {"/THead", "/TFoot"}
SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}
LAYOUT = {"Type": "/Layout"}  # artifact properties for content hidden from assistive technology
REPEATED_HEADER = {"Type": "/Pagination"}

_weasyprint_build_box_tree = weasyprint_tags._build_box_tree
_weasyprint_add_tags = weasyprint_tags.add_tags


def install():
    """Route WeasyPrint's tagging through this module (idempotent)."""
    weasyprint_tags._build_box_tree = _build_box_tree
    weasyprint_pdf.add_tags = add_tags


def add_tags(pdf, document, pdf_version, page_streams):
    _weasyprint_add_tags(pdf, document, pdf_version, page_streams)
    TagTreeRepair(pdf, page_streams).run()


def _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, boxes.MarginBox):
        _note_pagination(pdf, page_number, box, tags)
        return
    source = (box.element, box.element_tag, isinstance(box.style, AnonymousStyle))
    for element in _weasyprint_build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        if getattr(element, "source", None) is None:
            element.source = source
        yield element


def _note_pagination(pdf, page_number, margin_box, tags):
    """Take a margin box's marked content out of the tree, as a header or footer artifact."""
    keyword = margin_box.at_keyword
    properties = {"Type": "/Pagination"}
    if keyword.startswith("@top"):
        properties["Subtype"] = "/Header"
    elif keyword.startswith("@bottom"):
        properties["Subtype"] = "/Footer"
    noted = pdf.__dict__.setdefault("_pagination_mcids", {}).setdefault(page_number, {})
    pending = [margin_box]
    while pending:
        box = pending.pop()
        if box in tags:
            noted[tags.pop(box)["mcid"]] = properties
        pending.extend(getattr(box, "children", ()))


def _html_element(element):
    source = getattr(element, "source", None)
    return source[0] if source else None


def _anonymous(element):
    source = getattr(element, "source", None)
    return bool(source and source[2])


def _same_source(one, other):
    return (getattr(one, "source", None) is not None and one.source == getattr(other, "source", None)
            and one["S"] == other["S"])


class TagTreeRepair:
    def __init__(self, pdf, page_streams):
        self.pdf = pdf
        self.page_streams = page_streams
        # {page number: {MCID as WeasyPrint numbered it: artifact properties}}, margin boxes' first
        self.artifacts = pdf.__dict__.pop("_pagination_mcids", {})
        self.page_numbers = {reference: number for number, reference in enumerate(pdf.page_references)}
        self.header_ids = {}  # {ID of a repeated header cell dropped: ID of the cell it repeats}
        self.root = self.object(pdf.catalog["StructTreeRoot"])
        self.parent_tree = self.object(self.root["ParentTree"])

    def object(self, reference):
        return self.pdf.objects[int(reference.split(b" ", 1)[0])]

    def struct_element(self, kid):
        """The structure element a K entry refers to, or None (an MCID, MCR or OBJR)."""
        if not isinstance(kid, bytes):
            return None
        element = self.object(kid)
        return element if element.get("Type") == "/StructElem" else None

    def run(self):
        document = self.object(self.root["K"][0])
        kids, document["K"] = document["K"], pydyf.Array()
        self.absorb(document, kids, document.get("Pg"))
        self.mend(document)
        self.rebuild_parent_tree(document)

    # Joining the fragments of elements cut by page breaks ----------------

    def absorb(self, target, kids, page):
        """Append `kids` (K entries of an element on `page`) to `target`, joining continued elements."""
        for kid in kids:
            element = self.struct_element(kid)
            if element is not None:
                last = self.struct_element(target["K"][-1]) if target["K"] else None
                if last is not None and _same_source(last, element):
                    self.absorb(last, element["K"], element.get("Pg"))
                    element.clear()
                    continue
                if element["S"] in REPEATED_GROUPS:
                    first = next((self.struct_element(k) for k in target["K"]
                                  if _same_source(self.struct_element(k) or {}, element)), None)
                    if first is not None:
                        self.drop_repeated_header(element, first)
                        continue
                element["P"] = target.reference
            elif isinstance(kid, int) and page != target.get("Pg"):
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": page, "MCID": kid})
            target["K"].append(kid)

    def drop_repeated_header(self, repeat, original):
        """A header (or footer) row group repeated on a later page: pagination, pointing back to the original."""
        cells = {}
        for element in self.descendants(original):
            if element["S"] == "/TH" and "ID" in element:
                cells.setdefault(element.source, element["ID"].string)
        for element in self.descendants(repeat):
            if element["S"] == "/TH" and "ID" in element and element.source in cells:
                self.header_ids[element["ID"].string] = cells[element.source]
            for mcid, page in self.mcids_of(element):
                self.artifacts.setdefault(self.page_numbers[page], {})[mcid] = REPEATED_HEADER

    def descendants(self, element):
        pending = [element]
        while pending:
            element = pending.pop()
            yield element
            pending.extend(child for child in map(self.struct_element, element["K"]) if child is not None)

    def mcids_of(self, element):
        for kid in element["K"]:
            if isinstance(kid, int):
                yield kid, element["Pg"]
            elif isinstance(kid, dict) and kid.get("Type") == "/MCR":
                yield kid["MCID"], kid["Pg"]

    # Mending the joined tree -------------------------------------------

    def mend(self, element):
        kids = element["K"]
        index = 0
        while index < len(kids):
            child = self.struct_element(kids[index])
            if child is None:
                index += 1
                continue
            html = _html_element(child)
            if html is not None and html.get("aria-hidden") == "true":
                # Hidden from assistive technology: not part of the tree; its content becomes artifacts.
                for descendant in self.descendants(child):
                    for mcid, page in self.mcids_of(descendant):
                        self.artifacts.setdefault(self.page_numbers[page], {}).setdefault(mcid, LAYOUT)
                del kids[index]
                continue
            if child["S"] == "/Table" and _anonymous(child) and element["S"] in TABLE_PARTS:
                # An anonymous table box (around an absolutely positioned caption): its kids belong here.
                grandchildren = list(child["K"])
                for grandchild in map(self.struct_element, grandchildren):
                    if grandchild is not None:
                        grandchild["P"] = element.reference
                kids[index:index + 1] = grandchildren
                child.clear()
                continue
            self.mend(child)
            index += 1
        if element["S"] == "/Table":
            self.caption_first(element)
        elif element["S"] == "/TH":
            self.set_scope(element)
        elif element["S"] == "/TD":
            self.point_headers_at_originals(element)
        elif element["S"] == "/LI":
            self.label_apart(element)

    def caption_first(self, table):
        kids = table["K"]
        for index, kid in enumerate(kids):
            element = self.struct_element(kid)
            if element is not None and element["S"] == "/Caption":
                kids.insert(0, kids.pop(index))
                return

    def set_scope(self, cell):
        html = _html_element(cell)
        scope = SCOPES.get((html.get("scope") or "").lower()) if html is not None else None
        if scope is None:
            row_group = self.object(self.object(cell["P"])["P"])
            scope = "/Column" if row_group["S"] == "/THead" else "/Row"
        cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))["Scope"] = scope

    def point_headers_at_originals(self, cell):
        headers = cell.get("A", {}).get("Headers")
        if headers:
            cell["A"]["Headers"] = pydyf.Array(
                pydyf.String(self.header_ids.get(header.string, header.string)) for header in headers)

    def label_apart(self, item):
        """LI > LBody > [label, ...] becomes LI > [Lbl, LBody > [...]]."""
        body = next((self.struct_element(kid) for kid in item["K"]
                     if (self.struct_element(kid) or {}).get("S") == "/LBody"), None)
        if body is None or not body["K"]:
            return
        first = self.struct_element(body["K"][0])
        html = _html_element(first) if first is not None else None
        if html is None or LIST_LABEL_CLASS not in (html.get("class") or "").split():
            return
        del body["K"][0]
        first["S"], first["P"] = "/Lbl", item.reference
        item["K"].insert(item["K"].index(body.reference), first.reference)

    # Parent tree and content streams -----------------------------------

    def rebuild_parent_tree(self, document):
        """Number each page's referenced MCIDs afresh; whatever the tree does not reference is an artifact."""
        found = {}  # {page number: [(MCID, element, K array, index)]}
        annotations = {}  # {StructParent: element}
        identified = {}  # {ID: element}, for the IDTree that TD /Headers are looked up in
        for element in self.descendants(document):
            if "ID" in element:
                identified[element["ID"].string] = element
            for index, kid in enumerate(element["K"]):
                if isinstance(kid, int):
                    found.setdefault(self.page_numbers[element["Pg"]], []).append((kid, element, element["K"], index))
                elif isinstance(kid, dict) and kid.get("Type") == "/MCR":
                    found.setdefault(self.page_numbers[kid["Pg"]], []).append((kid["MCID"], element, kid, "MCID"))
                elif isinstance(kid, bytes):
                    target = self.object(kid)
                    if target.get("Type") == "/OBJR":
                        annotations[self.object(target["Obj"])["StructParent"]] = element
        nums = pydyf.Array()
        for page, stream in enumerate(self.page_streams):
            entries = sorted(found.get(page, []), key=lambda entry: entry[0])
            renumbered = {}
            for new, (old, element, container, key) in enumerate(entries):
                renumbered[old] = new
                container[key] = new
            nums.extend([page, pydyf.Array(element.reference for _, element, _, _ in entries)])
            self.rewrite_marked_content(stream, renumbered, self.artifacts.get(page, {}))
        for key in sorted(annotations):
            nums.extend([key, annotations[key].reference])
        self.parent_tree["Nums"] = nums
        if identified:
            names = pydyf.Array()
            for key in sorted(identified):  # WeasyPrint's IDs are ASCII: sorted as strings is sorted as bytes
                names.extend([pydyf.String(key), identified[key].reference])
            self.root["IDTree"] = pydyf.Dictionary({"Names": names})

    @staticmethod
    def rewrite_marked_content(stream, renumbered, artifacts):
        operations = stream.stream
        for index, operation in enumerate(operations):
            if type(operation) is pydyf.Dictionary and "MCID" in operation:
                old = operation["MCID"]
                if old in renumbered:
                    operation["MCID"] = renumbered[old]
                else:
                    operations[index - 1] = "/Artifact"
                    operation.clear()
                    operation.update(artifacts.get(old, LAYOUT))
