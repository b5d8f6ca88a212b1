"""The narrative's small plain-text markup.

- A blank line separates paragraphs; a single line break stays a line break.
- ``**words**`` are printed in bold (the seed bolds "appendix 1").
- A cross-reference is typed as the risk's ref, as printed: ``[[4]]``,
  ``[[2a]]`` (any case). On save, ``link_references`` resolves each to the
  risk with that ref open at the paper's cut-off date and stores it by the
  risk's identity, ``[[risk:N]]`` (N its id); ``show_references`` turns it back
  into the ref for the edit form. It is printed as "Risk <its ref in the
  register the paper is built from>", so renumbering a risk later never leaves
  the prose behind.

Nothing else is markup: any HTML typed is refused on save and would be escaped
anyway when rendered.
"""

import re

REFERENCE = re.compile(r"\[\[risk:(\d{1,10})\]\]")
TOKEN = re.compile(r"\[\[risk:(?P<risk>\d{1,10})\]\]|\*\*(?P<strong>[^*\n]+?)\*\*")
BRACKETS = re.compile(r"\[\[|\]\]")
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*>")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


class NarrativeError(ValueError):
    """The text uses the markup wrongly; the message says how to fix it."""


def check_plain_text(text):
    tag = HTML_TAG.search(text or "")
    if tag:
        raise NarrativeError(
            f"Write plain text: HTML or CSS such as “{tag.group(0)[:40]}” is not allowed."
        )


def _tokens(paragraph):
    tokens, position = [], 0
    for match in TOKEN.finditer(paragraph):
        _plain(tokens, paragraph[position:match.start()])
        if match["risk"]:
            tokens.append(("risk", int(match["risk"])))
        else:
            tokens.append(("strong", match["strong"]))
        position = match.end()
    _plain(tokens, paragraph[position:])
    return tokens


def _plain(tokens, text):
    if not text:
        return
    stray = BRACKETS.search(text)
    if stray:
        snippet = text[max(0, stray.start() - 10):stray.end() + 15].strip()
        raise NarrativeError(
            f"This cross-reference is not in a form the paper knows: “{snippet}”. "
            "Type the risk's ref in double square brackets, such as [[4]] or [[2a]]."
        )
    tokens.append(("text", text))


def parse(text):
    """[[(kind, value), ...] per paragraph]; kinds: text, strong, risk (value: risk id)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return []
    return [_tokens(paragraph.strip()) for paragraph in PARAGRAPH_BREAK.split(text)]


def parse_lines(text):
    """Like parse(), but each non-empty line is an item (lettered recommendations)."""
    return [
        _tokens(line.strip())
        for line in (text or "").replace("\r\n", "\n").split("\n")
        if line.strip()
    ]


def referenced_risks(text):
    return {int(pk) for pk in REFERENCE.findall(text or "")}


TYPED_REF = re.compile(r"[1-9][0-9]{0,3}[a-z]?")
EXAMPLE = "such as [[4]] or [[2a]]"


def _snippet(text, start, end):
    return text[max(0, start - 10):end + 10].strip()


def link_references(text, ids_by_ref, *, day_display):
    """The text with each typed [[ref]] replaced by [[risk:<id>]] (the stored form).

    `ids_by_ref`: {lower-case ref: risk id} of the risks open at the cut-off
    date (`day_display`, for messages). Refs match in any case. Already stored
    [[risk:N]] references are kept as they are (checked elsewhere). NarrativeError
    for an empty, nested, unterminated or unknown reference, or a stray "]]".
    """
    if not text or ("[[" not in text and "]]" not in text):
        return text
    out, position = [], 0
    while True:
        opening, closing = text.find("[[", position), text.find("]]", position)
        if opening == -1 and closing == -1:
            break
        if opening == -1 or (closing != -1 and closing < opening):
            raise NarrativeError(
                f"“{_snippet(text, closing, closing + 2)}” closes a cross-reference that was never opened: "
                f"type the risk's ref in double square brackets, {EXAMPLE}."
            )
        end = text.find("]]", opening + 2)
        nested = text.find("[[", opening + 2)
        if end == -1:
            raise NarrativeError(
                f"This cross-reference is not closed: “{_snippet(text, opening, opening + 8)}”. "
                f"End it with ]], {EXAMPLE}."
            )
        if nested != -1 and nested < end:
            raise NarrativeError(
                f"A cross-reference cannot contain another: “{_snippet(text, opening, end + 2)}”. "
                f"Type one ref in double square brackets, {EXAMPLE}."
            )
        inner = text[opening + 2:end].strip()
        out.append(text[position:opening])
        if not inner:
            raise NarrativeError(f"A cross-reference is empty: “{text[opening:end + 2]}”. Type the risk's ref in it, {EXAMPLE}.")
        if REFERENCE.fullmatch(f"[[{inner}]]"):
            out.append(f"[[{inner}]]")
        elif TYPED_REF.fullmatch(inner.lower()) and inner.lower() in ids_by_ref:
            out.append(f"[[risk:{ids_by_ref[inner.lower()]}]]")
        elif TYPED_REF.fullmatch(inner.lower()):
            raise NarrativeError(
                f"[[{inner}]]: there is no risk {inner.lower()} open as at {day_display}. "
                "Type the ref of a risk from the list of risks."
            )
        else:
            raise NarrativeError(
                f"“[[{inner}]]” is not a risk's ref: type the ref as the paper prints it, {EXAMPLE}."
            )
        position = end + 2
    out.append(text[position:])
    return "".join(out)


def show_references(text, refs_by_id):
    """The stored text as the author types it: [[risk:N]] back to [[<ref>]].

    `refs_by_id`: {risk id: ref}; a reference to a risk not in it stays [[risk:N]].
    """
    return REFERENCE.sub(lambda match: f"[[{refs_by_id[int(match[1])]}]]" if int(match[1]) in refs_by_id else match[0], text or "")
