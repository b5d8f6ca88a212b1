import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from riskregister.roles import ensure_roles
from risks.management.commands.load_demo import DEMO_PASSWORD

ROLE_USERS = ("smt", "author", "panel", "admin")


@pytest.fixture
def roles(db):
    # Transactional tests flush the tables the data migrations filled.
    ensure_roles()


@pytest.fixture
def demo(roles):
    """The September 2017 register (and paper), with the demo accounts, as `load_demo` makes them."""
    call_command("load_demo", stdout=io.StringIO())
    User = get_user_model()
    return {username: User.objects.get(username=username) for username in ROLE_USERS}


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
