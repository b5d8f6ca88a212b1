"""The app as separate processes, as an operator runs it: manage.py commands and
gunicorn against real database files and a real PostgreSQL server."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest

DEMO_PASSWORD = "register-demo-2017"

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
POSTGRES_ADMIN = os.environ.get("POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SECRET = "process-test-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"


def production_env(tmp_path, **extra):
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update({
        "DEBUG": "0", "SECRET_KEY": SECRET, "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "riskregister.settings", "LOG_LEVEL": "ERROR",
    })
    env.update(extra)
    return env


def developer_env(database_url):
    """What `make run` gives manage.py: DEBUG on, no SECRET_KEY."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update({"DATABASE_URL": database_url, "DEBUG": "1", "SECRET_KEY": "", "LOG_LEVEL": "ERROR"})
    return env


def manage(env, *args, check=True):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env,
                            capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env, workers=2, threads=1):
    """A gunicorn server on a free loopback port; yields its base URL once it answers.
    threads > 1 runs gthread workers, as `make serve` does."""
    port = free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "riskregister.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         *(["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30"] if threads > 1 else [])],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).close()
                break
            except urllib.error.HTTPError:
                break  # answering (a 503 until a worker is seen)
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("gunicorn exited before it answered") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def worker(env):
    """The tasks worker, as `make serve` starts it beside gunicorn."""
    process = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"],
                               cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_healthy(base, seconds=60):
    """/healthz's body once it answers 200 (the worker has run its heartbeat)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if time.monotonic() > deadline:
                raise AssertionError(f"/healthz still answers {error.code}: {error.read()!r}") from None
            time.sleep(0.5)


@contextmanager
def scratch_postgres_database():
    """A new, empty PostgreSQL database (dropped afterwards); its DATABASE_URL."""
    try:
        admin = psycopg2.connect(POSTGRES_ADMIN)
    except psycopg2.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"No PostgreSQL server at {POSTGRES_ADMIN}: {error}")
    admin.autocommit = True
    name = f"rr_scratch_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class Browser:
    """A cookie jar and the forms it fills, as a person's browser would."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect(),
        )

    def get(self, url):
        return self.request(url)

    def post(self, url, data, *, referer):
        token = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self.request(url, body, headers={"Referer": referer})

    def request(self, url, body=None, headers=None):
        try:
            with self.opener.open(urllib.request.Request(url, body, headers or {}), timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, base, username):
        self.get(base + "/accounts/login/")
        status, _ = self.post(base + "/accounts/login/", {"username": username, "password": DEMO_PASSWORD},
                              referer=base + "/accounts/login/")
        assert status == 302


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
