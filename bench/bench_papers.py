"""Time and peak memory to render papers as PDF.

    .venv/bin/python bench/bench_papers.py

Cases (each in its own process, so each peak memory figure is its own):
  fixture-public       the September 2017 paper, public pack
  fixture-restricted   the same, restricted pack (Appendices 3 and 4)
  register-200         the restricted pack over a 200-risk generated register
                       (`manage.py generate_register --risks 200`)

Each case builds a fresh temporary SQLite database, so nothing touches the
project's own db.sqlite3. Times are for gather + render_pdf: "cold" is the
first render in the process (fonts loaded), "warm" the best of the next ones.
Goals (2-core machine): fixture PDF < 1.5 s; 200-risk restricted pack < 10 s
and < 400 MB peak RSS. Each line ends with its verdict, judged on the cold render.
"""

import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ("fixture-public", "fixture-restricted", "register-200")
# Issue 4's goals on a 2-core machine: (seconds, peak RSS in MB or None).
GOALS = {"fixture-public": (1.5, None), "fixture-restricted": (1.5, None), "register-200": (10, 400)}
WARM_RUNS = 3


def setup_django(database_path):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "riskregister.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare(case):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from reports import services
    from reports.models import Paper
    from risks.models import Risk

    if case.startswith("fixture"):
        from riskregister.demo import load_demo_data

        load_demo_data()  # the command itself refuses with DEBUG off
        return Paper.objects.get(meeting_date=date(2017, 9, 22)), case == "fixture-restricted"
    from riskregister.roles import ensure_roles

    ensure_roles()
    user = get_user_model().objects.filter(is_superuser=True).first()
    call_command("generate_register", risks=200, stdout=io.StringIO())
    paper = Paper.objects.order_by("-meeting_date").first()
    if paper is None:
        paper = services.create_paper(user=user, reason="Benchmark", meeting_date=date.today(), title="Benchmark paper")
        services.set_appendix_2(paper_id=paper.pk, expected_version=paper.version,
                                risks=list(Risk.objects.open()[:5]), user=user, reason="Benchmark")
    return paper, True


def run_case(case):
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from reports import rendering
        from risks.models import Risk

        paper, restricted = prepare(case)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        timings, cpu, pages = [], [], 0
        for _ in range(1 + (WARM_RUNS if case.startswith("fixture") else 1)):
            start, start_cpu = time.perf_counter(), time.process_time()
            pdf = rendering.render_pdf(rendering.gather(paper, restricted=restricted))
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        risks = Risk.objects.open().count()
        print(f"{case:<20} {risks:>5} risks {pages:>4} pages  cold {timings[0]:6.2f} s  "
              f"warm {min(timings[1:]):6.2f} s (CPU {min(cpu[1:]):.2f} s)  peak RSS {peak:6.0f} MB (before rendering {rss_before:.0f} MB)  "
              f"{len(pdf) / 1024:.0f} KiB  {verdict(case, timings[0], peak)}")


def verdict(case, cold_seconds, peak_mb):
    """Judged on the cold render (the first in a fresh process, WeasyPrint's import included)."""
    seconds, memory = GOALS[case]
    goal = f"< {seconds} s" + (f", < {memory} MB" if memory else "")
    met = cold_seconds < seconds and (memory is None or peak_mb < memory)
    return f"goal {goal}: {'met' if met else 'NOT MET'}"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        run_case(argv[0])
        return 0
    print("Rendering papers as PDF (each case in a fresh process and database)")
    failed = 0
    for case in CASES:
        result = subprocess.run([sys.executable, __file__, case], cwd=ROOT, capture_output=True, text=True)
        if result.returncode:
            failed += 1
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"{case:<20} FAILED: {last}")
        else:
            print(result.stdout.strip())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
