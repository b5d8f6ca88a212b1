"""load_demo on a production database (DEBUG off): refused unless told
explicitly, and then every account gets a random password printed once.
HSTS preload is opt-in."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from risks.demo import DEMO_ACCOUNTS
from risks.management.commands.load_demo import DEMO_PASSWORD
from risks.models import Risk

pytestmark = pytest.mark.django_db


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_with_debug_off_load_demo_refuses_and_creates_nothing(empty_database, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-demo-accounts"):
        load_demo()
    assert not get_user_model().objects.exists() and not Risk.objects.exists()


def test_allowed_with_debug_off_each_account_gets_a_random_password_printed_once(empty_database, settings):
    settings.DEBUG = False
    output = load_demo("--allow-demo-accounts")
    assert DEMO_PASSWORD not in output and Risk.objects.exists()
    passwords = {}
    for line in output.splitlines():
        if "password: " in line:
            passwords[line.split()[0]] = line.rsplit("password: ", 1)[1].strip()
    # The four demo accounts and the owners' accounts, each its own password.
    owners = {"paul.wylie", "sam.cunningham", "natasha.plummer"}
    assert set(passwords) == set(DEMO_ACCOUNTS) | owners and len(set(passwords.values())) == len(passwords)
    for username, password in passwords.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password) and not user.check_password(DEMO_PASSWORD)
    # Run again: nothing new, no password printed or changed.
    again = load_demo("--allow-demo-accounts")
    assert "password: " not in again and "password unchanged" in again
    assert get_user_model().objects.get(username="admin").check_password(passwords["admin"])


def test_with_debug_on_the_documented_password_stays(roles, settings):
    settings.DEBUG = True
    output = load_demo()
    assert DEMO_PASSWORD in output
    assert get_user_model().objects.get(username="smt").check_password(DEMO_PASSWORD)


def settings_value(name, **environ):
    """A setting as riskregister.settings computes it from this environment."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "DEBUG"))}
    env.update(SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="riskregister.settings", **environ)
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True, cwd=django_settings.BASE_DIR).stdout.strip()


def test_hsts_preload_is_off_unless_asked_for():
    assert settings_value("SECURE_HSTS_PRELOAD") == "False"
    assert settings_value("SECURE_HSTS_SECONDS") == "31536000"
    assert settings_value("SECURE_HSTS_PRELOAD", SECURE_HSTS_PRELOAD="1") == "True"
