"""kind: truncation — the report ends mid-sentence.

Takes the last substantive line: the last non-blank line outside table regions that no
``ignore`` pattern matches (site furniture pasted after the text, page counters). Fires when
that line does not end with one of the ``ends`` characters. Silent when the report ends with a
table (a table's last cell is not prose).

Parameters:
    ends:   regex the last line must match to count as finished, e.g. ``'[。！？!?;；…”"）)]\\s*$'``.
    ignore: list of regexes for lines to pass over at the end (required, may be empty).
Message fields: ``{tail}`` (the last characters of the line).

Fails on a report whose last line is ``4.公众参与情况。奇艺政府在线的公众参与栏目有民生访谈、市民热``;
passes when it ends ``…栏目有民生访谈、市民热线等。``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.checks import compile_any, compile_patterns, emit
from auditor.diagnostics import Diagnostic
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "truncation"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["ends", "ignore"],
    "properties": {
        "ends": {"type": "string"},
        "ignore": {"type": "array", "items": {"type": "string"}},
    },
}


@record(eq=False, repr=False)
class Compiled:
    """A truncation rule's parameters: the ending pattern and the patterns to ignore, joined into
    one alternation when they can be (a line's test is then one search, not one per pattern)."""
    ends: re.Pattern[str]
    ignore: tuple[re.Pattern[str], ...]


def prepare(params: dict[str, Any]) -> Compiled:
    return Compiled(compile_patterns(params["ends"], ("ends",))[0], tuple(compile_any(params["ignore"], ("ignore",))))


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    document = report.document
    for index in range(document.line_count - 1, -1, -1):
        line = document.line(index)
        text = line.folded.strip()
        if not text or any(pattern.search(text) for pattern in compiled.ignore):
            continue
        if report.line_in_table(index) or compiled.ends.search(text):
            return
        tail = line.text.strip()[-12:]
        span = document.line_span(line)
        last_chars = document.span(max(span.end_offset - 1, span.start_offset), span.end_offset)
        yield emit(rule, report.era, last_chars, {"tail": tail})
        return
