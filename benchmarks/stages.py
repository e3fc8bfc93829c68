"""CPU per report of each stage and each rule, in process, over a corpus folder.

    python benchmarks/stages.py CORPUS_DIR [--top 25]

Reads every report (.txt .md .html .docx .pdf) below the folder, then prints the mean CPU time
(``time.process_time``) per report of reading (by format), analysis and the rule stage, and of
each rule kind and rule. Rules run in rulebook order, so the first rule that asks for the tables
(GK801) carries the cost of reading them. ``--repeat N`` runs the corpus N times and keeps each
figure's smallest mean (CPU time still grows when other processes share the cores' caches).
Make a corpus with ``python benchmarks/corpus.py DIR``.
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

from auditor.checks import SERIES_KINDS, kind_module
from auditor.readers import read_path
from auditor.rulebook import Rulebook, load_rulebook
from auditor.structure import analyse

SUFFIXES = (".txt", ".md", ".html", ".docx", ".pdf")


Counters = tuple[collections.Counter[str], collections.Counter[str], collections.Counter[str]]


def one_pass(files: list[Path], rulebook: Rulebook) -> Counters:
    """CPU seconds over ``files`` by stage, by rule kind and by rule."""
    by_rule: collections.Counter[str] = collections.Counter()
    by_kind: collections.Counter[str] = collections.Counter()
    by_stage: collections.Counter[str] = collections.Counter()
    for path in files:
        started = time.process_time()
        document = read_path(str(path))
        read = time.process_time()
        by_stage["read " + path.suffix] += read - started
        report = analyse(document, rulebook.detection, None, None)
        report.cache["rulebook"] = rulebook
        analysed = time.process_time()
        by_stage["analyse"] += analysed - read
        for rule in rulebook.rules:
            skipped = rule.kind == "read_error" or rule.kind in SERIES_KINDS
            if skipped or not rule.applies(report.era, report.report_year):
                continue
            before = time.process_time()
            list(kind_module(rule.kind).check(rule, report))
            spent = time.process_time() - before
            by_rule[f"{rule.id} {rule.kind}"] += spent
            by_kind[rule.kind] += spent
        by_stage["rules"] += time.process_time() - analysed
    by_stage["total"] = sum(by_stage.values())
    return by_stage, by_kind, by_rule


def smallest(passes: list[Counters]) -> Counters:
    """Each figure's smallest value over the passes."""
    def least(which: int) -> collections.Counter[str]:
        keys = set().union(*(counters[which] for counters in passes))
        return collections.Counter({key: min(counters[which][key] for counters in passes) for key in keys})
    return least(0), least(1), least(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--top", type=int, default=25, help="rules to list")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the corpus (each figure: its smallest)")
    arguments = parser.parse_args()
    files = sorted(path for path in arguments.folder.rglob("*") if path.suffix in SUFFIXES)
    rulebook = load_rulebook()
    by_stage, by_kind, by_rule = smallest([one_pass(files, rulebook) for _ in range(max(arguments.repeat, 1))])
    count = max(len(files), 1)
    print(f"{len(files)} files, ms per report")
    tables = (("stages", by_stage, None), ("kinds", by_kind, None), ("rules", by_rule, arguments.top))
    for title, counter, limit in tables:
        print(f"{title}:")
        for name, seconds in counter.most_common(limit):
            print(f"  {name:32} {seconds / count * 1000:7.3f}")


if __name__ == "__main__":
    main()
