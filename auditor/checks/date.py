"""kind: date — dates that cannot be dates, and a statistical period for another year.

Each pattern captures some of the named groups ``year``, ``month`` and ``day`` (matched against
the folded text). ``fires_when`` says what makes a match a finding:
- ``valid``: the captured digits form a valid date, so the text is a date that lost its
  separators (``截至1231日`` = 12月31日, ``201612月底``, ``20161231日``);
- ``invalid``: the captured parts do not form a calendar date (``13月``, ``2月30日``);
- ``year_differs``: the captured ``year`` is not the report year (a statistical period for
  another year); silent when the report year is unknown or was itself taken from this text.

Parameters:
    patterns:   list of regexes with named groups (required).
    fires_when: ``valid`` | ``invalid`` | ``year_differs`` (required).
    scope:      ``outside_tables`` (default) or ``all``.
Message fields: ``{match}``, ``{year}``, ``{month}``, ``{day}``, ``{report_year}``, ``{normalized}``
(the date written out, e.g. ``2016年12月31日``).

Fails on ``截至1231日，办结927件``; passes on ``截至12月31日，办结927件``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from auditor.checks import compile_patterns, emit
from auditor.diagnostics import Diagnostic
from auditor.rulebook import ParamError, Rule
from auditor.structure import Report

KIND = "date"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["patterns", "fires_when"],
    "properties": {
        "patterns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "fires_when": {"enum": ["valid", "invalid", "year_differs"]},
        "scope": {"enum": ["outside_tables", "all"]},
    },
}


@dataclass(frozen=True)
class Compiled:
    patterns: tuple[re.Pattern[str], ...]
    fires_when: str
    scope: str


def prepare(params: dict[str, Any]) -> Compiled:
    patterns = tuple(compile_patterns(params["patterns"], ("patterns",)))
    for index, pattern in enumerate(patterns):
        if not set(pattern.groupindex) & {"year", "month", "day"}:
            raise ParamError(("patterns", index), "日期模式必须含有命名分组 year、month 或 day 之一")
    return Compiled(patterns, params["fires_when"], params.get("scope", "outside_tables"))


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
    days = calendar.monthrange(year, month)[1] if year is not None else (29 if month == 2 else
                                                                        calendar.monthrange(2001, month)[1])
    return 1 <= day <= days


def _normalized(year: int | None, month: int | None, day: int | None) -> str:
    return "".join(f"{value}{unit}" for value, unit in ((year, "年"), (month, "月"), (day, "日")) if value is not None)


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    document = report.document
    for pattern in compiled.patterns:
        for match in pattern.finditer(document.folded):
            if compiled.scope == "outside_tables" and report.in_table(match.start()):
                continue
            year, month, day = _part(match, "year"), _part(match, "month"), _part(match, "day")
            if compiled.fires_when == "valid" and not is_calendar_date(year, month, day):
                continue
            if compiled.fires_when == "invalid" and is_calendar_date(year, month, day):
                continue
            if compiled.fires_when == "year_differs":
                if year is None or report.report_year is None or year == report.report_year:
                    continue
                if report.year_basis == "period":
                    continue
            start, end = match.span()
            yield emit(rule, report.era, document.span(start, end), {
                "match": document.text[start:end], "year": year or "", "month": month or "", "day": day or "",
                "report_year": report.report_year or "", "normalized": _normalized(year, month, day),
            })
