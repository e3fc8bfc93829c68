"""Time gk-audit on the seed reports: a cold run of one report (a fresh process, as a clerk or a
pre-commit hook runs it) and a warm in-process check of all seeds (rulebook loaded once).

Usage: python benchmarks/seeds.py [--repeat N]     (target: cold run of one report <= 0.3 s wall)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))


def _command() -> list[str]:
    installed = shutil.which("gk-audit", path=str(Path(sys.executable).parent)) or shutil.which("gk-audit")
    return [installed] if installed else [sys.executable, "-m", "auditor.cli"]


def cold_runs(repeat: int) -> list[float]:
    command = [*_command(), "check", "--format", "json", str(SEEDS[0])]
    subprocess.run(command, capture_output=True, check=False)  # first run fills the validation stamp and OS cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times


def python_start(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def warm_runs(repeat: int) -> tuple[float, int]:
    from auditor.engine import check_path
    from auditor.rulebook import load_rulebook

    rulebook = load_rulebook()
    times = []
    findings = 0
    for _ in range(repeat):
        started = time.perf_counter()
        findings = sum(len(check_path(str(seed), rulebook).diagnostics) for seed in SEEDS)
        times.append(time.perf_counter() - started)
    return statistics.median(times), findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cold = cold_runs(args.repeat)
    warm, findings = warm_runs(args.repeat)
    print(f"python start (python -c pass): {python_start(args.repeat) * 1000:.0f} ms")
    print(f"cold check of one seed ({SEEDS[0].name}): median {statistics.median(cold) * 1000:.0f} ms, "
          f"min {min(cold) * 1000:.0f} ms, max {max(cold) * 1000:.0f} ms over {args.repeat} runs (target <= 300 ms)")
    print(f"warm check of all {len(SEEDS)} seeds in one process: {warm * 1000:.1f} ms "
          f"({warm / len(SEEDS) * 1000:.1f} ms per report, {findings} findings)")


if __name__ == "__main__":
    main()
