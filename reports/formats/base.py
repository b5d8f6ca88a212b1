"""The contract every format keeps: a snapshot in, (file name, content type, bytes) out."""

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, NamedTuple

from django.utils.text import slugify


class Export(NamedTuple):
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Format:
    name: str  # in URLs and in PublishedFile.format: lower-case letters and digits
    label: str  # "PDF"
    content_type: str
    export: Callable[[dict], Export]  # reports.rendering.gather's snapshot -> Export
    as_attachment: bool = True  # downloaded (True) or shown in the browser (False)
    # Link text on the published page, per pack.
    links: dict = field(default_factory=dict)
    # Offered on the /published/ list beside "Read the paper".
    on_overview: bool = False

    def link_text(self, pack):
        return self.links.get(pack) or f"Download the {'restricted pack' if pack == 'restricted' else 'paper'} ({self.label})"


def file_name(data, extension):
    """audit-panel-2017-09-22-public.pdf (a draft: audit-panel-2017-09-22-public-draft.pdf):
    made safe from the panel's name (letters, digits, hyphens; accented letters kept), so
    no name can break a header or a path. Snapshots published before drafts were marked
    have no "draft" key: they were published, so not drafts."""
    pack = "restricted" if data["restricted"] else "public"
    if data.get("draft"):
        pack += "-draft"
    meeting = date.fromisoformat(data["frame"]["meeting_date"])
    panel = slugify(data["frame"]["panel"], allow_unicode=True) or "paper"
    return f"{panel}-{meeting:%Y-%m-%d}-{pack}.{extension}"
