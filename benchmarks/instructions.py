"""Instruction counts (valgrind's callgrind) of a cold check and of checking reports: figures that do
not move with the machine's load, to compare two versions of gk-audit on a shared machine.

    python benchmarks/instructions.py [--corpus DIR] [--count 100] [--pythonpath TREE]

Prints:

1. **cold start**: instructions of ``gk-audit check --format json`` on one generated text report,
   against ``python -c pass`` (the same ratio ``benchmarks/compare.py`` takes in wall time);
2. **per report**: instructions of ``check --jobs 1 --format json --no-cache`` over ``20 + count``
   reports less those over 20, divided by ``count`` (the CLI: reading, analysis, rules, series pass,
   rendering), and the same for the in-process stages alone (``engine.check_document``).

Each command first runs twice outside valgrind, so the machine caches (the rulebook, the regex
cache) are warm, as ``compare.py`` has them. ``--pythonpath`` measures another checkout (for
instance an older commit from ``git worktree add``) with this Python. callgrind runs some 50 times
slower than the machine: the default counts take a few minutes. Two runs of one command differ by
well under 1%; instructions are not time (a page fault or a system call costs time, not
instructions), so wall-time ratios remain ``compare.py``'s to report.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

CLI = "import sys; from auditor.entry import main; main(sys.argv[1:])"
STAGES = """
import sys
from auditor import engine
from auditor.readers import read_path
from auditor.rulebook import load_rulebook
rulebook = load_rulebook()
for path in sys.argv[1:]:
    engine.check_document(read_path(path), rulebook)
"""


def instructions(command: list[str], env: dict[str, str], cwd: Path) -> int:
    """Instructions callgrind counts for ``command`` (its children not followed)."""
    completed = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                               env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               check=False)
    found = re.search(r"Collected : (\d+)", completed.stderr)
    if found is None:
        raise SystemExit(f"callgrind gave no count for {command[:3]}: {completed.stderr[-1000:]}")
    return int(found.group(1))


def warm(command: list[str], env: dict[str, str], cwd: Path) -> None:
    for _ in range(2):
        subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def per_report(make: list[str], files: list[str], base: int, env: dict[str, str], cwd: Path) -> float:
    warm([*make, *files], env, cwd)
    fewer = instructions([*make, *files[:base]], env, cwd)
    more = instructions([*make, *files], env, cwd)
    return (more - fewer) / (len(files) - base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a folder of .txt/.md reports (default: generated)")
    parser.add_argument("--count", type=int, default=100, help="reports whose cost is counted")
    parser.add_argument("--pythonpath", help="a checkout to measure instead of the installed package")
    options = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="gk-instructions-") as scratch:
        root = Path(scratch)
        folder = options.corpus or root / "corpus"
        if options.corpus is None:
            write_corpus(folder, count=options.count + 20)
        files = sorted(str(path) for path in folder.rglob("*") if path.suffix in (".txt", ".md"))
        files = files[:options.count + 20]
        if len(files) < 21:
            raise SystemExit(f"{folder}: fewer than 21 .txt/.md reports")
        env = {**os.environ, "GK_AUDIT_CACHE_DIR": str(root / "cache")}
        if options.pythonpath:
            env["PYTHONPATH"] = options.pythonpath
        one = next(path for path in files if path.endswith(".txt"))
        cold = [sys.executable, "-c", CLI, "check", "--format", "json", one]
        warm(cold, env, root)
        gk, bare = instructions(cold, env, root), instructions([sys.executable, "-c", "pass"], env, root)
        print(f"cold start: {gk / 1e6:.0f} M instructions, python -c pass {bare / 1e6:.0f} M, ratio {gk / bare:.2f}")
        cli = per_report([sys.executable, "-c", CLI, "check", "--jobs", "1", "--format", "json", "--no-cache"],
                         files, 20, env, root)
        stages = per_report([sys.executable, "-c", STAGES], files, 20, env, root)
        print(f"per report ({len(files) - 20} reports): CLI {cli / 1e6:.2f} M instructions, "
              f"in-process stages {stages / 1e6:.2f} M, the CLI around them {(cli - stages) / 1e6:.2f} M")


if __name__ == "__main__":
    main()
