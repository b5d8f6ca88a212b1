"""A process reuses the organisation's settings while the database's settings stamp is
unchanged (organisation.current): a page then reads one small row instead of every kind
of setting, and a change, made here or by another server, is seen by the next request.
Across two real servers: tests/test_two_servers.py."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from organisation import current as current_module
from organisation.current import current, forget, stamp_token
from organisation.models import Organisation, ScoreBand, SettingsStamp
from organisation.services import update_organisation

pytestmark = pytest.mark.django_db

REASON = "Agreed by the SMT on 1 December"


@pytest.fixture
def reuse(settings):
    settings.ORGANISATION_SETTINGS_REUSE = True
    current_module._reusable = None
    yield
    current_module._reusable = None


def settings_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries if "organisation_" in query["sql"]]


def test_a_second_page_reads_only_the_stamp(reuse, client_for):
    client = client_for("smt")
    _, first = settings_queries(client, "/risks/")
    assert len(first) > 1  # the stamp, then every kind of setting
    response, second = settings_queries(client, "/risks/")
    assert len(second) == 1 and "organisation_settingsstamp" in second[0]
    assert "High" in response.text  # the bands, from the reused settings


def test_every_change_to_the_settings_writes_a_new_stamp(users):
    before = stamp_token()
    update_organisation(name="Office for Policing", short_name="OPC", user=users["author"], reason=REASON,
                        expected_version=Organisation.objects.get().version)
    after_name = stamp_token()
    band = ScoreBand.objects.get(key="high")
    band.colour = "#8b0000"
    band.save()
    after_band = stamp_token()
    assert len({before, after_name, after_band}) == 3


def test_a_change_made_elsewhere_is_seen_by_the_next_request(reuse, client_for):
    """Nothing in this process is told of the change: only the stamp in the database says it."""
    client = client_for("smt")
    assert "Mayor&#x27;s Office for Policing and Crime" in client.get("/").text
    kept = current_module._reusable
    organisation = Organisation.objects.get()
    organisation.name = "Office for Policing and Crime, renamed"
    organisation.save()  # straight to the database, as another server's change arrives
    assert current_module._reusable is kept
    assert "Office for Policing and Crime, renamed" in client.get("/").text


def test_a_change_rolled_back_is_not_reused(reuse, users):
    forget()
    assert current().name == "Mayor's Office for Policing and Crime"
    with pytest.raises(RuntimeError), transaction.atomic():
        update_organisation(name="Never committed", short_name="NC", user=users["author"], reason=REASON,
                            expected_version=Organisation.objects.get().version)
        assert current().name == "Never committed"  # the same request sees its own change
        raise RuntimeError("the rest of the change failed")
    forget()
    assert current().name == "Mayor's Office for Policing and Crime"


def test_without_a_stamp_each_request_reads_what_it_uses(reuse, client_for):
    SettingsStamp.objects.all().delete()  # as after a flush, before any setting is saved
    client = client_for("smt")
    _, first = settings_queries(client, "/risks/")
    _, second = settings_queries(client, "/risks/")
    assert len(second) == len(first) > 1
    assert current_module._reusable is None


def test_reuse_off_reads_the_settings_on_every_request(client_for, settings):
    settings.ORGANISATION_SETTINGS_REUSE = False
    client = client_for("smt")
    _, first = settings_queries(client, "/risks/")
    _, second = settings_queries(client, "/risks/")
    assert len(second) == len(first) and not any("settingsstamp" in sql for sql in second)
