"""The chain across all publications, in order of creation (id).

Each publication's metadata (who, when, why, which version of which paper, the
frame, the snapshots' digest, the formats registered when it was published and
every file's name, format, pack, size and SHA-256) is stored as it was digested,
and chained: chain_sha256 = sha256(previous publication's chain_sha256 +
canonical JSON of the metadata). With PUBLICATION_SIGNING_KEY set, chain_hmac
(and each file's hmac_sha256) are keyed digests someone without the key cannot
forge. publications.verification checks it all.
"""

import json

from django.db import transaction

from riskregister.chaining import canonical_json, key_id, keyed_digest, link, serialise_chain_writers

CHAIN_NAME = "publications"


def file_entry(*, pack, format, filename, size, sha256):
    return {"pack": str(pack), "format": format, "filename": filename, "size": size, "sha256": sha256}


def metadata_of(publication, files, *, formats, packs, signing_key_id):
    """What is digested for `publication` (saved or not) and its `files` (PublishedFile-like)."""
    frame = publication.public_snapshot.get("frame", {})
    return json.loads(canonical_json({
        "paper": publication.paper_id,
        "version": publication.version,
        "published_at": publication.published_at,
        "published_by": publication.published_by_id,
        "reason": publication.reason,
        "compared_with": publication.compared_with_id,
        "frame": {key: frame.get(key) for key in ("panel", "title", "meeting_date")},
        "snapshots_sha256": publication.snapshots_sha256,
        "formats": list(formats),
        "packs": [str(pack) for pack in packs],
        "files": sorted(
            (file_entry(pack=f.pack, format=f.format, filename=f.filename, size=f.size, sha256=f.sha256)
             for f in files),
            key=lambda entry: (entry["pack"], entry["format"]),
        ),
        "signing_key_id": signing_key_id,
    }))  # plain JSON (times as UTC ISO strings), as stored


def previous_chain_sha256(model, *, before_pk=None):
    """The chain digest of the latest publication (created before `before_pk`): "" if none."""
    rows = model._base_manager.order_by("-pk")
    if before_pk is not None:
        rows = rows.filter(pk__lt=before_pk)
    return rows.values_list("chain_sha256", flat=True).first() or ""


def seal(publication, files, *, formats, packs):
    """Fill the publication's chain fields (and its files' keyed digests) before they are saved.

    Call inside the transaction that saves them: it takes the chain's lock, so two
    publishes cannot both follow the same previous publication.
    """
    assert transaction.get_connection().in_atomic_block, "seal() must run inside the publishing transaction"
    serialise_chain_writers(CHAIN_NAME)
    signing_key_id = key_id()
    for stored in files:
        stored.hmac_sha256 = keyed_digest(bytes(stored.content))
    publication.metadata = metadata_of(publication, files, formats=formats, packs=packs, signing_key_id=signing_key_id)
    publication.previous_chain_sha256 = previous_chain_sha256(type(publication))
    publication.chain_sha256 = link(publication.previous_chain_sha256, publication.metadata)
    publication.signing_key_id = signing_key_id
    publication.chain_hmac = keyed_digest(publication.chain_sha256)
