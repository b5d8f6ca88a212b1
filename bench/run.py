"""`make bench`: runs every benchmark module present (register first, then papers)."""

import importlib
import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MODULES = ("bench.bench_register", "bench.bench_papers")


def main():
    for name in MODULES:
        if importlib.util.find_spec(name) is None:
            continue  # that benchmark's app is not on this build
        importlib.import_module(name).main()
        print()


if __name__ == "__main__":
    main()
