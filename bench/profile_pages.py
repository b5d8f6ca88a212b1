"""CPU per request of each page of the load test's mix, in-process, on PostgreSQL.

Wall-clock load figures say little on a busy machine; the CPU a request costs
depends much less on who else uses the cores. This issues each page of
bench/locustfile.py's mix through Django's test client (production settings:
DEBUG off, WhiteNoise's hashed static names) against a PostgreSQL database
with the demo register, as `make loadtest` sets it up, and prints per page the
queries of one request, the median CPU milliseconds of the Python process, the
mean CPU of the PostgreSQL backend serving it (read from /proc: the server is
on this machine), and the median wall time. `--profile PAGE` prints a cProfile of
that page over the requests.

    python bench/profile_pages.py [--requests 30] [--database-url URL] [--page "risk page"]...
                                  [--profile "register"] [--sort tottime] [--queries]

Without --database-url it builds a scratch database (migrate and load_demo)
and drops it afterwards; with one, that database must already hold the demo
(edits and reviews are saved in it, as under load).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from html_forms import form_fields  # noqa: E402

FILTERS = ("?band=high", "?trend=increasing", "?q=funding", "?lever=oversight", "?band=medium&trend=no_change")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def production_settings(database_url, static_root):
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "riskregister.settings", "DATABASE_URL": database_url, "DEBUG": "0",
        "SECRET_KEY": "profile-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyzABCD",
        "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0", "STATIC_ROOT": str(static_root), "LOG_LEVEL": "ERROR",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", verbosity=0, interactive=False)


def signed_in(username):
    """A client signed in as the load test's users are (the session names ModelBackend)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username),
                       backend="django.contrib.auth.backends.ModelBackend")
    return client


def anonymous():
    from django.test import Client

    return Client()


def backend_cpu_ticks(pid):
    """User and system CPU clock ticks the PostgreSQL backend `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def pages():
    """(name, username, request) for each page of the mix; request(client) issues it once."""
    from reports.models import Paper
    from risks.models import Risk

    open_risks = Risk.objects.filter(status=Risk.Status.OPEN).order_by("pk")
    # Pages are read on one risk and saved on another, so the pages read do not grow
    # with the revisions the saves write.
    risk, saved = open_risks.first(), open_risks.last()
    paper = Paper.objects.order_by("pk").first()
    filters = iter(FILTERS * 10_000)

    def get(url):
        return lambda client: client.get(url)

    def save(url, change):
        def post(client):
            data = form_fields(client.get(url).content.decode())
            change(data)
            return client.post(url, data)
        return post

    def edit(data):
        data["risk-description"] = data.get("risk-description", "")[:1000] + " ."
        data["change-reason"] = "Profile edit"

    def review(data):
        data.update({"trend": "no_change", "likelihood": data.get("likelihood") or "3",
                     "impact": data.get("impact") or "3", "commentary": "Profile review", "reason": "Profile review"})

    return [
        ("register", "smt", get("/risks/")),
        ("register, filtered", "smt", lambda client: client.get("/risks/" + next(filters))),
        ("risk page", "smt", get(f"/risks/{risk.pk}/")),
        ("history", "smt", get(f"/risks/{risk.pk}/history/")),
        ("dashboard", "smt", get("/")),
        ("edit page", "smt", get(f"/risks/{risk.pk}/edit/")),
        ("edit page + save", "smt", save(f"/risks/{saved.pk}/edit/", edit)),
        ("review form", "smt", get(f"/risks/{risk.pk}/review/")),
        ("review form + save", "smt", save(f"/risks/{saved.pk}/review/", review)),
        ("papers", "author", get("/papers/")),
        ("paper preview", "author", get(f"/papers/{paper.pk}/preview/")),
        ("register (author)", "author", get("/risks/")),
        ("sign-in page", None, get("/accounts/login/")),
    ]


def measure(request, client, requests, profiler=None, show_queries=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm: templates compiled, connection open
        response = request(client)
        if response.status_code not in (200, 302):
            raise SystemExit(f"{response.status_code} from {response.request['PATH_INFO']}")
    with CaptureQueriesContext(connection) as captured:
        request(client)
    queries = len(captured)
    if show_queries:
        for query in captured.captured_queries:
            print("   ", query["sql"][:240])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    cpu, wall = [], []
    ticks = backend_cpu_ticks(backend)
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        request(client)
        if profiler:
            profiler.disable()
        cpu.append((time.process_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    database_ms = (backend_cpu_ticks(backend) - ticks) * 1000 / CLOCK_TICKS / requests
    return {"queries": queries, "cpu_ms": statistics.median(cpu), "database_cpu_ms": database_ms,
            "wall_ms": statistics.median(wall)}


def run(args):
    clients = {}
    print(f"CPU per request, median of {args.requests} (Python process; PostgreSQL backend is a mean, "
          f"clock ticks of {1000 / CLOCK_TICKS:.0f} ms); load average {os.getloadavg()[0]:.2f}")
    print(f"{'page':<22} {'queries':>7} {'CPU ms':>7} {'DB CPU ms':>9} {'wall ms':>8}")
    total = 0.0
    for name, username, request in pages():
        if args.page and name not in args.page:
            continue
        if username not in clients:
            clients[username] = signed_in(username) if username else anonymous()
        profiler = cProfile.Profile() if name == args.profile else None
        figures = measure(request, clients[username], args.requests, profiler, args.queries)
        total += figures["cpu_ms"]
        print(f"{name:<22} {figures['queries']:>7} {figures['cpu_ms']:>7.1f} {figures['database_cpu_ms']:>9.1f} "
              f"{figures['wall_ms']:>8.1f}", flush=True)
        if profiler:
            pstats.Stats(profiler).strip_dirs().sort_stats(args.sort).print_stats(args.lines)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", help="a PostgreSQL database already holding the demo")
    parser.add_argument("--profile", metavar="PAGE", help="print a cProfile of this page (its name as printed)")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime, ...)")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--page", action="append", help="only this page (repeatable)")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request of each page")
    args = parser.parse_args()
    with ExitStack() as stack:
        database_url = args.database_url
        if not database_url:
            from tests.processes import developer_env, manage, scratch_postgres_database

            database_url = stack.enter_context(scratch_postgres_database())
            manage(developer_env(database_url), "migrate", "--noinput")
            manage(developer_env(database_url), "load_demo")
        static_root = stack.enter_context(tempfile.TemporaryDirectory(prefix="rr-profile-"))
        production_settings(database_url, static_root)
        run(args)
        from django.db import connections

        connections.close_all()  # before a scratch database is dropped


if __name__ == "__main__":
    main()
