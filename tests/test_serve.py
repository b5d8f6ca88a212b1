"""`make serve`'s set-up for real: gunicorn with DEBUG off, static files through
WhiteNoise under content-hashed names, and a refusal to start without a proper
SECRET_KEY."""

import re
import urllib.request

import pytest

from tests.processes import gunicorn, manage, production_env, wait_until_healthy, worker

def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def served(tmp_path):
    env = production_env(tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    with worker(env), gunicorn(env) as base:
        yield base


def test_gunicorn_serves_styled_pages_with_debug_off(served):
    body = wait_until_healthy(served)
    assert b'"status": "ok"' in body and b'"worker": "ok"' in body

    status, _, page = get(served + "/accounts/login/")
    assert status == 200
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the sign-in page links its stylesheet under a content-hashed name"

    status, headers, css = get(served + stylesheet.group(1).decode())
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert b"font-family" in css
    assert "max-age=315360000" in headers["Cache-Control"]


def test_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage(production_env(tmp_path, SECRET_KEY=""), "check", check=False)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr and "missing" in result.stderr


def test_refuses_a_short_secret_key(tmp_path):
    result = manage(production_env(tmp_path, SECRET_KEY="too-short"), "check", check=False)
    assert result.returncode != 0
    assert "only 9 characters" in result.stderr
