"""The registry of output formats: what a paper can be rendered as, and published as.

Each format is one module with a FORMAT (reports.formats.base.Format) whose
export(snapshot) returns (file name, content type, bytes), as pretix's exporters
do. Publishing stores every format listed here for each pack; the draft
downloads and the published pages are generic over them. To add one (Word,
open data): a module beside these, a line in FORMATS, and a test.

    from reports.formats import FORMATS
    filename, content_type, content = FORMATS["pdf"].export(rendering.gather(paper, restricted=False))
"""

from reports.formats import docx, html, pdf
from reports.formats.base import Export, Format, file_name

# In the order they are rendered and listed.
FORMATS = {module.FORMAT.name: module.FORMAT for module in (html, pdf, docx)}

# A stored file whose format has since left the registry is still served, as bytes.
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def content_type_of(name):
    known = FORMATS.get(name)
    return known.content_type if known else FALLBACK_CONTENT_TYPE


def as_attachment(name):
    known = FORMATS.get(name)
    return known.as_attachment if known else True


__all__ = ["FORMATS", "Export", "Format", "file_name", "content_type_of", "as_attachment"]
