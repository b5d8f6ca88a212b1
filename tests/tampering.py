"""Changing published rows behind the application's back, as a malicious edit
with direct database access would: the triggers that refuse it are dropped
inside the test's transaction (both backends roll DDL back) and put back after."""

from contextlib import contextmanager

from django.db import connection, transaction

from publications import triggers


@contextmanager
def triggers_lifted():
    with transaction.atomic():
        triggers.drop(connection)
        try:
            yield
        finally:
            triggers.install(connection)


def execute(sql, params=()):
    with triggers_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)
