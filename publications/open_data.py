"""Open data of a published paper: its public Appendix 1 as CSV, its public snapshot as JSON.

Both are computed on request from the stored public snapshot, which never changes
after publishing (its digest is checked before use), so they are the data as
published, never the live register's. The JSON's layout is versioned and
documented in docs/open-data.md: change OPEN_DATA_SCHEMA when it changes.
"""

import csv
import io
import json

from publications.publishing import stored_filename
from reports.formats import file_name
from risks.exports import neutralise

OPEN_DATA_SCHEMA = 1
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
APPENDIX_1_COLUMNS = (
    ("Ref", "ref"), ("Trend", "trend_label"), ("Title", "title"), ("Description", "description"), ("Owners", "owners"),
)


def _name(publication, suffix, extension):
    snapshot = publication.public_snapshot
    stem = file_name(snapshot, extension).rpartition(".")[0]
    return stored_filename(f"{stem}-{suffix}.{extension}", publication.version)


def appendix_1_csv(publication):
    """(file name, content type, bytes): one row per Appendix 1 row, in the paper's order.
    Text that a spreadsheet would run as a formula is neutralised (risks.exports)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([heading for heading, _ in APPENDIX_1_COLUMNS])
    for row in publication.public_snapshot["appendix_1"]:
        writer.writerow([neutralise(row[key]) for _, key in APPENDIX_1_COLUMNS])
    # The byte-order mark lets Excel read the file as UTF-8, as the register's CSV does.
    content = buffer.getvalue().encode("utf-8-sig")
    return _name(publication, "appendix-1", "csv"), CSV_CONTENT_TYPE, content


def snapshot_document(publication):
    """The open-data document (docs/open-data.md): who published what, when, and the public snapshot."""
    return {
        "open_data_schema": OPEN_DATA_SCHEMA,
        "paper": publication.paper_id,
        "version": publication.version,
        "published_at": publication.published_at.isoformat(),
        "reason": publication.reason,
        "snapshot": publication.public_snapshot,
    }


def snapshot_json(publication):
    content = json.dumps(snapshot_document(publication), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    return _name(publication, "data", "json"), JSON_CONTENT_TYPE, content
