"""Benchmark ``gk-audit check --format json DIR`` on a generated corpus.

    python benchmarks/batch.py [--count 10000] [--jobs N] [--corpus DIR] [--keep]

Prints reports/s, mean per-report latency (wall time / reports × jobs), cold start (one report,
fresh interpreter) and peak memory (largest resident set of the gk-audit process or any of its
workers, from ``resource.getrusage(RUSAGE_CHILDREN)``). Targets: cold start ≤ 0.3 s; ≥ 300
reports/s on 2 cores; peak memory ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

GK_AUDIT = str(Path(sys.executable).with_name("gk-audit"))


def _run(arguments: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    completed = subprocess.run([GK_AUDIT, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"gk-audit failed ({completed.returncode}): {completed.stderr.decode()[-2000:]}")
    return elapsed, completed.returncode


def cold_start(report: Path, repeats: int = 5) -> float:
    _run(["check", "--format", "json", str(report)])  # warm the disk cache and the rulebook stamp
    return min(_run(["check", "--format", "json", str(report)])[0] for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--corpus", type=Path, help="use (or create) the corpus in this folder")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    arguments = parser.parse_args()
    folder = arguments.corpus or Path(tempfile.mkdtemp(prefix="gk-corpus-"))
    files = sorted(folder.rglob("report-*")) if folder.exists() else []
    if len(files) < arguments.count:
        started = time.perf_counter()
        files = write_corpus(folder, arguments.count)
        print(f"corpus: {len(files)} reports in {folder} ({time.perf_counter() - started:.1f} s to generate)")
    size = sum(file.stat().st_size for file in files[: arguments.count]) / max(len(files), 1)
    cold = cold_start(files[0])
    jobs = arguments.jobs or len(os.sched_getaffinity(0))
    elapsed, _ = _run(["check", "--format", "json", "--jobs", str(jobs), str(folder)])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    count = len(files)
    print(f"reports:       {count} (mean {size / 1024:.1f} KB), jobs {jobs}")
    print(f"throughput:    {count / elapsed:.0f} reports/s ({elapsed:.2f} s wall)")
    print(f"latency:       {elapsed / count * jobs * 1000:.2f} ms per report per worker")
    print(f"cold start:    {cold:.3f} s (one report, fresh process)")
    print(f"peak memory:   {peak_mb:.0f} MB (largest process)")
    if arguments.corpus is None and not arguments.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
