"""Hash chains: the shared pieces of tamper evidence (publications and revisions).

Each link is sha256(previous link + canonical JSON of what the row says), so a
row changed, removed or inserted afterwards breaks the chain from there on. With
PUBLICATION_SIGNING_KEY set, a keyed digest (HMAC-SHA-256) is stored as well:
someone who can write to the database but does not hold the key cannot
recompute it, so rewriting a row together with every plain digest after it is
still detected.
"""

import hashlib
import hmac
import json
import zlib
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal

from django.conf import settings
from django.db import connections


def canonical_json(data):
    """One byte string per value: sorted keys, no spaces, UTF-8 (jsonb reorders keys, this does not care)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain).encode("utf-8")


def _plain(value):
    if isinstance(value, datetime):
        # Milliseconds: Django's JSON serialiser (dumpdata, so backups) keeps no more.
        value = value.replace(microsecond=value.microsecond // 1000 * 1000)
        return value.astimezone(dt_timezone.utc).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return hashlib.sha256(bytes(value)).hexdigest()
    raise TypeError(f"{type(value).__name__} has no canonical form")


def link(previous, data):
    """The chain digest of a row saying `data` that follows the link `previous` ("" for the first)."""
    return hashlib.sha256((previous or "").encode("ascii") + canonical_json(data)).hexdigest()


def signing_key():
    return (getattr(settings, "PUBLICATION_SIGNING_KEY", "") or "").encode("utf-8")


def key_id(key=None):
    """Names a key without revealing it: the first 8 hex digits of its SHA-256 ("" without a key)."""
    key = signing_key() if key is None else key
    return hashlib.sha256(key).hexdigest()[:8] if key else ""


def keyed_digest(message, key=None):
    """HMAC-SHA-256 of `message` (str or bytes) with the signing key; "" without a key."""
    key = signing_key() if key is None else key
    if not key:
        return ""
    data = message.encode("utf-8") if isinstance(message, str) else bytes(message)
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def same_digest(expected, actual):
    return hmac.compare_digest(expected or "", actual or "")


def serialise_chain_writers(name, using="default"):
    """Make writers of one chain take turns until their transaction ends.

    On PostgreSQL a transaction-scoped advisory lock (a SELECT ... FOR UPDATE on
    the last row would not stop a second writer reading the same last row once
    the first commits). SQLite's IMMEDIATE transactions (settings) already let one
    writer at a time in. Call it inside transaction.atomic().
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                           [CHAIN_LOCK_CLASS, zlib.crc32(name.encode()) & 0x7FFFFFFF])


CHAIN_LOCK_CLASS = 0x7C4A1  # the first key of our advisory locks, so they never meet another's
