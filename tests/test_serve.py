"""`make serve`'s set-up for real: gunicorn with DEBUG off, static files through
WhiteNoise under content-hashed names, and a refusal to start without a proper
SECRET_KEY."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = "serve-test-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path, **extra):
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update({
        "DEBUG": "0", "SECRET_KEY": SECRET, "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "riskregister.settings",
    })
    env.update(extra)
    return env


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=300)


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def served(tmp_path):
    env = production_env(tmp_path)
    for args in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        result = manage(env, *args)
        assert result.returncode == 0, result.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "riskregister.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_gunicorn_serves_styled_pages_with_debug_off(served):
    status, _, body = get(served + "/healthz")
    assert status == 200 and b'"status": "ok"' in body

    status, _, page = get(served + "/accounts/login/")
    assert status == 200
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the sign-in page links its stylesheet under a content-hashed name"

    status, headers, css = get(served + stylesheet.group(1).decode())
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert b"font-family" in css
    assert "max-age=315360000" in headers["Cache-Control"]


def test_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage(production_env(tmp_path, SECRET_KEY=""), "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr and "missing" in result.stderr


def test_refuses_a_short_secret_key(tmp_path):
    result = manage(production_env(tmp_path, SECRET_KEY="too-short"), "check")
    assert result.returncode != 0
    assert "only 9 characters" in result.stderr
