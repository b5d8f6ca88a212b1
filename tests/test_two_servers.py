"""Two app servers on one PostgreSQL database: nothing lives in a server's memory
or on its disk between requests, so a session made on one is good on the other
and two editors on different servers still meet the conflict check."""

import re

import pytest

from tests import processes
from tests.processes import Browser
from tests.edit_helpers import form_values


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("two-servers")
    with processes.scratch_postgres_database() as database_url:
        processes.manage(processes.developer_env(database_url), "migrate", "--noinput")
        processes.manage(processes.developer_env(database_url), "load_demo")
        risk_id = processes.manage(
            processes.developer_env(database_url), "shell", "-c",
            "from risks.models import Risk; print(Risk.objects.get(ref='4').pk)",
        ).stdout.strip().splitlines()[-1]
        env = processes.production_env(tmp_path, DATABASE_URL=database_url)
        processes.manage(env, "collectstatic", "--noinput")
        with processes.gunicorn(env, workers=1) as first, processes.gunicorn(env, workers=1) as second:
            yield first, second, int(risk_id), database_url


def history_reasons(database_url, risk_id):
    out = processes.manage(
        processes.developer_env(database_url), "shell", "-c",
        f"from risks.models import Risk; print('|'.join(r.history_change_reason or '' "
        f"for r in Risk.objects.get(pk={risk_id}).history.order_by('history_id')))",
    ).stdout.strip().splitlines()[-1]
    return out.split("|")


def test_a_session_made_on_one_server_is_good_on_the_other(two_servers):
    first, second, risk_id, _ = two_servers
    browser = Browser()
    browser.sign_in(first, "smt")
    status, page = browser.get(f"{second}/risks/{risk_id}/")
    assert status == 200 and "Adequate funding" in page


def test_two_editors_on_two_servers_meet_the_conflict_check(two_servers):
    first, second, risk_id, database_url = two_servers
    alice, bob = Browser(), Browser()
    alice.sign_in(first, "smt")
    bob.sign_in(second, "smt")
    edit_on_first, edit_on_second = f"{first}/risks/{risk_id}/edit/", f"{second}/risks/{risk_id}/edit/"
    alice_form = form_values(alice.get(edit_on_first)[1])
    bob_form = form_values(bob.get(edit_on_second)[1])

    alice_form.update({"risk-description": alice_form["risk-description"] + " Seen on the first server.",
                       "change-reason": "Edited through the first server"})
    status, page = alice.post(edit_on_first, alice_form, referer=edit_on_first)
    assert status == 302, re.findall(r'Error:</span>(.*?)</p>', page, re.S)

    bob_form.update({"risk-title": "Funding, retitled on the second server",
                     "change-reason": "Edited through the second server"})
    status, page = bob.post(edit_on_second, bob_form, referer=edit_on_second)
    assert status == 409
    assert re.search(r"changed since you (opened|started)", page, re.IGNORECASE) or "conflict" in page.lower()

    status, page = alice.get(f"{first}/risks/{risk_id}/")
    assert "Seen on the first server." in page
    assert "retitled on the second server" not in page
    assert history_reasons(database_url, risk_id)[-1] == "Edited through the first server"


def test_a_settings_change_is_seen_at_once_by_both_servers(two_servers):
    """Each server reuses the settings it read while the database's stamp is unchanged."""
    first, second, _, database_url = two_servers
    browser = Browser()
    browser.sign_in(first, "smt")
    for server in (first, second):  # both have read the settings
        assert "Mayor&#x27;s Office for Policing and Crime" in browser.get(f"{server}/")[1]
    processes.manage(
        processes.developer_env(database_url), "shell", "-c",
        "from organisation.models import Organisation; from organisation.services import update_organisation; "
        "from django.contrib.auth import get_user_model; o = Organisation.objects.get(); "
        "update_organisation(name='Office renamed by a third process', short_name='ORP', "
        "user=get_user_model().objects.get(username='author'), reason='Renamed', expected_version=o.version)",
    )
    for server in (first, second):
        page = browser.get(f"{server}/")[1]
        assert "Office renamed by a third process" in page and "Mayor&#x27;s Office" not in page
