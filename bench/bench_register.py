"""Register, risk and history pages at 50 and 500 risks: queries, median time, memory.

`main()` prints the table; each size runs in its own process against its own
freshly migrated SQLite file, built with `generate_register`.
"""

import json
import sys
import time

from bench import common

SIZES = (50, 500)


def child(size):
    common.setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.urls import reverse

    from riskregister.access import SMT_EDITOR
    from risks.generator import generate_register
    from risks.models import Risk

    started = time.perf_counter()
    generate_register(risks=size, seed=2017)
    generated_s = round(time.perf_counter() - started, 1)
    user = get_user_model().objects.create_user("bench-smt", password=None)
    user.groups.add(Group.objects.get(name=SMT_EDITOR))
    client = common.signed_in_client(user)
    # The first risk is the one with 200+ revisions.
    risk = Risk.objects.order_by("pk").first()
    pages = {
        "register page": reverse("risks:register"),
        "risk page": reverse("risks:detail", args=[risk.pk]),
        "history page": reverse("risks:history", args=[risk.pk]),
    }
    result = {"size": size, "generated_s": generated_s, "revisions": risk.history.count(), "pages": {}}
    for name, url in pages.items():
        result["pages"][name] = common.measure(client, url)
    result["memory"] = common.peak_memory(client, list(pages.values()))
    print(json.dumps(result))


def main():
    print("Register benchmark (SQLite, fresh database per size, "
          f"median of {common.REQUESTS} requests through the test client, signed in as an SMT editor)")
    results = [common.run_child("bench.bench_register", size) for size in SIZES]
    for result in results:
        print(f"\n{result['size']} risks (generated in {result['generated_s']} s; "
              f"the risk measured has {result['revisions']} revisions)")
        for name, figures in result["pages"].items():
            print(f"  {name:<14} {figures['queries']:>3} queries  median {figures['median_ms']:>7.1f} ms "
                  f"(CPU {figures['median_cpu_ms']:.1f} ms)")
        memory = result["memory"]
        print(f"  peak memory: {memory['peak_alloc_mib']} MiB allocated while serving the pages "
              f"(tracemalloc); process max RSS {memory['max_rss_mib']} MiB")
    sizes = {name for result in results for name, figures in result["pages"].items() if figures}
    for name in sorted(sizes):
        counts = {result["pages"][name]["queries"] for result in results if result["pages"][name]}
        verdict = "same at every size" if len(counts) == 1 else f"DIFFERS: {sorted(counts)}"
        print(f"{name} query count: {verdict}")


if __name__ == "__main__":
    child(int(sys.argv[1]))
