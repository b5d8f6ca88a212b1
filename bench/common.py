"""Helpers any benchmark module can use: a fresh SQLite database in a child process,
a signed-in client, and the median server time and query count of a page."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 20
WARM_UP = 3


def bench_env(database_path):
    """Environment for a benchmark child: production settings, a throw-away SQLite file."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "riskregister.settings",
        "DATABASE_URL": f"sqlite:///{database_path}",
        "STATIC_ROOT": str(Path(database_path).parent / "static"),
        "SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
    })
    return env


def run_child(module, *args):
    """Run `python -m module *args` against a fresh temporary database; return its JSON result."""
    with tempfile.TemporaryDirectory(prefix="rr-bench-") as directory:
        env = bench_env(Path(directory) / "bench.sqlite3")
        done = subprocess.run(
            [sys.executable, "-m", module, *map(str, args)], cwd=ROOT, env=env,
            capture_output=True, text=True, check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"{module} {args} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def setup_django():
    """In a child: set Django up, migrate the (empty) database and collect the
    static files (production settings name them by content hash)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def measure(client, url, requests=REQUESTS):
    """Queries of one request, and median wall and CPU milliseconds over `requests`, for GET url."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} gave {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # read now: later requests reset the connection's query log
    times, cpu_times = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
    # CPU time as well as wall time: on a busy machine the wall time includes waiting for a core.
    return {"queries": queries, "median_ms": round(statistics.median(times), 1),
            "median_cpu_ms": round(statistics.median(cpu_times), 1)}


def peak_memory(client, urls):
    """Peak Python memory (MiB, tracemalloc) while serving each URL once, and the process's max RSS."""
    import resource
    import tracemalloc

    tracemalloc.start()
    for url in urls:
        client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"peak_alloc_mib": round(peak / 2**20, 1), "max_rss_mib": round(rss_kib / 1024, 1)}
