"""The September 2017 register (and paper, and the demo accounts) is loaded ONCE per
test session, in `django_db_setup`; each test runs in a transaction that is rolled
back, so every test starts from the same demo data.

Transactional tests (`transactional_db`, `live_server`, `django_db(transaction=True)`)
commit for real and Django flushes every table after them; the next test's set-up
then loads the demo again (see `pytest_runtest_setup`). A test that needs an empty
database asks for the `empty_database` fixture.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from organisation.current import forget
from riskregister.roles import ensure_roles
from riskregister.demo import DEMO_PASSWORD, load_demo_data
from tests.factories import september_paper

ROLE_USERS = ("smt", "author", "panel", "admin")
# Tables an "empty" database keeps: what the migrations themselves fill.
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission", "auth_group", "auth_group_permissions",
               # The settings the register starts with (organisation.migrations.0002_starting_settings).
               *(f"organisation_{name}" for name in ("organisation", "scoreband", "lever", "riskcategory",
                                                       "appetitelevel")),
               *(f"organisation_historical{name}" for name in ("organisation", "scoreband", "lever", "riskcategory",
                                                                 "appetitelevel"))}
_FLUSHED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo_data()


def _flushes_the_database(item):
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences") or (marker.args and marker.args[0])
    )
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(transactional or fixtures & {"transactional_db", "live_server", "django_db_reset_sequences"})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # After a transactional test the tables are empty: load the demo again,
    # committed, before this test's fixtures (and its transaction) start.
    if item.session.stash.get(_FLUSHED, False):
        with item.config.stash[_blocker_key()].unblock():
            load_demo_data()
        item.session.stash[_FLUSHED] = False
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if _flushes_the_database(item):
            item.session.stash[_FLUSHED] = True


def _blocker_key():
    from pytest_django.plugin import blocking_manager_key

    return blocking_manager_key


@pytest.fixture(autouse=True)
def fresh_organisation_settings():
    """Each test reads the settings afresh: one that changed them was rolled back."""
    forget()
    yield
    forget()


@pytest.fixture
def roles(db):
    # Transactional tests flush the tables the data migrations filled.
    ensure_roles()


@pytest.fixture
def empty_database(db):
    """No register, papers or accounts: only what the migrations made (roles included).
    Deleted inside the test's transaction (rolled back after a plain test; a
    transactional test is followed by a flush and a fresh demo load anyway)."""
    tables = set(connection.introspection.django_table_names(only_existing=True, include_views=False))
    # One transaction: foreign keys are checked (deferred) once every table is empty.
    with transaction.atomic(), connection.cursor() as cursor:
        for table in sorted(tables - KEPT_TABLES):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    ensure_roles()


@pytest.fixture
def demo(roles):
    """The September 2017 register (and paper), with the demo accounts: {username: user}.
    Already loaded for the session; loaded here only if a test emptied the database first."""
    User = get_user_model()
    users = {user.username: user for user in User.objects.filter(username__in=ROLE_USERS)}
    if len(users) < len(ROLE_USERS):
        load_demo_data()
        users = {user.username: user for user in User.objects.filter(username__in=ROLE_USERS)}
    return {username: users[username] for username in ROLE_USERS}


@pytest.fixture
def paper(demo):
    """The demo's paper for the Audit Panel of 22 September 2017 (a draft)."""
    return september_paper()


@pytest.fixture
def users(demo):
    return demo


@pytest.fixture
def password():
    return DEMO_PASSWORD


@pytest.fixture
def client_for(client, users):
    """client_for("smt") -> a test client signed in as that demo user (None: anonymous)."""

    def sign_in(username):
        client.logout()
        if username is not None:
            client.force_login(users[username], backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
