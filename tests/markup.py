"""What an accessibility audit checks in a page's HTML, without a browser.

`problems(html)` lists, in words, every breach of the rules the audit of
issue 11 found (WCAG 1.3.1, 2.1.1, 2.4.1, 2.4.6, 3.3.1, 4.1.2):
- no id is used twice, and every aria-describedby / aria-labelledby id exists;
- every error-summary link points at an element that exists (never `#`);
- a page that shows an error starts its <title> with "Error:" and has no autofocus;
- a page with an error summary loads the script that focuses it;
- every `.table-wrap` (a box that scrolls sideways) takes focus and has a name;
- every table has a caption or a name;
- headings never skip a level;
- the error summary comes first, before any section heading (GOV.UK: at the top of the page);
- every <label for> names an element that exists (1.3.1: `for=""` labels nothing);
- checkboxes or radios that share a name are grouped in a <fieldset> with a <legend> (1.3.1, GOV.UK pattern).
"""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs)
        self.title, self._in_title = "", False
        self.headings = []  # levels, in order
        self.summary_links = []  # hrefs of links inside an .error-summary
        self.choices = []  # (name, inside a fieldset?) of each checkbox and radio
        self.hidden = set()  # indexes in `elements` of those under a `hidden` attribute (a script may show them)
        self._open = []  # (tag, classes) of open elements
        self._open_hidden = []  # whether each open element has the `hidden` attribute

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        self.elements.append((tag, attrs))
        classes = attrs.get("class", "").split()
        hidden = "hidden" in attrs or any(self._open_hidden)
        if hidden:
            self.hidden.add(len(self.elements) - 1)
        if tag == "title":
            self._in_title = True
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        if tag == "a" and any("error-summary" in open_classes for _, open_classes in self._open):
            self.summary_links.append(attrs.get("href", ""))
        if tag == "input" and attrs.get("type") in ("checkbox", "radio"):
            self.choices.append((attrs.get("name", ""), any(open_tag == "fieldset" for open_tag, _ in self._open)))
        if tag not in VOID:
            self._open.append((tag, classes))
            self._open_hidden.append("hidden" in attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()
            self._open_hidden.pop()

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                del self._open_hidden[index:]
                break

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(html):
    page = _Page()
    page.feed(html)
    page.close()
    return page


def problems(html):
    page = parse(html)
    found = []
    ids = [attrs["id"] for _, attrs in page.elements if attrs.get("id")]
    found += [f"id {name!r} is used {ids.count(name)} times" for name in sorted(set(ids)) if ids.count(name) > 1]
    ids = set(ids)
    for tag, attrs in page.elements:
        for reference in ("aria-describedby", "aria-labelledby"):
            for target in attrs.get(reference, "").split():
                if target not in ids:
                    found.append(f"<{tag} {reference}={attrs[reference]!r}>: no element has id {target!r}")
    for href in page.summary_links:  # links to other pages ("Edit the paper") are fine; "#" or a lost id are not
        if (not href or href.startswith("#")) and href[1:] not in ids:
            found.append(f"error summary link href={href!r} points at nothing")
    shows_errors = any(  # an error box kept hidden until a script shows it is not shown
        {"error-summary", "error-message"} & set(attrs.get("class", "").split())
        for index, (_, attrs) in enumerate(page.elements) if index not in page.hidden
    )
    if shows_errors and not page.title.strip().startswith("Error:"):
        found.append(f"the page shows an error but its title is {page.title.strip()!r}")
    if any("error-summary" in attrs.get("class", "").split()
           for index, (_, attrs) in enumerate(page.elements) if index not in page.hidden) and not any(
        tag == "script" and attrs.get("src", "").endswith("/js/error-summary.js") for tag, attrs in page.elements
    ):
        found.append("an error summary without static/js/error-summary.js to focus it")
    if shows_errors:
        found += [f"<{tag} name={attrs.get('name')!r}> has autofocus on a page with errors"
                  for tag, attrs in page.elements if "autofocus" in attrs]
    for tag, attrs in page.elements:
        if "table-wrap" in attrs.get("class", "").split():
            if attrs.get("tabindex") != "0" or attrs.get("role") != "region" or not (
                attrs.get("aria-labelledby") or attrs.get("aria-label")
            ):
                found.append(f"scrolling box {attrs} needs tabindex=0, role=region and a name")
    for index, (tag, attrs) in enumerate(page.elements):
        if tag == "table" and not (attrs.get("aria-label") or attrs.get("aria-labelledby") or _has_caption(page, index)):
            found.append(f"a table {attrs} has no caption or name")
    tags = [(tag, attrs.get("class", "").split()) for tag, attrs in page.elements]
    summary = next((index for index, (_, classes) in enumerate(tags) if "error-summary" in classes), None)
    first_h2 = next((index for index, (tag, _) in enumerate(tags) if tag == "h2"), None)
    if summary is not None and first_h2 is not None and first_h2 < summary:
        found.append("the error summary comes after a section heading: put it at the top, under the <h1>")
    for tag, attrs in page.elements:
        if tag == "label" and "for" in attrs and attrs["for"] not in ids:
            found.append(f"<label for={attrs['for']!r}> labels nothing: no element has that id")
    names = [name for name, _ in page.choices]
    for name in sorted({name for name, grouped in page.choices if not grouped and names.count(name) > 1}):
        found.append(f"the {names.count(name)} checkboxes or radios named {name!r} are not in a fieldset with a legend")
    for before, after in zip([0, *page.headings], page.headings):
        if after > before + 1:
            found.append(f"heading levels jump from h{before} to h{after}")
            break
    return found


def _has_caption(page, table_index):
    for tag, _ in page.elements[table_index + 1:]:
        if tag == "caption":
            return True
        if tag not in ("colgroup", "col"):
            return False
    return False
