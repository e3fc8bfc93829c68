"""Diagnostic: what a check found, as plain data. Renderers turn lists of these into text."""

from __future__ import annotations

from enum import IntEnum

from auditor.document import Span
from auditor.records import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @classmethod
    def parse(cls, name: str) -> Severity:
        return cls[name.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


@record(eq=False, repr=False)
class Label:
    """A secondary span with a short message: the evidence (rustc's labelled spans).

    ``path`` is set when the evidence is in another file (last year's report, for cross-report
    rules); ``source_line`` then holds the text of that file's line(s) under the span, so that
    renderers can draw its code frame without opening the other file."""

    span: Span
    message: str
    path: str | None = None
    source_line: str = field(default="", compare=False)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"span": self.span.to_json(), "message": self.message}
        if self.path is not None:
            data["path"] = self.path
        return data


@record(eq=False, repr=False)
class Diagnostic:
    """One finding. ``span`` is the primary span: where the fix goes."""

    rule: str
    name: str
    category: str
    severity: Severity
    message: str
    span: Span | None
    title: str = ""
    labels: tuple[Label, ...] = ()
    help: str = ""
    basis: str = ""
    notes: tuple[str, ...] = ()
    location: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __init__(self, rule: str, name: str, category: str, severity: Severity, message: str, span: Span | None,
                 title: str = "", labels: tuple[Label, ...] = (), help: str = "", basis: str = "",
                 notes: tuple[str, ...] = (), location: dict[str, Any] | None = None,
                 extra: dict[str, Any] | None = None) -> None:  # written out: the generic one is slower
        self.rule, self.name, self.category, self.severity, self.message, self.span = (
            rule, name, category, severity, message, span)
        self.title, self.labels, self.help, self.basis, self.notes, self.location = (
            title, labels, help, basis, notes, location)
        self.extra = {} if extra is None else extra

    def sort_key(self) -> tuple[int, int, str]:
        if self.span is None:
            return (0, 0, self.rule)
        return (self.span.start.line, self.span.start.column, self.rule)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity.label,
            "message": self.message,
            "span": self.span.to_json() if self.span else None,
            "labels": [label.to_json() for label in self.labels],
            "title": self.title,
            "help": self.help,
            "basis": self.basis,
            "notes": list(self.notes),
        }
        if self.location is not None:
            data["location"] = self.location
        data.update(self.extra)
        return data
