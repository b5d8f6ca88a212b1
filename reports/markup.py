"""The narrative's small plain-text markup.

- A blank line separates paragraphs; a single line break stays a line break.
- ``**words**`` are printed in bold (the seed bolds "appendix 1").
- ``[[risk:N]]`` is a cross-reference to the risk whose id is N; it is printed
  as "Risk <its ref when the paper is rendered>", so renumbering a risk never
  leaves the prose behind.

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
            f"This cross-reference is not in the form [[risk:N]]: “{snippet}”. "
            "Copy one from the list of risks."
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
