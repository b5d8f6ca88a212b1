"""Checking what was published: every file, every metadata field, completeness and
the chain (publications.chain), and the keyed digests when PUBLICATION_SIGNING_KEY
is set. verify_publications prints the report; the first failure is named."""

import json
from dataclasses import dataclass, field

from django.db import connection

from publications import triggers
from publications.models import Publication, PublishedFile
from riskregister.chaining import canonical_json, key_id, keyed_digest, link, same_digest

# The chained metadata field for each column it must agree with.
COLUMNS = {
    "paper": "paper_id", "version": "version", "published_at": "published_at", "published_by": "published_by_id",
    "reason": "reason", "compared_with": "compared_with_id", "snapshots_sha256": "snapshots_sha256",
    "signing_key_id": "signing_key_id",
}


@dataclass
class Report:
    lines: list = field(default_factory=list)  # (ok, text)
    other_key: list = field(default_factory=list)  # labels of publications signed with another key
    unsigned_before_key: list = field(default_factory=list)

    def ok(self, text):
        self.lines.append((True, text))

    def fail(self, text):
        self.lines.append((False, text))

    @property
    def failures(self):
        return [text for ok, text in self.lines if not ok]


def _plain(value):
    """A column's value as the metadata holds it (times as UTC ISO strings)."""
    return json.loads(canonical_json(value))


def verify_publications():
    report = Report()
    missing = triggers.missing(connection)
    if missing:
        report.fail(f"TRIGGERS  missing on the publication tables: {', '.join(missing)} (run migrate)")
    current_key = key_id()
    previous, signed_seen = "", None
    for publication in Publication.objects.select_related("paper").order_by("pk"):
        label = f"{publication.paper.meeting_date.isoformat()} v{publication.version} (publication {publication.pk})"
        _check_chain(report, publication, label, previous)
        _check_metadata(report, publication, label)
        _check_files(report, publication, label)
        if current_key:
            signed_seen = _check_signature(report, publication, label, current_key, signed_seen)
        previous = publication.chain_sha256
    return report


def _check_chain(report, publication, label, previous):
    if publication.previous_chain_sha256 != previous:
        report.fail(
            f"CHAIN     {label}: follows {publication.previous_chain_sha256[:16] or 'nothing'} but the publication "
            f"before it has chain digest {previous[:16] or '(none)'}: a publication was removed, inserted or rewritten"
        )
    elif link(publication.previous_chain_sha256, publication.metadata) != publication.chain_sha256:
        report.fail(f"CHAIN     {label}: its metadata no longer gives its chain digest {publication.chain_sha256[:16]}")
    else:
        report.ok(f"OK        {label} chain sha256 {publication.chain_sha256}")


def _check_metadata(report, publication, label):
    metadata = publication.metadata
    for key, attribute in COLUMNS.items():
        stored, chained = _plain(getattr(publication, attribute)), metadata.get(key)
        if stored != chained:
            report.fail(f"METADATA  {label}: {key} is {stored!r} but {chained!r} when it was published")
            return
    frame = publication.public_snapshot.get("frame", {})
    if {key: frame.get(key) for key in ("panel", "title", "meeting_date")} != metadata.get("frame"):
        report.fail(f"METADATA  {label}: the frame (panel, title, meeting date) differs from when it was published")
        return
    if not publication.verify_snapshots():
        report.fail(f"MISMATCH  {label} snapshots: expected sha256 {publication.snapshots_sha256}")
        return
    report.ok(f"OK        {label} metadata and snapshots sha256 {publication.snapshots_sha256}")


def _check_files(report, publication, label):
    expected = {(entry["pack"], entry["format"]): entry for entry in publication.metadata.get("files", [])}
    for pack in publication.metadata.get("packs", []):
        for fmt in publication.metadata.get("formats", []):
            if (pack, fmt) not in expected:
                report.fail(f"MISSING   {label} {pack} {fmt}: registered when published, but never stored")
    stored_files = {(f.pack, f.format): f for f in PublishedFile.objects.filter(publication=publication)}
    for kind, entry in sorted(expected.items()):
        stored = stored_files.get(kind)
        name = f"{label} {kind[0]} {kind[1]} {entry['filename']}"
        if stored is None:
            report.fail(f"MISSING   {name}: published, no longer stored")
            continue
        for attribute in ("filename", "size", "sha256"):
            if getattr(stored, attribute) != entry[attribute]:
                report.fail(f"METADATA  {name}: {attribute} is {getattr(stored, attribute)!r} "
                            f"but {entry[attribute]!r} when it was published")
                break
        else:
            if not stored.verify():
                report.fail(f"MISMATCH  {name} expected sha256 {stored.sha256}")
            else:
                report.ok(f"OK        {name} sha256 {stored.sha256}")
    for kind in sorted(set(stored_files) - set(expected)):
        report.fail(f"EXTRA     {label} {kind[0]} {kind[1]} {stored_files[kind].filename}: not published with it")


def _check_signature(report, publication, label, current_key, signed_seen):
    """Returns the label of the latest signed publication seen so far."""
    if not publication.signing_key_id:
        if signed_seen:
            report.fail(f"UNSIGNED  {label}: not signed, though {signed_seen} before it was")
        else:
            report.unsigned_before_key.append(label)
        return signed_seen
    if publication.signing_key_id != current_key:
        report.other_key.append(f"{label} (key {publication.signing_key_id})")
        report.fail(f"OTHER KEY {label}: signed with another key ({publication.signing_key_id}, "
                    f"this one is {current_key}): it cannot be checked with this key")
        return label
    if not same_digest(keyed_digest(publication.chain_sha256), publication.chain_hmac):
        report.fail(f"SIGNATURE {label}: the keyed chain digest does not match (rewritten without the key)")
        return label
    for stored in PublishedFile.objects.filter(publication=publication).order_by("pack", "format"):
        if not same_digest(keyed_digest(bytes(stored.content)), stored.hmac_sha256):
            report.fail(f"SIGNATURE {label} {stored.pack} {stored.format} {stored.filename}: "
                        "the keyed digest does not match the content (rewritten without the key)")
            return label
    report.ok(f"OK        {label} signed with key {current_key}")
    return label

