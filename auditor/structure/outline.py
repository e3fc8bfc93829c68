"""The outline: headings of the levels the rulebook's ``detection.headings`` declares
(``一、`` / ``（一）`` / ``1.`` ...) as a tree, and inline ordinal markers (``一是…二是…``).

A heading is a line that starts with an ordinal marker, outside table regions. Its level is its
pattern's, except in a document without any top-level heading (parts numbered ``1.`` by a list that
an office suite exported): there levels follow the order in which the marker styles first appear. Its title is the
text after the marker up to the first sentence break. Parents are found with a stack: a heading
is the child of the nearest earlier heading of a smaller level number.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
from collections import namedtuple

from auditor import regexcache
from auditor.document import Document, Line
from auditor.structure.detection import Detection, HeadingPattern
from auditor.structure.numerals import ordinal_value
from auditor.structure.regions import Region

_TITLE_END = regexcache.compile(r"[。;；:：!?！？]|\s{2,}")

# ordinal_value, remembered: a heading's marker (一 二 … 1 2 …) is one of a few hundred strings, and
# parsing a Chinese numeral costs a microsecond (bounded: the marker text comes from the file)
_ordinal_value = functools.lru_cache(maxsize=4096)(ordinal_value)


class Heading(namedtuple("Heading", ["index", "level", "ordinal", "marker", "title", "line_index", "start",
                                     "marker_end", "title_end", "end", "parent"])):
    """An ordinal-marked line. ``index`` is its place in ``Report.outline``; ``parent`` likewise
    (int, or None at the top); ``marker`` and ``title`` are str, the rest ints. A named tuple
    rather than a record: as immutable, three times cheaper to make (``collections.namedtuple``,
    not ``typing.NamedTuple``: a one-report check does not import ``typing``)."""

    __slots__ = ()


class SeriesMarker(namedtuple("SeriesMarker", ["series", "ordinal", "marker", "start", "end", "line_index",
                                               "parent"])):
    """An inline ordinal such as ``二是`` at ``start``..``end`` under heading ``parent`` (int or
    None); ``series`` and ``marker`` are str, the rest ints. A named tuple, as Heading: a report
    has a hundred of them."""

    __slots__ = ()


def table_line_set(regions: tuple[Region, ...]) -> frozenset[int]:
    """0-based indexes of every line inside a table region."""
    return frozenset(index for region in regions for index in range(region.first, region.last + 1))


TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    # a line that opens with a marker: the line, its pattern, the match's end, the marker's start
    # (both in the line) and the ordinal
    Marked = tuple[Line, HeadingPattern, int, int, int]


@functools.cache  # per rulebook's heading patterns (their Detection lives as long as the rulebook)
def _any_heading(headings: tuple[HeadingPattern, ...]) -> tuple[re.Pattern[str], dict[int, int]] | None:
    """One regex matching where any of ``headings`` matches, their alternation in order
    (``(?P<_h0>…)|(?P<_h1>…)|…``), and which pattern each alternative is (by its group's number,
    ``Match.lastindex``: the outer group closes last). A line is then tried once instead of once per
    pattern (a report's lines are mostly prose that none matches), and the alternative that
    matches is the first pattern that does, with the same match. Each pattern's ``ordinal`` group
    is renamed ``_o<number>``. None when the patterns cannot be joined as they are (flags that
    differ, a backreference or conditional whose group numbers would move, a source ``re`` rejects
    inside a group): the patterns are then tried one by one."""
    if not headings or len({heading.pattern.flags for heading in headings}) != 1:
        return None
    alternatives = []
    for number, heading in enumerate(headings):
        source = heading.pattern.pattern
        if source.count("(?P<ordinal>") != 1 or "(?P=" in source or "(?(" in source or re.search(r"\\[1-9]", source):
            return None
        alternatives.append(f"(?P<_h{number}>{source.replace('(?P<ordinal>', f'(?P<_o{number}>')})")
    try:
        joined = regexcache.compile("|".join(alternatives), headings[0].pattern.flags)
    except re.error:
        return None
    return joined, {joined.groupindex[f"_h{number}"]: number for number in range(len(headings))}


def _first_heading(folded: str, headings: tuple[HeadingPattern, ...], first: int = 0
                   ) -> tuple[HeadingPattern, int, int, int] | None:
    """(pattern, match end, marker start, ordinal) of the first of ``headings[first:]`` that
    matches ``folded`` with an ordinal that parses."""
    for pattern in headings[first:]:
        match = pattern.pattern.match(folded)
        if match is None:
            continue
        ordinal = _ordinal_value(match.group("ordinal"), pattern.numeral)
        if ordinal is not None:
            return pattern, match.end(), match.start("ordinal"), ordinal
    return None


def _marked_lines(document: Document, detection: Detection, regions: tuple[Region, ...]) -> list[Marked]:
    """Every line outside tables that opens with an ordinal marker, with the first pattern it matches
    (whose ordinal parses): tried with all the patterns joined (``_any_heading``), then, if that
    pattern's ordinal does not parse, with the patterns after it."""
    found: list[Marked] = []
    table_lines = table_line_set(regions)
    headings = detection.headings
    joined = _any_heading(headings)
    lines = document.all_lines
    for index, folded in enumerate(document.folded_lines):
        if not folded or folded.isspace() or index in table_lines:  # (isspace: no stripped copy)
            continue
        if joined is None:
            marked = _first_heading(folded, headings)
        else:
            match = joined[0].match(folded)
            if match is None:
                continue
            number = joined[1][match.lastindex]  # type: ignore[index]
            pattern, marker_start = headings[number], match.start(f"_o{number}")
            ordinal = _ordinal_value(match.group(f"_o{number}"), pattern.numeral)
            marked = (pattern, match.end(), marker_start, ordinal) if ordinal is not None else \
                _first_heading(folded, headings, number + 1)
        if marked is not None:
            found.append((lines[index], *marked))
    return found


def _levels(marked: list[Marked], detection: Detection) -> dict[int, int]:
    """Pattern level -> outline level. When no heading uses the top level (parts numbered ``1.`` as an
    office suite's list exports them), levels go by the order in which marker styles first appear."""
    top = min((pattern.level for pattern in detection.headings), default=1)
    used = [marked_line[1].level for marked_line in marked]
    if not used or top in used:
        return {level: level for level in used}
    order = list(dict.fromkeys(used))
    return {level: top + rank for rank, level in enumerate(order)}


def find_outline(document: Document, detection: Detection, regions: tuple[Region, ...]) -> tuple[Heading, ...]:
    headings: list[Heading] = []
    stack: list[Heading] = []
    marked = _marked_lines(document, detection, regions)
    levels = _levels(marked, detection)
    make = tuple.__new__  # a Heading without its Python __new__ (see find_series)
    for line, pattern, end, marker_start, ordinal in marked:
        level = levels[pattern.level]
        rest = line.text[end:]
        body = rest.lstrip()
        lead = len(rest) - len(body)
        body = body.rstrip()
        title_break = _TITLE_END.search(body)
        title = (body[:title_break.start()] if title_break else body)[:60]
        while stack and stack[-1].level >= level:
            stack.pop()
        # fields in order: index, level, ordinal, marker, title, line_index, start, marker_end,
        # title_end, end, parent (positional: a report has dozens of headings)
        start = line.start
        heading = make(Heading, (len(headings), level, ordinal, line.text[marker_start:end].strip(), title.strip(),
                                 line.number - 1, start + marker_start, start + end, start + end + lead + len(title),
                                 line.end, stack[-1].index if stack else None))
        headings.append(heading)
        stack.append(heading)
    return tuple(headings)


def find_series(document: Document, detection: Detection, regions: tuple[Region, ...],
                outline: tuple[Heading, ...]) -> tuple[SeriesMarker, ...]:
    """Inline ordinals outside tables, each with the innermost heading whose section holds it.

    A report can have a hundred of them: the loop makes no call it can avoid (spans read from
    ``match.regs``; line and parent found by bisection inline, once per line; the ordinal read from
    the folded text by its span, its value parsed once per series)."""
    markers: list[SeriesMarker] = []
    heading_lines = [heading.line_index for heading in outline]  # outline[i].index == i
    table_lines = table_line_set(regions)
    line_starts, text, folded = document.line_starts, document.text, document.folded
    bisect_right, make = bisect.bisect_right, tuple.__new__  # (make: see below)
    regs_of = operator.attrgetter("regs")
    for series in detection.inline_series:
        name, numeral = series.name, series.numeral
        ordinal_group = series.pattern.groupindex["ordinal"]
        values: dict[str, int | None] = {}  # ordinal text -> value (markers repeat 一 二 三 …)
        # the line of the previous marker (the next one is often on the same line): its index, where
        # it ends (matches come in text order: a match before that end is on it), its parent
        # heading, whether it is in a table
        line_index, line_end, parent, in_table = -1, -1, None, False
        # every match's group spans, each in one attribute read (span() is a call each)
        for spans in map(regs_of, series.pattern.finditer(folded)):
            match_start, end = spans[0]
            if match_start >= line_end:
                line_index = bisect_right(line_starts, match_start) - 1  # document.line_index_of
                line_end = line_starts[line_index + 1] if line_index + 1 < len(line_starts) else len(folded) + 1
                in_table = line_index in table_lines
                heading = bisect_right(heading_lines, line_index) - 1
                parent = heading if heading >= 0 else None
            if in_table:
                continue
            start, ordinal_end = spans[ordinal_group]
            key = folded[start:ordinal_end]
            ordinal = values.get(key, values)  # (values: not known yet)
            if ordinal is values:
                ordinal = values[key] = ordinal_value(key, numeral)
            if ordinal is None or start < 0:
                continue
            # tuple.__new__ makes the same SeriesMarker as SeriesMarker(...), whose __new__ is a
            # Python function costing twice as much
            markers.append(make(SeriesMarker, (name, ordinal, text[start:end], start, end, line_index, parent)))
    if len(detection.inline_series) > 1:  # (one series' markers are in text order already)
        markers.sort(key=operator.attrgetter("start"))
    return tuple(markers)
