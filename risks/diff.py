"""Field-by-field differences between revisions, with changed words marked.

Everything is escaped here: the result is safe HTML built only from
format_html/escape, never from user text marked safe.
"""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

# A word with the spaces after it, so runs of changed words are marked as one.
TOKEN = re.compile(r"\s*\S+\s*|\s+")


def word_diff(old, new):
    """(old_html, new_html): old with removed words in <del>, new with added words in <ins>."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    old_parts, new_parts = [], []
    # Compare the words alone: a word that only gained a trailing space is unchanged.
    matcher = difflib.SequenceMatcher(
        None, [t.strip() for t in old_tokens], [t.strip() for t in new_tokens], autojunk=False,
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if op == "equal":
            old_parts.append(escape(before))
            new_parts.append(escape(after))
            continue
        if before:
            old_parts.append(format_html("<del>{}</del>", before))
        if after:
            new_parts.append(format_html("<ins>{}</ins>", after))
    # Every part is escaped or built by format_html above.
    return mark_safe("".join(old_parts)), mark_safe("".join(new_parts))  # noqa: S308


class FieldChange:
    def __init__(self, label, old, new):
        self.label = label
        self.old_text, self.new_text = old, new
        self.old, self.new = word_diff(old, new)


def field_changes(fields, old, new):
    """Changes between two dicts of displayed text; `fields` is [(key, label)]. old=None: all new."""
    changes = []
    for key, label in fields:
        before = "" if old is None else old.get(key, "")
        after = new.get(key, "")
        if before != after:
            changes.append(FieldChange(label, before, after))
    return changes
