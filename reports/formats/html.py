"""The paper as one HTML document (the same template as the PDF), shown in the browser."""

from reports import rendering
from reports.formats.base import Export, Format, file_name

CONTENT_TYPE = "text/html; charset=utf-8"


def export(data):
    return Export(file_name(data, "html"), CONTENT_TYPE, rendering.render_html(data).encode("utf-8"))


FORMAT = Format(
    name="html", label="HTML", content_type=CONTENT_TYPE, export=export, as_attachment=False,
    links={"public": "The paper as stored (HTML file)", "restricted": "The restricted pack as stored (HTML file)"},
)
