"""The paper as an A4, tagged PDF (reports.pdf), downloaded."""

from reports import rendering
from reports.formats.base import Export, Format, file_name

CONTENT_TYPE = "application/pdf"


def export(data):
    return Export(file_name(data, "pdf"), CONTENT_TYPE, rendering.render_pdf(data))


FORMAT = Format(
    name="pdf", label="PDF", content_type=CONTENT_TYPE, export=export, on_overview=True,
    links={"public": "Download the PDF", "restricted": "Download the restricted pack (PDF)"},
)
