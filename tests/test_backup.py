"""`manage.py backup` and `manage.py restore`, run as an operator would: against
real database files and a real PostgreSQL server, in separate processes."""

import json
import shutil
import zipfile

import pytest

from reports.formats import FORMATS  # a public and a restricted file per format
from tests import processes

def manage(database_url, *args, check=True):
    return processes.manage(processes.developer_env(database_url), *args, check=check)


def sqlite_url(path):
    return f"sqlite:///{path}"


def counts(database_url):
    """Rows per table as the backup's manifest would count them now."""
    out = manage(database_url, "shell", "-c",
                 "import json; from riskregister.backup import backed_up_models, row_counts;"
                 "print(json.dumps(row_counts(backed_up_models())))").stdout
    return json.loads(out.strip().splitlines()[-1])


# Settings unlike those the migration starts a database with: the Low band merged into
# Medium (a row fewer), a category added, an unused one deleted.
CHANGE_SETTINGS = """
from organisation.models import RiskCategory, ScoreBand
from organisation import services
bands = list(ScoreBand.objects.all())
versions = services.band_versions(bands)
kept = [services.BandChange(b.pk, b.label, 1 if b.key == 'medium' else b.lowest, b.highest, b.colour, b.pattern)
        for b in bands if b.key != 'low']
services.save_bands(bands=kept, expected_versions=versions, user=None, reason='Two bands only')
services.create_entry(RiskCategory, label='Cyber security', description='', position=20, user=None, reason='New')
unused = next(c for c in RiskCategory.objects.all() if not services.uses(c))
services.delete_entry(unused, user=None, reason='Not used', expected_version=unused.version)
"""
SETTINGS_NOW = ("from organisation.models import ScoreBand, RiskCategory;"
                "print([(b.key, b.lowest, b.highest) for b in ScoreBand.objects.order_by('lowest')],"
                " sorted(RiskCategory.objects.values_list('key', flat=True)))")


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory):
    """A freshly migrated SQLite file, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("empty") / "empty.sqlite3"
    manage(sqlite_url(path), "migrate", "--noinput")
    return path


@pytest.fixture(scope="module")
def source(tmp_path_factory, empty_database):
    """The demo register with its September 2017 paper published, backed up."""
    folder = tmp_path_factory.mktemp("source")
    database = folder / "source.sqlite3"
    shutil.copy(empty_database, database)
    url = sqlite_url(database)
    manage(url, "load_demo")
    manage(url, "shell", "-c", CHANGE_SETTINGS)
    manage(url, "publish_paper", "--meeting", "2017-09-22", "--reason", "First publication")
    archive = folder / "backup.zip"
    manage(url, "backup", "--output", str(archive))
    return {"url": url, "archive": archive}


@pytest.fixture
def target(tmp_path, empty_database):
    path = tmp_path / "target.sqlite3"
    shutil.copy(empty_database, path)
    return sqlite_url(path)


@pytest.fixture
def postgres_database():
    with processes.scratch_postgres_database() as url:
        yield url


def manifest_of(archive):
    with zipfile.ZipFile(archive) as opened:
        return json.loads(opened.read("manifest.json"))


def rewrite(archive, destination, *, data=None, manifest=None):
    with zipfile.ZipFile(archive) as original:
        members = {name: original.read(name) for name in original.namelist()}
    if data is not None:
        members["data.json"] = data(members["data.json"])
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest(json.loads(members["manifest.json"]))).encode()
    with zipfile.ZipFile(destination, "w") as changed:
        for name, content in members.items():
            changed.writestr(name, content)
    return destination


def test_backup_holds_every_table_with_counts_and_a_digest(source):
    manifest = manifest_of(source["archive"])
    assert manifest["counts"]["risks.risk"] == 15
    assert manifest["counts"]["risks.historicalrisk"] >= 15
    assert manifest["counts"]["controls.historicalcontrol"] >= 1
    assert sum(count for label, count in manifest["counts"].items() if label.endswith("publishedfile")) == 2 * len(FORMATS)
    assert len(manifest["sha256"]["data.json"]) == 64
    assert "risks" in manifest["migrations"]


def test_sqlite_to_postgresql_and_back(source, postgres_database, tmp_path, target):
    restored = manage(postgres_database, "restore", str(source["archive"]))
    assert "every count and digest matches" in restored.stdout
    assert f"All {2 + 2 * len(FORMATS)} checks passed: files, metadata, completeness and chain." in restored.stdout
    assert "Every revision table's chain is unbroken." in restored.stdout
    assert counts(postgres_database) == manifest_of(source["archive"])["counts"]

    # The restored database takes new writes (PostgreSQL's sequences were moved past the loaded rows).
    manage(postgres_database, "shell", "-c",
           "from risks.models import Risk; from risks.services import close_risk;"
           "r = Risk.objects.get(ref='14');"
           "close_risk(risk_id=r.pk, expected_version=r.version, user=None, reason='Restored and closed')")

    second = tmp_path / "from-postgres.zip"
    manage(postgres_database, "backup", "--output", str(second))
    back = manage(target, "restore", str(second))
    assert f"All {2 + 2 * len(FORMATS)} checks passed: files, metadata, completeness and chain." in back.stdout
    assert "Every revision table's chain is unbroken." in back.stdout
    assert counts(target) == manifest_of(second)["counts"]
    assert manifest_of(second)["counts"]["risks.historicalrisk"] == manifest_of(source["archive"])["counts"]["risks.historicalrisk"] + 1


def test_restore_replaces_the_settings_the_migration_made(source, target):
    """A freshly migrated target holds the starting settings; the backup's (other) settings replace them."""
    assert "('low', 1, 7)" in manage(target, "shell", "-c", SETTINGS_NOW).stdout
    manage(target, "restore", str(source["archive"]))
    restored = manage(target, "shell", "-c", SETTINGS_NOW).stdout
    assert restored == manage(source["url"], "shell", "-c", SETTINGS_NOW).stdout
    assert "[('medium', 1, 14), ('high', 15, 25)]" in restored and "'cyber_security'" in restored
    assert counts(target) == manifest_of(source["archive"])["counts"]


def refused(target, archive, message):
    before = counts(target)
    result = manage(target, "restore", str(archive), check=False)
    assert result.returncode == 1
    assert message in result.stderr and "Nothing was restored." in result.stderr
    assert counts(target) == before


def test_refuses_a_truncated_archive(source, target, tmp_path):
    truncated = tmp_path / "truncated.zip"
    content = source["archive"].read_bytes()
    truncated.write_bytes(content[: len(content) // 2])
    refused(target, truncated, "cannot be read as a backup archive")


def test_refuses_edited_data(source, target, tmp_path):
    edited = rewrite(source["archive"], tmp_path / "edited.zip",
                     data=lambda data: data.replace(b"Adequate funding", b"Adequate fundinG"))
    refused(target, edited, "does not match the SHA-256 in its manifest")


def test_refuses_a_backup_from_a_newer_schema(source, target, tmp_path):
    def newer(manifest):
        manifest["migrations"]["risks"].append("9999_from_the_future")
        return manifest

    refused(target, rewrite(source["archive"], tmp_path / "newer.zip", manifest=newer),
            "made by a newer version of the register")


def test_refuses_when_counts_disagree_and_keeps_nothing(source, target, tmp_path):
    def miscounted(manifest):
        manifest["counts"]["risks.risk"] += 1
        return manifest

    refused(target, rewrite(source["archive"], tmp_path / "miscounted.zip", manifest=miscounted),
            "risks.risk: 15 rows, the manifest says 16")


def test_refuses_a_database_that_holds_data(source):
    refused(source["url"], source["archive"], "already holds data")
