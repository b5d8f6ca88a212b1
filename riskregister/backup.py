"""One-file backups of the whole register, and restoring them into an empty database.

A backup is a zip archive holding:

- `data.json`: every row of every table that holds the organisation's data
  (risks, owners, controls, reviews, papers, publications and their files,
  sign-offs, users and groups, and every revision in their history), in
  Django's serialisation with natural keys, so it loads into any database the
  migrations made, SQLite or PostgreSQL;
- `manifest.json`: the archive's format, when it was made, the migrations its
  schema had, the number of rows of each table and the SHA-256 of `data.json`.

What a fresh install makes again by itself (content types, permissions) and
what is transient (sessions, sign-in lock-outs, queued jobs) is left out.

The organisation's settings (organisation/) are filled by a migration, like the
roles: a freshly migrated database already holds its starting settings and their
first revisions. They do not make it "not empty"; restoring replaces them with the
backup's, inside the restore's transaction (roles load over theirs by natural key).
"""

import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

ARCHIVE_FORMAT = 1
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"

# Remade by `migrate`, or transient: never in a backup.
EXCLUDED_APPS = {"contenttypes", "sessions", "axes", "django_tasks_database"}
# The settings' stamp: a restore writes a new one as it loads the settings.
EXCLUDED_MODELS = {"auth.permission", "organisation.settingsstamp"}
# Any of these holding a row means the database is not empty.
DATA_MODELS = ("risks.Risk", "reports.Paper", "auth.User")
# Filled by a migration (organisation.0002_starting_settings) and replaced by the backup's rows.
MIGRATION_FILLED_APPS = ("organisation",)


class BackupError(Exception):
    """The archive cannot be restored here; nothing was changed."""


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def backed_up_models():
    return [
        model for model in apps.get_models(include_auto_created=False)
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower not in EXCLUDED_MODELS
        and not model._meta.proxy and model._meta.managed
    ]


def applied_migrations():
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def row_counts(models):
    return {model._meta.label_lower: model._base_manager.count() for model in models}


def write_backup(output):
    """Write the archive to `output` (a path); returns its manifest."""
    models = backed_up_models()
    with transaction.atomic():  # one consistent moment (a snapshot on PostgreSQL)
        data = io.StringIO()
        call_command(
            "dumpdata", *[model._meta.label for model in models], format="json", indent=None,
            use_natural_foreign_keys=True, use_natural_primary_keys=True, use_base_manager=True,
            stdout=data,
        )
        data = data.getvalue().encode("utf-8")
        manifest = {
            "format": ARCHIVE_FORMAT,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": applied_migrations(),
            "counts": row_counts(models),
            "sha256": {DATA_NAME: sha256(data)},
        }
    # The archive holds password hashes and restricted papers: readable by its owner only,
    # whatever the umask (and an existing file it replaces loses any wider mode first).
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "wb") as file, zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA_NAME, data)
        archive.writestr(MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def read_archive(path):
    """(manifest, data bytes) after checking the archive is whole; BackupError if not."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not {DATA_NAME, MANIFEST_NAME} <= names:
                raise BackupError(f"{path} is not a register backup: it lacks {MANIFEST_NAME} or {DATA_NAME}.")
            manifest = json.loads(archive.read(MANIFEST_NAME))
            data = archive.read(DATA_NAME)
    except (zipfile.BadZipFile, EOFError, OSError, zlib_errors()) as error:
        raise BackupError(f"{path} cannot be read as a backup archive (truncated or damaged): {error}") from None
    except ValueError as error:
        raise BackupError(f"{path}: its manifest is not valid JSON ({error}).") from None
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{path} is in backup format {manifest.get('format')!r}; this version reads format {ARCHIVE_FORMAT}.")
    expected = manifest.get("sha256", {}).get(DATA_NAME)
    if sha256(data) != expected:
        raise BackupError(f"{path}: {DATA_NAME} does not match the SHA-256 in its manifest (edited or damaged).")
    return manifest, data


def zlib_errors():
    import zlib

    return zlib.error


def unknown_migrations(manifest):
    """Migrations the backup's schema had that this version of the software does not know."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}" for app, names in manifest.get("migrations", {}).items()
        for name in names if (app, name) not in known
    )


def data_present():
    return [label for label in DATA_MODELS if apps.get_model(label)._base_manager.exists()]


def restore_backup(path, *, stdout=None):
    """Load the archive into this (empty) database; BackupError, and nothing changed, if it may not be."""
    manifest, data = read_archive(path)
    newer = unknown_migrations(manifest)
    if newer:
        raise BackupError(
            "This backup was made by a newer version of the register (its schema has "
            f"{', '.join(newer[:5])}{' …' if len(newer) > 5 else ''}); upgrade the software first."
        )
    call_command("migrate", interactive=False, verbosity=0)
    present = data_present()
    if present:
        raise BackupError(
            f"This database already holds data ({', '.join(present)}): restore only into an empty, "
            "freshly migrated database."
        )
    models = backed_up_models()
    with tempfile.TemporaryDirectory(prefix="register-restore-") as folder:
        fixture = Path(folder) / "register-backup.json"
        fixture.write_bytes(data)
        with transaction.atomic():
            clear_migration_filled_tables()
            call_command("loaddata", str(fixture), verbosity=0)
            counts = row_counts(models)
            wrong = {
                label: (expected, counts.get(label))
                for label, expected in manifest["counts"].items() if counts.get(label) != expected
            }
            if wrong:
                details = "; ".join(f"{label}: {got} rows, the manifest says {want}" for label, (want, got) in wrong.items())
                raise BackupError(f"The restored rows do not match the manifest, so nothing was kept: {details}.")
            mismatched = damaged_published_files()
            if mismatched:
                raise BackupError(f"Published files do not match their digests, so nothing was kept: {', '.join(mismatched)}.")
    return manifest


def clear_migration_filled_tables():
    """Empty the tables a migration filled (the starting settings and their revisions) so
    the backup's rows replace them: the starting rows' ids and the backup's need not agree
    (a band removed, a category added). Raw deletes: this is no change to the settings
    (it writes no revision) but the first step of loading the backup's own history."""
    models = [model for model in apps.get_models() if model._meta.app_label in MIGRATION_FILLED_APPS]
    # Rows that refer to others first (an appetite names a category and a level).
    def references(model):
        return sum(1 for field in model._meta.concrete_fields if field.is_relation and field.related_model in models)

    for model in sorted(models, key=references, reverse=True):
        model._base_manager.all()._raw_delete(model._base_manager.db)


def damaged_published_files():
    PublishedFile = published_file_model()
    if PublishedFile is None:
        return []
    return [
        stored.filename for stored in PublishedFile._base_manager.iterator(chunk_size=20)
        if sha256(bytes(stored.content)) != stored.sha256
    ]


def published_file_model():
    for model in apps.get_models():
        if model.__name__ == "PublishedFile":
            return model
    return None
