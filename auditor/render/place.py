"""Where a finding is, said as the clerk sees the file: 表2 第32行 第2列, 第4段, 第3页 第5行.

One function (``place_text``, kept in ``auditor.location`` so that a check can name a place too)
turns a diagnostic's JSON ``location`` (set by the engine from the reader's locator: a docx
paragraph or table cell, a PDF page line or cell, an HTML paragraph or table cell) into that
text, and every renderer uses it, so the HTML report, the served page, SARIF, GitHub, GitLab,
JUnit and JSON all name a place the same way. Table, row and column numbers are those of the
source's grid (1-based, merged cells expanded), tables counted in document order.

For .docx and .pdf the span's lines and columns are lines of the *extracted* text (one per
paragraph, page line or table row), which the user cannot open: ``lines_are_extracted`` tells a
renderer to name the place instead of a line and column.
"""

from __future__ import annotations

from collections.abc import Mapping

from auditor.diagnostics import Diagnostic
from auditor.location import place_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any


def lines_are_extracted(location: Mapping[str, Any] | None) -> bool:
    """True when the span's line and column are those of extracted text (docx, PDF), not of the file."""
    return bool(location) and location.get("span_lines") == "extracted"  # type: ignore[union-attr]


def line_column(diagnostic: Diagnostic) -> str:
    """``第 57 行第 11 列`` of a text file; empty without a span or when the lines are extracted."""
    span = diagnostic.span
    if span is None or lines_are_extracted(diagnostic.location):
        return ""
    return f"第 {span.start.line} 行第 {span.start.column} 列"


def where_text(diagnostic: Diagnostic) -> str:
    """The place of a finding for a person: the clerk's place when known, else the line and
    column of a text file, else ``全文`` (a finding about the whole file)."""
    return place_text(diagnostic.location) or line_column(diagnostic) or "全文"


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    """The diagnostic's JSON with ``place`` (the clerk's words for its location) when it has one."""
    data = diagnostic.to_json()
    place = place_text(diagnostic.location)
    if place:
        data["place"] = place
    return data


def file_position(path: str, diagnostic: Diagnostic) -> str:
    """``path:57:11`` for a text file; ``path（表2 第32行 第2列）`` for docx/PDF; both for HTML."""
    place = place_text(diagnostic.location)
    span = diagnostic.span
    where = path
    if span is not None and not lines_are_extracted(diagnostic.location):
        where += f":{span.start.line}:{span.start.column}"
    return f"{where}（{place}）" if place else where
