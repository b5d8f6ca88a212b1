"""Django's flush, which empties every table: on SQLite it does so with DELETE,
which the triggers on published rows refuse (PostgreSQL's TRUNCATE fires no row
triggers). Erasing the whole database is not changing what was published, so on
SQLite the triggers step aside for the flush and are put back afterwards."""

from django.core.management.commands import flush
from django.db import connections

from publications import triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or triggers.missing(connection) == triggers.trigger_names():
            return super().handle(**options)
        triggers.drop(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.install(connection)
