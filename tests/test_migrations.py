"""Data migrations, run for real: back to the schema before them, rows written, forward again."""

from datetime import datetime, timezone as dt_timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_DATES = [("risks", "0002_roles")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def moment(day):
    return datetime(*day, 12, tzinfo=dt_timezone.utc)


@pytest.mark.django_db(transaction=True)
def test_dates_raised_and_closed_are_filled_from_created_and_the_revisions(empty_database):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    apps = migrate(BEFORE_DATES)
    Risk, HistoricalRisk = apps.get_model("risks", "Risk"), apps.get_model("risks", "HistoricalRisk")
    scores = {f"{stage}_{axis}": 3 for stage in ("inherent", "current", "target") for axis in ("likelihood", "impact")}
    still_open = Risk.objects.create(ref="1", title="Open", description="Still open", **scores)
    closed = Risk.objects.create(ref="2", title="Closed", description="Closed, reopened, closed again",
                                 status="closed", **scores)
    Risk.objects.filter(pk__in=[still_open.pk, closed.pk]).update(created=moment((2017, 3, 1)))
    # Loaded today from an old paper: the row is dated today, its review when it happened.
    loaded = Risk.objects.create(ref="3", title="Loaded", description="From the 2017 paper", **scores)
    apps.get_model("risks", "Review").objects.create(risk=loaded, reviewed_on="2017-09-05", trend="new",
                                                     likelihood=3, impact=3)
    HistoricalRisk.objects.create(id=999, history_date=moment((2017, 5, 2)), history_type="-", status="open",
                                  created=moment((2017, 5, 2)), updated=moment((2017, 5, 2)),
                                  ref="9", title="Deleted since", description="Gone", **scores)
    fields = {name: getattr(closed, name) for name in ("ref", "title", "description", *scores)}
    for day, status in [((2017, 3, 1), "open"), ((2017, 6, 1), "closed"), ((2017, 7, 1), "open"),
                        ((2017, 10, 3), "closed"), ((2018, 1, 5), "closed")]:
        HistoricalRisk.objects.create(id=closed.pk, history_date=moment(day), history_type="~", status=status,
                                      created=moment((2017, 3, 1)), updated=moment(day), **fields)

    apps = migrate(leaves)
    Risk, HistoricalRisk = apps.get_model("risks", "Risk"), apps.get_model("risks", "HistoricalRisk")
    still_open, closed = Risk.objects.get(pk=still_open.pk), Risk.objects.get(pk=closed.pk)
    assert (still_open.opened_on.isoformat(), still_open.closed_on) == ("2017-03-01", None)
    # Closed since the revision of 3 October 2017 (the later one only repeats it).
    assert (closed.opened_on.isoformat(), closed.closed_on.isoformat()) == ("2017-03-01", "2017-10-03")
    assert Risk.objects.get(pk=loaded.pk).opened_on.isoformat() == "2017-09-05"
    assert HistoricalRisk.objects.get(id=999).opened_on.isoformat() == "2017-05-02"
    revisions = HistoricalRisk.objects.filter(id=closed.pk).order_by("history_date")
    assert [(r.status, r.closed_on and r.closed_on.isoformat()) for r in revisions] == [
        ("open", None), ("closed", "2017-06-01"), ("open", None), ("closed", "2017-10-03"), ("closed", "2017-10-03"),
    ]
    # Migrations make roles, never accounts: the demo's come from load_demo alone.
    assert not apps.get_model("auth", "User").objects.exists()
