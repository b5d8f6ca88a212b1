from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

TRIGGER_MIGRATION = "0004_publication_triggers"


def reinstall_triggers(using="default", **kwargs):
    """After every migrate: SQLite loses a table's triggers when a migration rebuilds it."""
    from django.db.migrations.recorder import MigrationRecorder

    from publications import triggers

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    if recorder.has_table() and recorder.migration_qs.filter(app="publications", name=TRIGGER_MIGRATION).exists():
        triggers.install(connection)


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "Published papers"

    def ready(self):
        post_migrate.connect(reinstall_triggers, sender=self, dispatch_uid="publications_reinstall_triggers")
