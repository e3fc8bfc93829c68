"""Where a cold one-report ``gk-audit check`` spends its time (issue 12's cold-start target).

    python benchmarks/cold_start.py [REPORT] [--runs 7]

Prints, for one text report (default: a generated one):

1. the cold start as ``benchmarks/compare.py`` measures it (best of ``--runs`` wall times of the
   console script against ``python -c pass``, interleaved);
2. the CPU of one run split in two: importing the modules the check needs before it starts (the
   console script's entry, the batch, the renderers) and the check itself (which imports and
   prepares the check kinds of the report's era, reads, analyses, checks and renders), with the
   number of modules imported and of garbage collections;
3. the modules that cost most to import (self time, best of ``--runs``), every module the run
   imports being imported again in the same order under ``python -X importtime`` (the check
   kinds are imported with ``importlib``, which ``-X importtime`` does not show in a real run).

CPU figures are from ``time.process_time`` in a fresh child process; on a shared machine compare
ratios and counts rather than absolute times.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import GK_AUDIT, cold_start
from corpus import write_corpus

PROBE = """
import gc, io, json, sys, time
collections = [0]
gc.callbacks.append(lambda phase, info: collections.__setitem__(0, collections[0] + (phase == "start")))
started = set(sys.modules)
begin = time.process_time()
import auditor.batch, auditor.checkrun, auditor.entry, auditor.render
imported = time.process_time()
sys.stdout = io.StringIO()
try:
    auditor.entry.main(["check", "--format", "json", sys.argv[1]])
except SystemExit:
    pass
done = time.process_time()
sys.stdout = sys.__stdout__
print(json.dumps({"imports": imported - begin, "check": done - imported,
                  "collections": collections[0], "modules": [name for name in sys.modules if name not in started]}))
"""


def probe(report: Path, runs: int) -> dict[str, object]:
    """The run's split with the least total CPU of ``runs`` runs."""
    best: dict[str, object] | None = None
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", PROBE, str(report)], capture_output=True, text=True, check=True)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        if best is None or found["imports"] + found["check"] < best["imports"] + best["check"]:  # type: ignore[operator]
            best = found
    assert best is not None
    return best


def import_self_times(modules: list[str], runs: int) -> dict[str, float]:
    """Self import time (seconds, best of ``runs``) of each of ``modules``, imported in order."""
    # import statements: -X importtime does not report what importlib.import_module imports itself
    script = "".join(f"import {name}\n" for name in modules if name.isascii() and not name.startswith("__"))
    line = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")
    best: dict[str, float] = {}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", script], capture_output=True, text=True,
                              check=False)
        for match in line.finditer(done.stderr):
            seconds = int(match.group(1)) / 1e6
            best[match.group(2)] = min(best.get(match.group(2), seconds), seconds)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path, help="a text report (default: a generated one)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=20, help="modules listed by import time")
    arguments = parser.parse_args()
    report = arguments.report
    if report is None:
        folder = Path(tempfile.mkdtemp(prefix="gk-cold-"))
        report = next(path for path in sorted(write_corpus(folder, count=3)) if path.suffix == ".txt")
    gk, bare = cold_start(report, arguments.runs)
    print(f"cold start ({GK_AUDIT}): {gk * 1000:.0f} ms, python -c pass {bare * 1000:.0f} ms, ratio {gk / bare:.1f}")
    split = probe(report, arguments.runs)
    modules = list(split["modules"])  # type: ignore[call-overload]
    print(f"CPU: imports before the check {split['imports'] * 1000:.0f} ms, the check {split['check'] * 1000:.0f} ms "
          f"(its kinds imported and prepared, the report read, analysed, checked, rendered); "
          f"{len(modules)} modules ({sum(name.startswith('auditor') for name in modules)} of gk-audit), "
          f"{split['collections']} garbage collections")
    times = import_self_times(modules, arguments.runs)
    ours = sum(seconds for name, seconds in times.items() if name.startswith("auditor"))
    others = sum(times.values()) - ours
    print(f"import self time: gk-audit's modules {ours * 1000:.0f} ms, others {others * 1000:.0f} ms; "
          f"the {arguments.top} largest:")
    for name, seconds in sorted(times.items(), key=lambda item: -item[1])[: arguments.top]:
        print(f"  {seconds * 1000:6.2f} ms  {name}")


if __name__ == "__main__":
    main()
