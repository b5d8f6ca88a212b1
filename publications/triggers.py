"""Database triggers that refuse UPDATE and DELETE on published rows, so nothing
changes them, not even SQL that bypasses the ORM (the shape of healthchecks'
ensuretriggers: one definition per backend, installed idempotently).

Installed by migration publications.0004 and again after every migrate
(apps.py): SQLite drops a table's triggers when a migration rebuilds the table.
TRUNCATE (PostgreSQL's flush) and DROP TABLE are not refused: erasing a whole
database is not changing what was published. verify_publications reports
missing triggers.
"""

TABLES = ("reports_publication", "reports_publishedfile")
OPERATIONS = ("update", "delete")
MESSAGE = "published rows cannot be changed or deleted"
PG_FUNCTION = "published_rows_are_immutable"


def trigger_names():
    return [f"{table}_no_{operation}" for table in TABLES for operation in OPERATIONS]


def install(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in TABLES:
                for operation in OPERATIONS:
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{operation}" '
                        f"BEFORE {operation.upper()} ON \"{table}\" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                    )
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME "
                "USING ERRCODE = 'integrity_constraint_violation'; END $$"
            )
            for table in TABLES:
                for operation in OPERATIONS:
                    cursor.execute(
                        f'CREATE OR REPLACE TRIGGER "{table}_no_{operation}" BEFORE {operation.upper()} ON "{table}" '
                        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
                    )


def drop(connection):
    with connection.cursor() as cursor:
        for table in TABLES:
            for operation in OPERATIONS:
                if connection.vendor == "sqlite":
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_{operation}"')
                elif connection.vendor == "postgresql":
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_{operation}" ON "{table}"')
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")


def missing(connection):
    """Names of the triggers that should be there and are not (none on other backends)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in trigger_names() if name not in present]
