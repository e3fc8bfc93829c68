"""kind: sequence — ordinal series without gaps, duplicates or reversals.

Checks the headings of the given levels (``一、二、…``, ``（一）（二）…``, ``1. 2. …``) within
their parent: each heading's ordinal must be the previous one plus one. A series restarts at 1
(a new list under the same parent) and restarts under every new parent. Inline series such as
``一是…二是…`` are checked the same way within their section; ``一是`` always starts a new one.
Nothing inside table regions is part of a series (a table's ``一、…九、`` rows are not headings).

Parameters:
    target:   ``headings`` (default) or ``series``.
    levels:   heading levels to check (default: all); ignored for series.
    series:   inline series names to check (default: all), as named in ``detection.inline_series``.
    problems: message fragments by problem, filling ``{problem}`` in the rule's message:
              ``gap`` (fields ``{missing}``), ``duplicate``, ``order`` (field ``{previous}``).
              The built-in rules give all three; an omitted one falls back to the bare marker(s).
    previous_label: the label on the previous item (``上一项是 {previous}``; fallback
              ``{previous}``).
    joiner:   between the markers in ``{missing}`` (``、``; fallback a space).
Message fields: ``{found}`` (the marker as written), ``{expected}``, ``{previous}``, ``{missing}``,
``{problem}``.

Fails on ``一是…。二是…。四是…。`` (三是 is missing); passes on ``一是…。二是…。三是…。``.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Sequence

from auditor import regexcache
from auditor.checks import emit, render_template
from auditor.diagnostics import Diagnostic, Label
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.structure.numerals import int_to_chinese

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

    Entry = tuple[int, tuple[Any, ...], Any]  # (ordinal, group, the series marker or heading)

KIND = "sequence"
PARAMS_SCHEMA: dict[str, Any] = {
    "properties": {
        "target": {"enum": ["headings", "series"]},
        "levels": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "series": {"type": "array", "items": {"type": "string"}},
        "problems": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"gap": {"type": "string"}, "duplicate": {"type": "string"}, "order": {"type": "string"}},
        },
        "previous_label": {"type": "string"},
        "joiner": {"type": "string"},
    },
}

# language-free fallbacks for texts a rulebook omits
_FALLBACK_PROBLEMS = {"gap": "{missing}", "duplicate": "{previous}", "order": "{previous}"}
_NUMBER = regexcache.compile(r"\d+|[零〇一二两三四五六七八九十百]+")


class Item(namedtuple("Item", ["ordinal", "marker", "start", "end", "group"])):
    """One heading or inline marker: ``ordinal``, ``start`` and ``end`` (ints), ``marker`` (str) and
    ``group`` (a tuple). A named tuple: a report has about a hundred markers, built per rule."""

    __slots__ = ()


def _restyle(marker: str, ordinal: int) -> str:
    """``四是`` with 3 -> ``三是``; ``(4)`` with 3 -> ``(3)``."""
    match = _NUMBER.search(marker)
    if match is None:
        return marker
    number = str(ordinal) if match.group(0).isdigit() else int_to_chinese(ordinal)
    return marker[: match.start()] + number + marker[match.end():]



def _entries(rule: Rule, report: Report) -> list[Entry]:
    """The rule's markers as plain tuples (about a hundred per report; an Item is built only for
    the few out of sequence)."""
    if _is_series(rule):
        wanted = set(rule.params.get("series", ())) or {marker.series for marker in report.series}
        return [(marker.ordinal, (marker.series, marker.parent), marker)
                for marker in report.series if marker.series in wanted]
    levels = set(rule.params.get("levels", ())) or {heading.level for heading in report.outline}
    return [(heading.ordinal, (heading.level, heading.parent), heading)
            for heading in report.outline if heading.level in levels]


def _is_series(rule: Rule) -> bool:
    return bool(rule.params.get("target", "headings") == "series")


def _item(rule: Rule, entry: Entry) -> Item:
    ordinal, group, source = entry
    end = source.end if _is_series(rule) else source.marker_end
    return Item(ordinal, source.marker, source.start, end, group)


def _problems(entries: Sequence[Entry]) -> Iterator[tuple[str, Entry, Entry | None, int]]:
    """(problem, entry, previous entry, expected ordinal) for each entry out of sequence."""
    last: dict[tuple[Any, ...], Entry] = {}
    for entry in entries:
        ordinal, group, _ = entry
        previous = last.get(group)
        expected = previous[0] + 1 if previous else 1
        last[group] = entry
        if ordinal in (expected, 1):  # in sequence, or a new list starting
            continue
        if previous is not None and ordinal == previous[0]:
            yield "duplicate", entry, previous, expected
        elif ordinal > expected:
            yield "gap", entry, previous, expected
        else:
            yield "order", entry, previous, expected


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    document = report.document
    problems = {**_FALLBACK_PROBLEMS, **rule.params.get("problems", {})}
    previous_label = rule.params.get("previous_label", "{previous}")
    joiner = rule.params.get("joiner", " ")
    for problem, entry, previous_entry, expected in _problems(_entries(rule, report)):
        item, previous = _item(rule, entry), (_item(rule, previous_entry) if previous_entry else None)
        missing = joiner.join(_restyle(item.marker, ordinal) for ordinal in range(expected, item.ordinal))
        values = {
            "found": item.marker, "expected": _restyle(item.marker, expected),
            "previous": previous.marker if previous else "", "missing": missing,
        }
        values["problem"] = render_template(problems[problem], values)
        labels = ([Label(document.span(previous.start, previous.end), render_template(previous_label, values))]
                  if previous else [])
        yield emit(rule, report.era, document.span(item.start, item.end), values, labels=labels)
