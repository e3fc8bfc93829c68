"""kind: date — dates that cannot be dates, and a statistical period for another year.

Each pattern captures some of the named groups ``year``, ``month`` and ``day`` (matched against
the folded text). ``fires_when`` says what makes a match a finding:
- ``valid``: the captured digits form a valid date, so the text is a date that lost its
  separators (``截至1231日`` = 12月31日, ``201612月底``, ``20161231日``);
- ``invalid``: the captured parts do not form a calendar date (``13月``, ``2月30日``);
- ``year_differs``: the captured ``year`` is not the report year (a statistical period for
  another year); silent when the report year is unknown or was itself taken from this text.
- ``report_year``: the captured ``year`` IS the report year (a plan for the coming year dated
  the year being reported on); silent when the report year is unknown.
- ``adjacent_year``: the captured ``year`` is the report year ± 1 (a work summary that names the
  year before or after the one it reports on); silent when the report year is unknown.

Parameters:
    patterns:   list of regexes with named groups (required).
    fires_when: ``valid`` | ``invalid`` | ``year_differs`` | ``report_year`` | ``adjacent_year`` (required).
    scope:      ``outside_tables`` (default) or ``all``.
    sections:   regexes; when given, only the text under a top-level heading whose title matches one
                of them is searched (``存在.{0,6}问题|改进``: the improvement plan).
Message fields: ``{match}``, ``{year}``, ``{month}``, ``{day}``, ``{report_year}``, ``{normalized}``
(the date written out, e.g. ``2016年12月31日``), ``{expected_year}`` (the report year, or for
``report_year`` the year after it).

Fails on ``截至1231日，办结927件``; passes on ``截至12月31日，办结927件``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.checks import compile_any, compile_patterns, emit
from auditor.diagnostics import Diagnostic
from auditor.records import record
from auditor.rulebook import ParamError, Rule
from auditor.structure import Report
from auditor.textscan import finditer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "date"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["patterns", "fires_when"],
    "properties": {
        "patterns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "fires_when": {"enum": ["valid", "invalid", "year_differs", "report_year", "adjacent_year"]},
        "scope": {"enum": ["outside_tables", "all"]},
        "sections": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
}


@record(eq=False, repr=False)
class Compiled:
    """A date rule's parameters, its patterns and section patterns compiled."""
    patterns: tuple[re.Pattern[str], ...]
    fires_when: str
    scope: str
    sections: tuple[re.Pattern[str], ...] = ()


def prepare(params: dict[str, Any]) -> Compiled:
    patterns = tuple(compile_patterns(params["patterns"], ("patterns",)))
    for index, pattern in enumerate(patterns):
        if not set(pattern.groupindex) & {"year", "month", "day"}:
            raise ParamError(("patterns", index), "日期模式必须含有命名分组 year、month 或 day 之一")
    sections = tuple(compile_any(params.get("sections", []), ("sections",)))  # one search a heading
    return Compiled(patterns, params["fires_when"], params.get("scope", "outside_tables"), sections)


def _part(match: re.Match[str], name: str) -> int | None:
    if name not in match.re.groupindex or match.group(name) is None:
        return None
    return int(match.group(name))


def is_calendar_date(year: int | None, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is None:
        return True
    if month is None:
        return 1 <= day <= 31
    # calendar.monthrange without importing calendar (and datetime and locale) on every start;
    # a date without its year may be 29 February
    leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    days = 29 if month == 2 and leap else _MONTH_DAYS[month - 1]
    return 1 <= day <= days


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _normalized(year: int | None, month: int | None, day: int | None) -> str:
    return "".join(f"{value}{unit}" for value, unit in ((year, "年"), (month, "月"), (day, "日")) if value is not None)


def _ranges(report: Report, compiled: Compiled) -> list[tuple[int, int]]:
    """The text searched: all of it, or the sections whose top-level heading matches ``sections``."""
    if not compiled.sections:
        return [(0, len(report.document.folded))]
    return [report.section_range(heading) for heading in report.outline
            if heading.level == 1 and any(pattern.search(heading.title) for pattern in compiled.sections)]


def _year_fires(compiled: Compiled, report: Report, year: int | None) -> bool:
    if year is None or report.report_year is None:
        return False
    if compiled.fires_when == "year_differs":
        return year != report.report_year and report.year_basis != "period"
    if compiled.fires_when == "report_year":
        return year == report.report_year
    return abs(year - report.report_year) == 1


def _fires(compiled: Compiled, report: Report, year: int | None, month: int | None, day: int | None) -> bool:
    if compiled.fires_when == "valid":
        return is_calendar_date(year, month, day)
    if compiled.fires_when == "invalid":
        return not is_calendar_date(year, month, day)
    return _year_fires(compiled, report, year)


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    document = report.document
    expected_year = report.report_year
    if compiled.fires_when == "report_year" and expected_year is not None:
        expected_year += 1
    index = document.index
    for range_start, range_end in _ranges(report, compiled):
        for pattern in compiled.patterns:
            # finditer's matches: none when a word or the anchor gate of the pattern is absent from
            # the range, else tried only where they can be when textscan knows where (a date pattern
            # that opens with digits and blanks is tried before its anchor, not at every digit)
            for match in finditer(index, pattern, range_start, range_end):
                year, month, day = _part(match, "year"), _part(match, "month"), _part(match, "day")
                # most matches do not fire: test that before the (costlier) table lookup
                if not _fires(compiled, report, year, month, day):
                    continue
                if compiled.scope == "outside_tables" and report.in_table(match.start()):
                    continue
                start, end = match.span()
                yield emit(rule, report.era, document.span(start, end), {
                    "match": document.text[start:end], "year": year or "", "month": month or "", "day": day or "",
                    "report_year": report.report_year or "", "normalized": _normalized(year, month, day),
                    "expected_year": expected_year or "",
                })
