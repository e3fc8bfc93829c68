"""Highlight marks for the HTML renderer: every diagnostic span as offsets into ``Document.text``.

A diagnostic contributes one *primary* mark (its span: where the fix goes) and one *label* mark per
labelled span (the evidence). Marks may overlap; ``paint`` cuts a range of the text at every mark
boundary and wraps each piece in one flat ``<mark>`` carrying all the diagnostics that cover it, so
overlapping spans never need nested or crossing elements. All text goes through ``html.escape``.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from html import escape

from auditor.diagnostics import Diagnostic
from auditor.document import Document, Span
from auditor.records import field, record


@record(frozen=True)
class Mark:
    """Offsets ``start``..``end`` (end exclusive) of the document text flagged by diagnostic ``key``."""

    start: int
    end: int
    key: str
    severity: str
    primary: bool
    note: str


@record
class MarkIndex:
    """The marks of one document, sorted by start, and the anchors already written."""

    marks: tuple[Mark, ...]
    starts: tuple[int, ...] = ()
    anchored: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.marks = tuple(sorted(self.marks, key=lambda mark: (mark.start, mark.end)))
        self.starts = tuple(mark.start for mark in self.marks)

    def within(self, start: int, end: int) -> list[Mark]:
        """Marks that overlap [start, end), or empty marks sitting inside it."""
        limit = bisect.bisect_right(self.starts, end)
        return [mark for mark in self.marks[:limit]
                if (mark.start < end and mark.end > start) or (mark.start == mark.end and start <= mark.start < end)]

    def covering(self, start: int, end: int) -> list[Mark]:
        """Marks that cover all of the non-empty range [start, end)."""
        if end <= start:
            return []
        return [mark for mark in self.within(start, end) if mark.start <= start and mark.end >= end]


def span_offsets(span: Span, document: Document) -> tuple[int, int] | None:
    """The text offsets of ``span``; positions are used only when the text is the source (txt, md)."""
    if span.start_offset >= 0:
        return span.start_offset, max(span.end_offset, span.start_offset)
    if document.source_text is not None:
        return None
    starts = document.line_starts
    if not 1 <= span.start.line <= len(starts) or not 1 <= span.end.line <= len(starts):
        return None
    start = starts[span.start.line - 1] + span.start.column - 1
    end = starts[span.end.line - 1] + span.end.column - 1
    return start, max(start, end)


def marks_of(diagnostics: Iterable[tuple[str, Diagnostic]], document: Document) -> MarkIndex:
    marks: list[Mark] = []
    for key, diagnostic in diagnostics:
        severity = diagnostic.severity.label
        if diagnostic.span is not None and (offsets := span_offsets(diagnostic.span, document)):
            marks.append(Mark(*offsets, key, severity, True, diagnostic.message))
        for label in diagnostic.labels:
            if label.path is not None:  # evidence in another report: not a place in this one
                continue
            if offsets := span_offsets(label.span, document):
                marks.append(Mark(*offsets, key, severity, False, label.message or diagnostic.message))
    return MarkIndex(tuple(marks))


_RANK = {"error": 2, "warning": 1, "info": 0}


def mark_attributes(marks: Sequence[Mark], index: MarkIndex) -> str:
    """Class, data and id attributes of an element covered by ``marks`` (primary marks win)."""
    primaries = [mark for mark in marks if mark.primary]
    shown = primaries or list(marks)
    worst = max(shown, key=lambda mark: _RANK.get(mark.severity, 0)).severity
    classes = ["hl", f"sev-{worst}", "pri" if primaries else "lbl"]
    keys = list(dict.fromkeys(mark.key for mark in marks))
    attributes = f' class="{" ".join(classes)}" data-d="{escape(" ".join(keys))}"'
    notes = "\n".join(dict.fromkeys(mark.note for mark in marks if mark.note))
    if notes:
        attributes += f' title="{escape(notes)}"'
    fresh = [mark.key for mark in primaries if mark.key not in index.anchored]
    if fresh:
        index.anchored.add(fresh[0])
        attributes += f' id="at-{escape(fresh[0])}"'
    return attributes


def paint(text: str, start: int, end: int, index: MarkIndex) -> str:
    """``text[start:end]`` as escaped HTML with every overlapping mark highlighted."""
    marks = index.within(start, end)
    if not marks:
        return escape(text[start:end])
    cuts = {start, end}
    for mark in marks:
        cuts.update(point for point in (mark.start, mark.end) if start < point < end)
    points = sorted(cuts)
    pieces: list[str] = []
    for left, right in itertools.pairwise(points):
        pieces.extend(_points_at(left, marks, index))
        active = [mark for mark in marks if mark.start <= left and mark.end >= right and mark.end > mark.start]
        chunk = escape(text[left:right])
        pieces.append(f"<mark{mark_attributes(active, index)}>{chunk}</mark>" if active else chunk)
    return "".join(pieces)


def _points_at(offset: int, marks: Sequence[Mark], index: MarkIndex) -> list[str]:
    """Markers for empty spans (an insertion point, e.g. a missing item) at ``offset``."""
    empty = [mark for mark in marks if mark.start == mark.end == offset]
    if not empty:
        return []
    return [f'<span{mark_attributes(empty, index)} data-point="1">\u2038</span>']
