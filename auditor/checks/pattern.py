"""kind: pattern — forbidden text.

Fires on every match of any of ``patterns`` (regular expressions, matched against the folded
text: simplified characters, half-width punctuation and digits). Used for template placeholders,
web-page and hosting-site furniture, stray page numbers and doubled punctuation.

Parameters:
    patterns:       list of regexes (required). A named group ``mark`` narrows the span to it.
    scope:          where to look: ``outside_tables`` (default), ``all``, ``title``,
                    ``first_lines`` or ``last_lines`` (with ``lines``), ``tables`` (only inside them).
    lines:          N for ``first_lines`` / ``last_lines`` (counting non-blank lines).
    exceptions:     list of regexes; a match overlapped by an exception match on its line is skipped.
    previous_line:  regex; the match fires only if the line before it matches (e.g. a long line
                    that does not end a sentence, for page numbers that split a sentence).
    per:            ``match`` (default): one diagnostic per match; ``line``: matches on one line
                    merge into one span; ``file``: one diagnostic, the first match primary and the
                    others as labels.
Message fields: ``{match}`` (the text found, as written), ``{count}`` (matches merged).

Example (placeholder-left)::

    - id: GK201
      kind: pattern
      patterns: ['(?<![A-Za-z])XX(?=年|月|日|区|县|市)']

fails on ``某区XX年政府信息公开工作报告``; passes on ``2023年政府信息公开工作报告``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from auditor.checks import compile_patterns, emit
from auditor.diagnostics import Diagnostic, Label
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.textscan import candidate_lines, found_in, may_match

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "pattern"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["patterns"],
    "properties": {
        "patterns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "scope": {"enum": ["outside_tables", "all", "title", "first_lines", "last_lines", "tables"]},
        "lines": {"type": "integer", "minimum": 1},
        "exceptions": {"type": "array", "items": {"type": "string"}},
        "previous_line": {"type": "string"},
        "per": {"enum": ["match", "line", "file"]},
    },
}


@record(eq=False, repr=False)
class Compiled:
    """A pattern rule's parameters, its patterns and exceptions compiled."""
    patterns: tuple[re.Pattern[str], ...]
    exceptions: tuple[re.Pattern[str], ...]
    previous_line: re.Pattern[str] | None
    scope: str
    lines: int
    per: str


def prepare(params: dict[str, Any]) -> Compiled:
    previous = compile_patterns(params["previous_line"], ("previous_line",)) if "previous_line" in params else [None]
    return Compiled(
        patterns=tuple(compile_patterns(params["patterns"], ("patterns",))),
        exceptions=tuple(compile_patterns(params.get("exceptions", []), ("exceptions",))),
        previous_line=previous[0],
        scope=params.get("scope", "outside_tables"),
        lines=int(params.get("lines", 10)),
        per=params.get("per", "match"),
    )


def _line_indexes(report: Report, compiled: Compiled) -> list[int]:
    document = report.document
    every = range(document.line_count)
    if compiled.scope == "title":
        return [report.title.line_index] if report.title else []
    if compiled.scope in ("first_lines", "last_lines"):
        nonblank = [index for index in every if document.line(index).text.strip()]
        return nonblank[: compiled.lines] if compiled.scope == "first_lines" else nonblank[-compiled.lines :]
    if compiled.scope == "all":
        return list(every)
    if compiled.scope == "tables":
        return [index for index in every if report.line_in_table(index)]
    return [index for index in every if not report.line_in_table(index)]


def _matches(report: Report, compiled: Compiled) -> Iterator[tuple[int, int, int]]:
    """(line index, start offset, end offset) of every match that counts."""
    document = report.document
    # a pattern whose required literals are absent from the text matches on no line of it
    text = document.index
    patterns = [pattern for pattern in compiled.patterns if may_match(text, pattern)]
    if not patterns:
        return
    # and it matches only on lines holding its required literals: only those lines are searched
    # (a scope of a few lines is searched as it is)
    lines_of = [None if compiled.scope in _FEW_LINES else candidate_lines(text, pattern) for pattern in patterns]
    for index, patterns_here in _lines_to_search(_line_indexes(report, compiled), patterns, lines_of):
        line = document.line(index)
        if not line.folded.strip():
            continue
        if compiled.previous_line is not None:
            previous = document.line(index - 1).folded if index > 0 else ""
            if not compiled.previous_line.search(previous):
                continue
        excepted: _Excepted | None = None  # the line's exception matches, found at its first match
        for pattern in patterns_here:
            for match in pattern.finditer(line.folded):
                group = "mark" if "mark" in pattern.groupindex and match.group("mark") is not None else 0
                start, end = match.span(group)
                if end == start:
                    continue
                if compiled.exceptions:
                    excepted = excepted or _Excepted.of(line.folded, compiled.exceptions)
                    if excepted.overlaps(start, end):
                        continue
                yield index, line.start + start, line.start + end


def _lines_to_search(scoped: list[int], patterns: list[Any],
                     lines_of: list[set[int] | None]) -> Iterator[tuple[int, list[Any]]]:
    """(line index, the patterns to search it with) for the scoped lines, in order, where
    ``lines_of[i]`` are the only lines pattern i may match on (None: any)."""
    if any(lines is None for lines in lines_of):
        wanted: set[int] | None = None
    else:
        wanted = set().union(*lines_of)  # type: ignore[arg-type]
    for index in scoped:
        if wanted is not None and index not in wanted:
            continue
        here = [pattern for pattern, lines in zip(patterns, lines_of, strict=True) if lines is None or index in lines]
        if here:
            yield index, here


@record(eq=False, repr=False)
class _Excepted:
    """The spans an exception matches on one line, scanned once per line (not once per match),
    sorted by start with the running maximum of their ends, so an overlap test is a binary search."""

    starts: list[int]
    max_ends: list[int]

    @staticmethod
    def of(line: str, exceptions: tuple[re.Pattern[str], ...]) -> _Excepted:
        spans = sorted(match.span() for exception in exceptions for match in exception.finditer(line))
        max_ends: list[int] = []
        for _, end in spans:
            max_ends.append(max(end, max_ends[-1]) if max_ends else end)
        return _Excepted([start for start, _ in spans], max_ends)

    def overlaps(self, start: int, end: int) -> bool:
        """Is there an exception span (a, b) with a < end and start < b (the original test)?"""
        count = bisect.bisect_left(self.starts, end)  # spans with a < end
        return count > 0 and self.max_ends[count - 1] > start


def _merged_by_line(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int]]:
    merged: dict[int, list[int]] = {}
    for index, start, end in found:
        entry = merged.setdefault(index, [start, end, 0])
        entry[0], entry[1], entry[2] = min(entry[0], start), max(entry[1], end), entry[2] + 1
    return [(index, start, end, count) for index, (start, end, count) in sorted(merged.items())]


# scopes of a few lines: their per-line pass is cheaper than a search of the whole text
_FEW_LINES = ("title", "first_lines", "last_lines")


def _text_may_match(report: Report, compiled: Compiled) -> bool:
    """Does some pattern match in the whole (folded, multi-line) text? A rule with no such match
    reports nothing. ``auditor.textscan.found_in`` answers it without searching the whole text for
    most patterns of most reports (their required literals are absent, or their anchor gate finds
    nothing)."""
    document = report.document
    index = document.index
    return any(found_in(index, pattern) for pattern in compiled.patterns)


def _found(report: Report, compiled: Compiled) -> list[tuple[int, int, int]]:
    """The matches that count, in text order; none unless some pattern also matches the whole text."""
    if compiled.scope in _FEW_LINES:
        found = _sorted_matches(report, compiled)
        return found if found and _text_may_match(report, compiled) else []
    return _sorted_matches(report, compiled) if _text_may_match(report, compiled) else []


def _sorted_matches(report: Report, compiled: Compiled) -> list[tuple[int, int, int]]:
    return sorted(set(_matches(report, compiled)), key=lambda item: item[1])


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    document = report.document
    found = _found(report, compiled)
    if not found:
        return
    if compiled.per == "file":
        first, *rest = found
        labels = [Label(document.span(start, end), f"“{document.text[start:end]}”") for _, start, end in rest]
        text = document.text[first[1]:first[2]]
        yield emit(rule, report.era, document.span(first[1], first[2]), {"match": text, "count": len(found)},
                   labels=labels)
        return
    spans = _merged_by_line(found) if compiled.per == "line" else [(i, s, e, 1) for i, s, e in found]
    for _, start, end, count in spans:
        yield emit(rule, report.era, document.span(start, end),
                   {"match": document.text[start:end], "count": count})
