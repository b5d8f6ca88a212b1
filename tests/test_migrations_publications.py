"""Publications moved from reports/ to their own app without moving data: the
migrations run back and forth with published rows in place, and the permission
granted on them follows (its content type moves with the model)."""

import hashlib
from datetime import date, datetime, timezone as dt_timezone

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from publications import triggers
from riskregister.chaining import link

BEFORE_MOVE = [("publications", None)]  # unapplies reports.0005 too, which depends on it
OLD_STATE = [("reports", "0004_publication_roles")]
CONTENT = b"<html><main>The paper as published</main></html>"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()  # the migration moved rows the cache may hold


def state_apps(nodes):
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(nodes).apps


def publish_in_old_state(apps):
    User, Group = apps.get_model("auth", "User"), apps.get_model("auth", "Group")
    reader = User.objects.create(username="reader", password="!")
    reader.groups.add(Group.objects.get(name="Panel member"))
    paper = apps.get_model("reports", "Paper").objects.create(meeting_date=date(2017, 9, 22), title="Risk report")
    frame = {"panel": "Audit Panel", "title": "Risk report", "meeting_date": "2017-09-22"}
    publication = apps.get_model("reports", "Publication").objects.create(
        paper=paper, version=1, published_at=datetime(2017, 9, 15, 12, tzinfo=dt_timezone.utc), published_by=reader,
        public_snapshot={"frame": frame}, restricted_snapshot={"frame": frame}, snapshots_sha256="0" * 64,
    )
    stored = apps.get_model("reports", "PublishedFile").objects.create(
        publication=publication, pack="public", format="html", filename="audit-panel-2017-09-22-public-v1.html",
        content=CONTENT, size=len(CONTENT), sha256=hashlib.sha256(CONTENT).hexdigest(),
    )
    return publication.pk, stored.pk


@pytest.mark.django_db(transaction=True)
def test_publications_move_apps_and_back_with_their_rows_and_permissions(empty_database):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(BEFORE_MOVE)
    old = state_apps(OLD_STATE)
    publication_pk, file_pk = publish_in_old_state(old)
    old_content_type = ContentType.objects.get(app_label="reports", model="publication").pk

    migrate(leaves)
    new = state_apps(leaves)
    publication = new.get_model("publications", "Publication").objects.get(pk=publication_pk)
    stored = new.get_model("publications", "PublishedFile").objects.get(pk=file_pk)
    assert (publication.version, publication.public_snapshot["frame"]["title"]) == (1, "Risk report")
    assert bytes(stored.content) == CONTENT and stored.publication_id == publication_pk
    assert ContentType.objects.get(app_label="publications", model="publication").pk == old_content_type
    assert not ContentType.objects.filter(app_label="reports", model__in=["publication", "publishedfile"]).exists()
    assert get_user_model().objects.get(username="reader").has_perm("publications.view_publication")
    # The live model reads the same table.
    from publications.models import Publication

    assert Publication.objects.get(pk=publication_pk).frame.title == "Risk report"
    # Publications stored before the chain are chained by the migration, then the triggers go in.
    live = Publication.objects.get(pk=publication_pk)
    assert live.previous_chain_sha256 == "" and live.chain_sha256 == link("", live.metadata)
    assert live.metadata["files"] == [{"pack": "public", "format": "html", "filename": stored.filename,
                                       "size": len(CONTENT), "sha256": hashlib.sha256(CONTENT).hexdigest()}]
    assert triggers.missing(connection) == []

    migrate(BEFORE_MOVE)
    assert triggers.missing(connection) == triggers.trigger_names()  # dropped on the way back
    old = state_apps(OLD_STATE)
    assert bytes(old.get_model("reports", "PublishedFile").objects.get(pk=file_pk).content) == CONTENT
    assert ContentType.objects.get(app_label="reports", model="publication").pk == old_content_type
    assert get_user_model().objects.get(username="reader").has_perm("reports.view_publication")

    migrate(leaves)
    assert Publication.objects.filter(pk=publication_pk).exists()
