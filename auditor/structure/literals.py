"""Where a pattern can match at all: prefilters that give the same matches for less work.

Tried line by line, a few rulebook patterns (table anchors, run-in signals) cost a regex call on
every line of every report, though most reports hold their words on a handful of lines or none.
``required_literals(pattern)`` reads the parsed pattern for strings of which every match holds at
least one (``信息内容`` of ``^\\s*\\|?\\s*信息内容\\s*\\|?\\s*$``; one of the alternatives of
``未经复议直接起诉|复议后起诉``); ``lines_holding`` finds, with ``str.find``, the lines that hold one.
A line without any cannot match, so only the lines found need the regex; the result is the same.

``match_spans(pattern, text, line_starts)`` is ``[match.span() for match in pattern.finditer(text)]``,
computed without a scan when the text holds none of the required strings, and by trying the line
starts only when the pattern opens with a multi-line ``^`` (a search would test every position).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from typing import Any

Requirement = tuple[str, ...]  # every match holds at least one of these strings


def _better(first: Requirement | None, second: Requirement | None) -> Requirement | None:
    """The more selective requirement: the longer shortest string, then the fewer strings."""
    if first is None or second is None:
        return first if second is None else second
    return max(first, second, key=lambda requirement: (min(map(len, requirement)), -len(requirement)))


def _of_sequence(items: Sequence[tuple[Any, Any]]) -> Requirement | None:
    """The best requirement of a sequence of parsed items (all of them are matched)."""
    from re import _constants as sre  # the parsed form of a pattern (as auditor.regexcache reads it)

    best: Requirement | None = None
    run: list[str] = []
    for op, value in [*items, (None, None)]:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            best = _better(best, ("".join(run),))
            run = []
        if op is sre.SUBPATTERN:
            _group, add_flags, _del_flags, body = value
            if not add_flags & re.IGNORECASE:
                best = _better(best, _of_sequence(body))
        elif op is sre.BRANCH:
            branches = [_of_sequence(branch) for branch in value[1]]
            if branches and all(branch is not None for branch in branches):
                best = _better(best, tuple(dict.fromkeys(text for branch in branches if branch for text in branch)))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and value[0] >= 1:
            best = _better(best, _of_sequence(value[2]))
    return best


@functools.cache
def required_literals(pattern: re.Pattern[str]) -> Requirement | None:
    """Strings of which every match of ``pattern`` holds one, or None when none can be told (a
    pattern made of character classes, or one that ignores case)."""
    if pattern.flags & re.IGNORECASE:
        return None
    from re import _parser

    found = _of_sequence(_parser.parse(pattern.pattern, pattern.flags).data)
    return found if found and all(found) else None


def lines_holding(text: str, line_starts: Sequence[int], literals: Requirement) -> set[int]:
    """0-based indexes of the lines of ``text`` (starting at ``line_starts``) holding one of ``literals``."""
    found: set[int] = set()
    last = len(line_starts) - 1
    for literal in literals:
        position = text.find(literal)
        while position >= 0:
            line = bisect.bisect_right(line_starts, position) - 1
            found.add(line)
            if line >= last:
                break
            position = text.find(literal, line_starts[line + 1])
    return found


def candidate_lines(pattern: re.Pattern[str], text: str, line_starts: Sequence[int]) -> set[int] | None:
    """The lines of ``text`` on which ``pattern`` can match, or None when every line can."""
    literals = required_literals(pattern)
    return None if literals is None else lines_holding(text, line_starts, literals)


@functools.cache
def _line_start_only(pattern: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` starts at a line start (it opens with ``^`` in MULTILINE
    mode) and none is empty (so that successive matches are found from each one's end)."""
    if not pattern.flags & re.MULTILINE:
        return False
    from re import _constants as sre
    from re import _parser

    parsed = _parser.parse(pattern.pattern, pattern.flags)
    items = parsed.data
    return (bool(items) and items[0][0] is sre.AT and items[0][1] is sre.AT_BEGINNING
            and parsed.getwidth()[0] > 0)


def match_spans(pattern: re.Pattern[str], text: str, line_starts: Sequence[int]) -> list[tuple[int, int]]:
    """The spans of ``pattern.finditer(text)``; ``line_starts`` are those of ``text``."""
    literals = required_literals(pattern)
    if literals is not None and not any(literal in text for literal in literals):
        return []
    if not _line_start_only(pattern):
        return [match.span() for match in pattern.finditer(text)]
    spans: list[tuple[int, int]] = []
    match_at = pattern.match
    position = 0  # where the last match ended
    for start in line_starts:
        if start < position:
            continue
        match = match_at(text, start)
        if match is not None:
            spans.append(match.span())
            position = match.end()
    return spans
