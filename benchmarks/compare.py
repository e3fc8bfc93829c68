"""Side-by-side speed and memory of gk-audit, as ratios (these machines are shared and noisy).

    python benchmarks/compare.py [--count 1000] [--memory 10000,100000] [--corpus DIR]

Three measurements, each printed with its target:

1. **Per-report CPU** against autocorrect-py (a Rust CJK text linter, called per file from Python;
   ``pip install -e '.[bench]'``): both lint the same generated ``.txt`` reports; CPU time (user +
   system, children included) of a whole run less the CPU of the same command on one report, divided
   by the number of reports. Target: gk-audit ≤ 1.5 × autocorrect-py.
2. **Cold start**: the best of several wall times of ``gk-audit check`` on one text report against
   ``python -c pass``, interleaved in one loop, with the package's bytecode written first (as an
   installed wheel has it). Targets: ≤ 100 ms and ≤ 5.5 × bare Python.
3. **Memory**: peak resident set of ``gk-audit check --jobs 1 --format json`` (output to /dev/null)
   over corpora of each ``--memory`` size. Target: ≤ 200 MB at 100,000 reports, and flat.

CPU per report is also split between the parent process and its workers, for ``--jobs 1`` and
``--jobs 2`` (CPU per worker), to show how the pool scales: the parent's share (reading results
back, the series pass, rendering) is what does not spread over more cores.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

GK_AUDIT = str(Path(sys.executable).with_name("gk-audit"))
AUTOCORRECT = """
import sys
from pathlib import Path
import autocorrect_py
for name in sys.argv[1:]:
    path = Path(name)
    autocorrect_py.lint_for(path.read_text(encoding="utf-8"), path.name)
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(command: list[str]) -> float:
    """CPU seconds (user + system) of one run of ``command`` and its children."""
    before = _children_cpu()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({completed.returncode}): {completed.stderr.decode()[-2000:]}")
    return _children_cpu() - before


def per_report_cpu(command: list[str], files: list[Path], repeats: int = 3) -> float:
    """CPU per report of ``command FILES``, less the fixed cost of starting it on one file."""
    runs = min(cpu_of([*command, *map(str, files)]) for _ in range(repeats))
    fixed = min(cpu_of([*command, str(files[0])]) for _ in range(repeats))
    return max(runs - fixed, 0.0) / max(len(files) - 1, 1)


SPLIT_PROBE = """
import resource, sys
from auditor.entry import main  # the console script's entry point
try:
    main(sys.argv[1:])
except SystemExit:
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime, file=sys.stderr)
"""


def split_cpu(files: list[Path], jobs: int, repeats: int = 2) -> tuple[float, float]:
    """CPU per report of the parent process and of its workers in ``check --jobs N`` (the parent
    reads results back, runs the series pass and renders; with ``--jobs 1`` it also checks)."""
    def run(paths: list[Path]) -> tuple[float, float]:
        command = [sys.executable, "-c", SPLIT_PROBE, "check", "--jobs", str(jobs), "--format", "json", "--no-cache",
                   *map(str, paths)]
        completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        parent, workers = completed.stderr.strip().splitlines()[-1].split()
        return float(parent), float(workers)

    half = files[: len(files) // 2]  # the difference of two runs, both large enough for a pool
    whole = min((run(files) for _ in range(repeats)), key=sum)
    fixed = min((run(half) for _ in range(repeats)), key=sum)
    count = max(len(files) - len(half), 1)
    return max(whole[0] - fixed[0], 0.0) / count, max(whole[1] - fixed[1], 0.0) / count


def wall_of(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def compile_bytecode() -> None:
    """Write the package's .pyc files, as ``pip install`` of a wheel does: an editable install run
    with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module from source on each start."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "auditor"), quiet=1)


def cold_start(report: Path, repeats: int = 9) -> tuple[float, float]:
    gk_command = [GK_AUDIT, "check", "--format", "json", str(report)]
    bare_command = [sys.executable, "-c", "pass"]
    compile_bytecode()
    wall_of(gk_command)  # warm the disk cache and the rulebook stamp
    gk, bare = [], []
    for _ in range(repeats):
        gk.append(wall_of(gk_command))
        bare.append(wall_of(bare_command))
    return min(gk), min(bare)


def peak_memory_mb(folder: Path) -> float:
    """Largest resident set (MB) of one gk-audit run over ``folder``, measured by a fresh child."""
    probe = ("import resource, subprocess, sys; "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    output = subprocess.run([sys.executable, "-c", probe, GK_AUDIT, "check", "--jobs", "1", "--format", "json",
                             "--fail-on", "never", str(folder)], capture_output=True, text=True, check=True)
    return int(output.stdout.strip()) / 1024


def _corpus(root: Path, count: int) -> tuple[Path, list[Path]]:
    """A generated corpus of ``count`` text reports (.txt and .md), made once per folder."""
    folder = root / f"corpus-{count}"
    files = sorted(path for path in folder.rglob("*") if path.suffix in (".txt", ".md")) if folder.is_dir() else []
    if len(files) < count:
        folder.mkdir(parents=True, exist_ok=True)
        files = sorted(write_corpus(folder, count=count))
    return folder, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="reports for the CPU comparison")
    parser.add_argument("--memory", default="10000,100000", help="corpus sizes for peak memory ('' skips)")
    parser.add_argument("--corpus", type=Path, help="keep generated corpora in this folder")
    arguments = parser.parse_args()
    root = arguments.corpus or Path(tempfile.mkdtemp(prefix="gk-compare-"))
    _, files = _corpus(root, arguments.count)

    gk_cpu = per_report_cpu([GK_AUDIT, "check", "--jobs", "1", "--format", "json", "--no-cache"], files)
    try:
        import autocorrect_py  # noqa: F401
    except ImportError:
        autocorrect_cpu = None
    else:
        autocorrect_cpu = per_report_cpu([sys.executable, "-c", AUTOCORRECT], files)
    print(f"per-report CPU ({len(files)} reports, --jobs 1): gk-audit {gk_cpu * 1000:.2f} ms", end="")
    if autocorrect_cpu:
        print(f", autocorrect-py {autocorrect_cpu * 1000:.2f} ms, ratio {gk_cpu / autocorrect_cpu:.2f}"
              f" (target <= 1.5)")
    else:
        print(" (autocorrect-py not installed: pip install -e '.[bench]')")
    for jobs in (1, 2):
        parent, workers = split_cpu(files, jobs)
        print(f"--jobs {jobs}: parent {parent * 1000:.2f} ms per report, workers {workers * 1000:.2f} ms per report "
              f"({workers / jobs * 1000:.2f} ms per worker and report)")

    # the target is for one text report; the first file of the corpus may be Markdown (markdown-it-py
    # alone takes some 30 ms to import), so that one is timed too, for information
    text = next(path for path in files if path.suffix == ".txt")
    gk_cold, bare = cold_start(text)
    print(f"cold start: gk-audit {gk_cold * 1000:.0f} ms, python -c pass {bare * 1000:.0f} ms, "
          f"ratio {gk_cold / bare:.1f} (targets <= 100 ms and <= 5.5)")
    markdown = next((path for path in files if path.suffix == ".md"), None)
    if markdown is not None:
        gk_cold, bare = cold_start(markdown)
        print(f"cold start of a Markdown report: gk-audit {gk_cold * 1000:.0f} ms, ratio {gk_cold / bare:.1f}")

    for size in filter(None, (int(part) for part in arguments.memory.split(",") if part.strip())):
        folder, _ = _corpus(root, size)
        print(f"peak memory over {size} reports (--jobs 1): {peak_memory_mb(folder):.0f} MB (target <= 200 MB)")
    if not arguments.corpus:
        print(f"(corpora left in {root}; remove with rm -r {root})", file=sys.stderr)


if __name__ == "__main__":
    main()
