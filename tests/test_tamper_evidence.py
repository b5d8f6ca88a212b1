"""Tamper evidence (issue 16, item 5): published rows refused by the database, the
chain across publications, keyed digests, verify_publications and verify_history.

Tampering goes behind the application's back as someone with database access
would (tests/tampering.py lifts the triggers inside the test's transaction). Runs
on SQLite and, with DATABASE_URL, on PostgreSQL."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, models, transaction
from django.test import override_settings
from django.urls import reverse

from controls.models import Control
from publications import publishing
from publications.models import Publication, PublishedFile, sha256
from reports.formats import FORMATS
from riskregister.chaining import link
from risks import services as risk_services
from risks.models import Risk
from tests import tampering

pytestmark = pytest.mark.django_db
KEY, OTHER_KEY = "a signing key kept off the database server", "a different key"


@pytest.fixture
def html_only(monkeypatch):
    for name in [name for name in FORMATS if name != "html"]:
        monkeypatch.delitem(FORMATS, name)  # one cheap format: these tests are about the chain


def publish(paper, user, reason=""):
    return publishing.publish_paper(paper_id=paper.pk, user=user, reason=reason)


def verify(command="verify_publications"):
    """(exit status, output, error) of the command."""
    out = io.StringIO()
    try:
        call_command(command, stdout=out)
    except CommandError as error:
        return 1, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def rewrite(model, pk, **values):
    with tampering.triggers_lifted():
        models.QuerySet.update(model._base_manager.filter(pk=pk), **values)


# The database refuses changes ----------------------------------------------------

@pytest.mark.parametrize("table", ["reports_publication", "reports_publishedfile"])
def test_the_database_refuses_update_and_delete_of_published_rows(paper, demo, html_only, table):
    publish(paper, demo["author"])
    with connection.cursor() as cursor:
        for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with pytest.raises(IntegrityError, match="published rows cannot be changed"), transaction.atomic():
                cursor.execute(sql)
    assert Publication.objects.count() == 1 and PublishedFile.objects.count() == 2


def test_publishing_never_updates_and_a_fresh_publish_verifies(paper, demo, html_only):
    publish(paper, demo["author"])
    publish(paper, demo["author"], reason="A corrected date")  # inserts only, under the triggers
    assert verify()[0] == 0


# The chain ----------------------------------------------------------------------

def test_each_publication_chains_its_metadata_to_the_one_before(paper, demo, html_only):
    first = publish(paper, demo["author"])
    second = publish(paper, demo["author"], reason="A corrected date")
    assert first.previous_chain_sha256 == "" and second.previous_chain_sha256 == first.chain_sha256
    second.refresh_from_db()
    assert second.chain_sha256 == link(first.chain_sha256, second.metadata)
    metadata = second.metadata
    assert (metadata["published_by"], metadata["reason"], metadata["version"]) == (
        demo["author"].pk, "A corrected date", 2)
    assert metadata["frame"]["meeting_date"] == "2017-09-22" and metadata["formats"] == ["html"]
    assert [(f["pack"], f["format"]) for f in metadata["files"]] == [("public", "html"), ("restricted", "html")]
    stored = second.files.get(pack="public")
    assert metadata["files"][0] == {"pack": "public", "format": "html", "filename": stored.filename,
                                    "size": stored.size, "sha256": stored.sha256}
    assert (second.chain_hmac, second.signing_key_id) == ("", "")  # no key set


def test_a_changed_publisher_is_named(paper, demo, html_only):
    publication = publish(paper, demo["author"])
    rewrite(Publication, publication.pk, published_by=demo["admin"])
    status, _, error = verify()
    assert status == 1
    assert f"METADATA 2017-09-22 v1 (publication {publication.pk}): published_by is {demo['admin'].pk}" in error


def test_a_deleted_file_fails_completeness(paper, demo, html_only):
    publication = publish(paper, demo["author"])
    tampering.execute("DELETE FROM reports_publishedfile WHERE publication_id = %s AND pack = 'restricted'",
                      [publication.pk])
    status, _, error = verify()
    assert status == 1 and "MISSING 2017-09-22 v1" in error and "restricted html" in error
    assert "published, no longer stored" in error


def test_a_publication_rewritten_with_its_own_chain_breaks_the_next_link(paper, demo, html_only):
    first = publish(paper, demo["author"])
    second = publish(paper, demo["author"], reason="A corrected date")
    # The first publication's reason, metadata and chain digest rewritten consistently.
    metadata = dict(first.metadata, reason="Nothing to see")
    rewrite(Publication, first.pk, reason="Nothing to see", metadata=metadata, chain_sha256=link("", metadata))
    status, _, error = verify()
    assert status == 1 and f"CHAIN 2017-09-22 v2 (publication {second.pk}): follows {first.chain_sha256[:16]}" in error
    assert "a publication was removed, inserted or rewritten" in error


def test_content_and_digests_rewritten_together_are_caught_only_with_the_key(paper, demo, html_only):
    with override_settings(PUBLICATION_SIGNING_KEY=KEY):
        publication = publish(paper, demo["author"])
    assert len(publication.chain_hmac) == 64 and len(publication.signing_key_id) == 8
    stored = publication.files.get(pack="public")
    assert len(stored.hmac_sha256) == 64
    forged = b"<html><main>A forged paper</main></html>"
    files = [dict(entry, sha256=sha256(forged), size=len(forged)) if entry["pack"] == "public" else entry
             for entry in publication.metadata["files"]]
    metadata = dict(publication.metadata, files=files)
    rewrite(PublishedFile, stored.pk, content=forged, sha256=sha256(forged), size=len(forged))
    rewrite(Publication, publication.pk, metadata=metadata, chain_sha256=link("", metadata))
    assert verify()[0] == 0  # every plain digest agrees: without the key nothing can tell
    with override_settings(PUBLICATION_SIGNING_KEY=KEY):
        status, _, error = verify()
    assert status == 1 and "SIGNATURE 2017-09-22 v1" in error and "rewritten without the key" in error


def test_publications_signed_with_another_key_are_named(paper, demo, html_only):
    with override_settings(PUBLICATION_SIGNING_KEY=KEY):
        first = publish(paper, demo["author"])
        assert verify()[0] == 0
    with override_settings(PUBLICATION_SIGNING_KEY=OTHER_KEY):
        second = publish(paper, demo["author"], reason="A corrected date")
        status, _, error = verify()
    assert status == 1
    assert f"Signed with another key: 2017-09-22 v1 (publication {first.pk}) (key {first.signing_key_id})" in error
    assert f"v2 (publication {second.pk})" not in error.split("Signed with another key")[1]


def test_unsigned_publications_before_the_key_are_noted_after_it_they_fail(paper, demo, html_only):
    publish(paper, demo["author"])
    with override_settings(PUBLICATION_SIGNING_KEY=KEY):
        status, out, _ = verify()
        assert status == 0 and "1 publications were stored before the signing key was set" in out
        publish(paper, demo["author"], reason="A corrected date")
    third = publish(paper, demo["author"], reason="Published without the key")
    with override_settings(PUBLICATION_SIGNING_KEY=KEY):
        status, _, error = verify()
    assert status == 1 and f"UNSIGNED 2017-09-22 v3 (publication {third.pk}): not signed" in error


def test_missing_triggers_fail_verification(paper, demo, html_only):
    publish(paper, demo["author"])
    with tampering.triggers_lifted():
        status, _, error = verify()
    assert status == 1 and "TRIGGERS missing on the publication tables: reports_publication_no_update" in error


def test_the_publish_command_prints_the_chain_digest(paper, demo, html_only):
    out = io.StringIO()
    with override_settings(PUBLICATION_SIGNING_KEY=KEY):
        call_command("publish_paper", "--meeting", "2017-09-22", "--user", "author", stdout=out)
    publication = Publication.objects.get()
    assert f"chain sha256 {publication.chain_sha256}, signed with key {publication.signing_key_id}" in out.getvalue()


def test_the_published_page_shows_the_chain_digest(paper, demo, html_only, client_for):
    publication = publish(paper, demo["author"])
    page = client_for("panel").get(reverse("published:version", args=[paper.pk, 1])).text
    assert f"Chain digest: <code class=\"digest\">{publication.chain_sha256}</code>" in page


# Revisions -----------------------------------------------------------------------

def test_revisions_are_chained_and_verify(demo):
    risk = Risk.objects.get(ref="1")
    risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                              reason="Clearer wording", title="Adequate funding, reworded")
    latest, before = Risk.history.order_by("-history_id")[:2]  # one chain per table
    assert latest.title == "Adequate funding, reworded"
    assert latest.history_previous_chain_sha256 == before.history_chain_sha256 != ""
    status, out, _ = verify("verify_history")
    assert status == 0 and "OK        risks_historicalrisk:" in out and "controls_historicalcontrol" in out


def test_an_edited_revision_is_named(demo):
    revision = Control.history.order_by("history_id")[3]
    with connection.cursor() as cursor:  # revisions have no triggers: the chain is the evidence
        cursor.execute("UPDATE controls_historicalcontrol SET description = 'Rewritten' WHERE history_id = %s",
                       [revision.history_id])
    status, out, error = verify("verify_history")
    assert status == 1 and f"BROKEN    controls_historicalcontrol history_id {revision.history_id}" in out
    assert f"controls_historicalcontrol history_id {revision.history_id}: its content" in error
    assert "was changed after it was recorded" in error


def test_a_removed_revision_breaks_the_next_link(demo):
    first, second = Risk.history.order_by("history_id")[:2]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM risks_historicalrisk WHERE history_id = %s", [first.history_id])
    status, _, error = verify("verify_history")
    assert status == 1 and f"risks_historicalrisk history_id {second.history_id}: it follows" in error
    assert "a revision was removed or inserted before it" in error


def test_bulk_created_revisions_chain_too(empty_database):
    from risks.generator import generate_register

    generate_register(risks=6, seed=16)
    assert verify("verify_history")[0] == 0


@pytest.mark.django_db(transaction=True)
def test_the_migrations_chain_the_revisions_already_recorded(demo):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    chain_migrations = [key for key in executor.loader.disk_migrations if key[1].endswith("_history_chain")]
    assert {app for app, _ in chain_migrations} == {"risks", "controls"}
    before = [sorted(executor.loader.graph.node_map[key].parents)[0].key for key in chain_migrations]
    revisions = Risk.history.count()
    executor.migrate(before)  # the revisions stay, without chain fields
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(leaves)
    assert Risk.history.count() == revisions and not Risk.history.filter(history_chain_sha256="").exists()
    assert verify("verify_history")[0] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_simultaneous_writers_take_turns_so_the_chain_never_forks(demo):
    if connection.vendor != "postgresql":
        pytest.skip("A real race needs separate connections to a server database; run with DATABASE_URL=postgres://...")
    import threading

    risks = list(Risk.objects.order_by("pk")[:6])
    start = threading.Barrier(len(risks))

    def edit(risk):
        try:
            start.wait()
            risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                                      reason="At the same time", title=f"{risk.title} (edited)")
        finally:
            connection.close()

    workers = [threading.Thread(target=edit, args=(risk,)) for risk in risks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert Risk.history.filter(history_change_reason="At the same time").count() == len(risks)
    assert verify("verify_history")[0] == 0


def test_a_field_added_later_with_a_default_leaves_old_revisions_valid(demo):
    from riskregister.history_chain import content

    revision = Risk.history.order_by("history_id").first()
    said = content(revision)
    revision.status = Risk.Status.OPEN  # the field's default: as if the column had been added with it
    assert content(revision) == {key: value for key, value in said.items() if key != "status"}
    revision.status = Risk.Status.CLOSED
    assert content(revision)["status"] == Risk.Status.CLOSED


def test_migrate_puts_back_triggers_a_table_rebuild_dropped(db):
    from publications import triggers
    from publications.apps import reinstall_triggers

    with transaction.atomic():
        triggers.drop(connection)  # as SQLite does when a migration rebuilds a table
        assert triggers.missing(connection) == triggers.trigger_names()
        reinstall_triggers(using="default")  # the post_migrate handler
        assert triggers.missing(connection) == []
