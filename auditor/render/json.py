"""The JSON renderer: the contract of DEVELOPERS.md (``files`` with diagnostics, ``summary``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from auditor import __version__
from auditor.diagnostics import Severity
from auditor.engine import FileResult
from auditor.render import RenderContext, each_file
from auditor.render.indented import dumps
from auditor.render.place import diagnostic_json


def file_to_json(result: FileResult) -> dict[str, Any]:
    report = result.report
    data: dict[str, Any] = {
        "path": result.path,
        "era": report.era if report else None,
        "year": report.report_year if report else None,
        "detected": {
            "year_source": report.year_source,
            "era_source": report.era_source,
            "title": report.title.text if report.title else None,
            "encoding": report.document.encoding,
            "format": report.document.source_format,
        } if report else None,
        "readable": result.read_error is None,
        "diagnostics": [diagnostic_json(diagnostic) for diagnostic in result.diagnostics],
    }
    if result.read_error is not None:
        data["error"] = result.read_error
    return data


class Summary:
    """The JSON ``summary`` of results, counted as they go by."""

    def __init__(self) -> None:
        self.files = 0
        self.unreadable = 0
        self.levels: Counter[Severity] = Counter()
        self.rules: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.unreadable += result.read_error is not None
        for diagnostic in result.diagnostics:
            self.levels[diagnostic.severity] += 1
            self.rules[diagnostic.rule] += 1
            self.categories[diagnostic.category] += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "unreadable": self.unreadable,
            "errors": self.levels[Severity.ERROR],
            "warnings": self.levels[Severity.WARNING],
            "infos": self.levels[Severity.INFO],
            "by_rule": dict(sorted(self.rules.items())),
            "by_category": dict(sorted(self.categories.items())),
        }


def summary(results: Iterable[FileResult]) -> dict[str, Any]:
    counted = Summary()
    for result in results:
        counted.add(result)
    return counted.to_json()


def _file_text(result: FileResult, context: RenderContext) -> str:
    return dumps(file_to_json(result))


def _list_pieces(entries: Iterable[Any]) -> Iterator[str]:
    """A list as ``json.dumps(list(entries), indent=2)`` writes it, in pieces, one entry at a time."""
    separator = "[\n  "
    for entry in entries:
        yield separator + dumps(entry, 1)
        separator = ",\n  "
    yield "[]" if separator == "[\n  " else "\n]"


def stream_json(results: Iterable[FileResult], context: RenderContext = RenderContext()) -> Iterator[str]:
    """The JSON document in pieces, one file at a time, so that a run over thousands of reports
    never holds the whole document (or its dict form) in memory at once; the summary is counted
    on the way."""
    yield '{\n"tool": ' + json.dumps({"name": "gk-audit", "version": __version__}) + ',\n"files": [\n'
    counted = Summary()
    separator = ""
    for result, text in each_file(results, context, _file_text):
        counted.add(result)
        yield separator + text
        separator = ",\n"
    yield '\n],\n"summary": ' + dumps(counted.to_json())
    if context.extra and "series" in context.extra:
        yield ',\n"series": '
        yield from _list_pieces(context.extra["series"])
    if context.extra and "baseline" in context.extra:
        yield ',\n"baseline": ' + dumps(context.extra["baseline"])
    yield "\n}\n"


def render_json(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    return "".join(stream_json(results, context))
