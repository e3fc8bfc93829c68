"""kind: mojibake — text decoded with the wrong encoding (乱码).

A report that was saved in one encoding and read in another is unreadable for the public, and
every other check on it is blind. Two signals, both matched against the folded text:

- ``patterns``: regexes for the typical shapes of mojibake, e.g. GBK bytes read as Latin-1
  (``Õþ¸®ÐÅÏ¢``: runs of Latin-1 letters and symbols) or runs of the replacement character ``�``.
- ``rare_runs``: runs of non-ASCII letters (Han characters and GBK symbols, not punctuation) in
  which almost no character is a common one. UTF-8 read as GBK (``鏀垮簻淇℃伅`` for ``政府信息``)
  and GBK read as Big5 produce such runs; real Chinese prose is over 80 % common characters (the
  3755 characters of GB 2312 level 1) even in traditional script, which is folded first.

Parameters:
    patterns:      list of regexes; each match is a run of mojibake.
    rare_runs:     ``{min_length: 6, max_common_share: 0.4}``: a run of at least ``min_length``
                   letters with at most that share of common characters is mojibake; omit to disable.
    max_reports:   most diagnostics per file (default 5); the first carries a note with the total.
Message fields: ``{sample}`` (the run, cut to 20 characters), ``{count}`` (runs in the file).

Fails on ``Õþ¸®ÐÅÏ¢¹«¿ª¹¤×÷Äê¶È±¨¸æ`` and on ``鏀垮簻淇℃伅鍏紑宸ヤ綔``; passes on
``政府信息公开工作年度报告`` and on ``政府資訊公開工作年度報告``.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

from auditor import regexcache
from auditor.checks import compile_patterns, emit
from auditor.diagnostics import Diagnostic
from auditor.records import record
from auditor.rulebook import ParamError, Rule
from auditor.structure import Report
from auditor.textscan import TextIndex, finditer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "mojibake"
PARAMS_SCHEMA: dict[str, Any] = {
    "properties": {
        "patterns": {"type": "array", "items": {"type": "string"}},
        "rare_runs": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "min_length": {"type": "integer", "minimum": 2},
                "max_common_share": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
        "max_reports": {"type": "integer", "minimum": 1},
    },
}

# letters of a run: anything but ASCII and Latin-1 (the patterns cover those), blanks, CJK / full-width punctuation
_LETTER_CLASS = r"\x00-\xff\s\u2000-\u206f\u3000-\u303f\uff00-\uffef"
_LETTER_RUN = regexcache.compile(f"[^{_LETTER_CLASS}]+")


@record(eq=False, repr=False)
class Compiled:
    """A mojibake rule's parameters: its patterns compiled and the rare-run limits."""
    patterns: tuple[re.Pattern[str], ...]
    min_length: int | None
    max_common_share: float
    max_reports: int


def prepare(params: dict[str, Any]) -> Compiled:
    rare = params.get("rare_runs")
    if not params.get("patterns") and rare is None:
        raise ParamError((), "mojibake 规则至少需要 patterns 或 rare_runs 之一")
    return Compiled(
        patterns=tuple(compile_patterns(params.get("patterns", []), ("patterns",))),
        min_length=rare.get("min_length", 6) if rare is not None else None,
        max_common_share=rare.get("max_common_share", 0.4) if rare is not None else 0.0,
        max_reports=params.get("max_reports", 5),
    )


def _level_one() -> str:
    """The characters of GB 2312 level 1 (lead bytes B0–D7), the 3755 most used Han characters,
    in code point order, by decoding every level-1 code point."""
    level_one = bytes(byte for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF) for byte in (lead, trail))
    return "".join(sorted(level_one.decode("gb2312", errors="ignore")))


@functools.cache
def _common() -> str:
    """``_level_one()``, worked out once per machine (kept by auditor/regexcache.py): importing the
    GB 2312 codec and decoding cost some 3 ms of every start."""
    kept = regexcache.remembered("mojibake.gb2312-level-one", _level_one)
    if isinstance(kept, str) and len(kept) > 3000:
        return kept
    return regexcache.remember("mojibake.gb2312-level-one", _level_one())  # replaces a damaged value


@functools.cache
def _without_common() -> dict[int, None]:
    """A str.translate table deleting the common characters (``_common``)."""
    return dict.fromkeys(map(ord, _common()))


@functools.cache
def _rare_letter() -> re.Pattern[str]:
    """One letter of a run that is not among the common characters of ``_without_common``."""
    return regexcache.compile(f"[^{_LETTER_CLASS}{re.escape(_common())}]")


def _rare_runs(folded: str, compiled: Compiled) -> Iterator[tuple[int, int]]:
    if compiled.min_length is None:
        return
    if compiled.max_common_share < 1:
        yield from _runs_with_rare_letters(folded, compiled.min_length, compiled.max_common_share)
        return
    for match in _LETTER_RUN.finditer(folded):
        run = match.group()
        if len(run) < compiled.min_length:
            continue
        common = len(run) - len(run.translate(_without_common()))
        if common / len(run) <= compiled.max_common_share:
            yield match.start(), match.end()


def _runs_with_rare_letters(folded: str, min_length: int, max_common_share: float) -> Iterator[tuple[int, int]]:
    """The runs of ``_rare_runs`` when a run of common characters only never counts: only the runs
    around a rare letter are looked at (one C-level scan of the text finds those letters; a run is
    extended from one of them forwards in the text and backwards in the reversed text)."""
    rare = [match.start() for match in _rare_letter().finditer(folded)]
    if not _rare_letters_close(rare, min_length, max_common_share):
        return
    backwards = folded[::-1]
    last = len(folded) - 1
    run_end = -1
    for position in rare:
        if position < run_end:
            continue
        run_end = _LETTER_RUN.match(folded, position).end()  # type: ignore[union-attr]
        run_start = len(folded) - _LETTER_RUN.match(backwards, last - position).end()  # type: ignore[union-attr]
        length = run_end - run_start
        if length < min_length:
            continue
        common = length - (bisect.bisect_left(rare, run_end) - bisect.bisect_left(rare, run_start))
        if common / length <= max_common_share:
            yield run_start, run_end


def _rare_letters_close(rare: list[int], min_length: int, max_common_share: float) -> bool:
    """Can a run of ``_runs_with_rare_letters`` hold the rare letters at ``rare`` (sorted offsets)?

    A run of L >= min_length letters with at most ``max_common_share`` common ones has
    R >= (1 - share) L >= (1 - share) min_length rare letters, so at least n = floor((1 - share)
    min_length) (or 1). Cut its first k n rare letters (k = floor(R / n)) into k groups of n in a
    row: their spans add up to less than L <= R / (1 - share), so one group spans at most
    ((k + 1) n / (1 - share) - 1) / k, which is largest for k = 1 or as k grows (n / (1 - share)).
    Most reports have a few scattered rare letters (names of places) and no n of them that close:
    then no run is looked at."""
    common_free = 1 - max_common_share
    group = max(1, int(common_free * min_length))
    if len(rare) < group:
        return False
    widest = max((2 * group - 1) / common_free - 1, group / common_free) + 1  # +1: rounding margin
    return any(last - first <= widest for first, last in zip(rare, rare[group - 1:], strict=False))


def find_runs(folded: str, compiled: Compiled, index: TextIndex | None = None) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) offsets of mojibake runs, in order. ``index``: the TextIndex of
    ``folded`` (a pattern whose words are absent is not searched: see auditor.textscan)."""
    index = index if index is not None else TextIndex(folded)
    found = [(match.start(), match.end()) for pattern in compiled.patterns for match in finditer(index, pattern)
             if match.end() > match.start()]
    found += list(_rare_runs(folded, compiled))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    document = report.document
    runs = find_runs(document.folded, compiled, document.index)
    for index, (start, end) in enumerate(runs[: compiled.max_reports]):
        sample = document.text[start:end]
        sample = sample if len(sample) <= 20 else sample[:20] + "…"
        notes = [f"文件中共有 {len(runs)} 处疑似乱码，只列出前 {compiled.max_reports} 处"] \
            if index == 0 and len(runs) > compiled.max_reports else []
        yield emit(rule, report.era, document.span(start, end), {"sample": sample, "count": len(runs)}, notes=notes)
