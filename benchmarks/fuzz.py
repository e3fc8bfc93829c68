"""Mutation fuzzing of every reader and renderer, thousands of cases (the suite runs a few hundred).

    python -m benchmarks.fuzz [--cases 5000] [--seed 11] [--formats .txt,.md,.html,.docx,.pdf] [--out DIR]

Each case mutates the seed file of one format (tests/fuzzing.py), checks it with ``check_path`` and
renders it in every output format. A case fails when an exception escapes, the file ends in an
internal error (GK004), or an escape character reaches text/GitHub output; failing inputs are
written to ``--out`` (default /tmp/gk-fuzz) to reproduce. Prints cases run, failures and cases/s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzzing import SEEDS, mutate, run_case

from auditor.rulebook import load_rulebook


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--formats", default=",".join(SEEDS))
    parser.add_argument("--out", default="/tmp/gk-fuzz")
    args = parser.parse_args()
    os.environ["GK_AUDIT_CACHE_DIR"] = ""
    rulebook = load_rulebook()
    formats = args.formats.split(",")
    seeds = {suffix: SEEDS[suffix]() for suffix in formats}
    rng = random.Random(args.seed)
    failures: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for case in range(args.cases):
        suffix = formats[case % len(formats)]
        data = mutate(suffix, seeds[suffix], random.Random(rng.getrandbits(32)))
        result, failure = run_case(suffix, data, rulebook)
        outcomes["read error" if result.read_error else "checked"] += 1
        if failure is not None:
            failures[f"{suffix}: {failure[:160]}"] += 1
            Path(args.out).mkdir(parents=True, exist_ok=True)
            (Path(args.out) / f"case{case}{suffix}").write_bytes(data)
    seconds = time.perf_counter() - started
    print(f"{args.cases} cases ({', '.join(formats)}) in {seconds:.0f} s ({args.cases / seconds:.1f}/s): "
          f"{outcomes['checked']} checked, {outcomes['read error']} read errors, {sum(failures.values())} failures")
    for failure, count in failures.most_common():
        print(f"  {count:>5}  {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
