"""kind: title — the report must open with a title line naming the agency and the report year.

The title is found by the rulebook's ``detection.title`` settings (a line among the first
``search_lines`` non-blank lines matching ``pattern``). Fires when none is found, or when
``require_year`` is true and the title carries no year. The span is the first non-blank line.

Parameters:
    require_year: also fire when the title has no four-digit year (default true).
Message fields: ``{first_line}`` (the text of the first non-blank line).

Fails on a report opening directly with ``一、总体情况``; passes on
``XX市住房和城乡建设局2019年政府信息公开工作年度报告`` followed by the parts.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.checks import emit
from auditor.diagnostics import Diagnostic
from auditor.rulebook import Rule
from auditor.structure import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "title"
PARAMS_SCHEMA: dict[str, Any] = {"properties": {"require_year": {"type": "boolean"}}}


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    require_year = rule.params.get("require_year", True)
    if report.title is not None and (report.title.year is not None or not require_year):
        return
    document = report.document
    first = next((line for line in document.lines() if line.text.strip()), None)
    span = document.line_span(first) if first else document.span(0, 0)
    yield emit(rule, report.era, span, {"first_line": first.text.strip()[:40] if first else ""})
