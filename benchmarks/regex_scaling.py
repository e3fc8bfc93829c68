"""Every regex of the built-in rulebook on long lines of one repeated piece (issue 11: linear time).

    python -m benchmarks.regex_scaling [--short 4000] [--long 16000]

A regex that is linear takes about long/short times longer on the long line; one that backtracks
quadratically (two whitespace runs side by side, a look-ahead that rescans a run at every position,
a greedy run before a literal that is never there) takes (long/short)^2 times longer. Prints the
regexes whose ratio exceeds 2.5 x long/short and that take more than 20 ms on the long line.
"""

from __future__ import annotations

import argparse
import re
import time
from typing import Any

from auditor import records
from auditor.rulebook import load_rulebook

PIECES = (" ", "\u3000", "XX年", "a", "1", "报", "| ", "第1条、", ".", "a@", "12,345.6件，", "(", "\t", "一、", "-",
          "/", "。", "：", "（", "·", "×", "【", "】", "、", "Õ", "\ufffd", "件", "年", "月", "日")


def regexes(obj: Any, where: str, found: dict[str, tuple[re.Pattern[str], str]], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(obj, re.Pattern):
        found.setdefault(obj.pattern, (obj, where))
    elif isinstance(obj, list | tuple | set | frozenset):
        for item in obj:
            regexes(item, where, found, depth + 1)
    elif isinstance(obj, dict):
        for item in obj.values():
            regexes(item, where, found, depth + 1)
    elif records.is_record(obj) and not isinstance(obj, type):
        for item in records.fields(obj):
            regexes(getattr(obj, item.name), where, found, depth + 1)


def seconds(pattern: re.Pattern[str], line: str, repeat: int = 3) -> float:
    """The best of ``repeat`` runs (a loaded machine adds spikes of tens of ms)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in pattern.finditer(line):
            pass
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", type=int, default=4000)
    parser.add_argument("--long", type=int, default=16000)
    args = parser.parse_args()
    rulebook = load_rulebook()
    found: dict[str, tuple[re.Pattern[str], str]] = {}
    for rule in rulebook.rules:
        regexes(rule.compiled, rule.id, found)
    regexes(rulebook.detection, "detection", found)
    linear = args.long / args.short
    flagged = 0
    for pattern, where in found.values():
        for piece in PIECES:
            long_time = seconds(pattern, piece * (args.long // len(piece)))
            if long_time < 0.02:
                continue
            short_time = seconds(pattern, piece * (args.short // len(piece)))
            if long_time > 2.5 * linear * max(short_time, 1e-4):
                flagged += 1
                print(f"{where}  {piece!r}  {short_time:.3f}s -> {long_time:.3f}s  {pattern.pattern[:100]}", flush=True)
    print(f"{len(found)} regexes x {len(PIECES)} pieces: {flagged} superlinear")


if __name__ == "__main__":
    main()
