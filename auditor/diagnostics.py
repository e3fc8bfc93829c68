"""Diagnostic: what a check found, as plain data. Renderers turn lists of these into text."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from auditor.document import Span


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


@dataclass(frozen=True)
class Label:
    """A secondary span with a short message: the evidence (rustc's labelled spans)."""

    span: Span
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"span": self.span.to_json(), "message": self.message}


@dataclass(frozen=True)
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
