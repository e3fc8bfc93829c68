"""The JSON renderer: the contract of DEVELOPERS.md (``files`` with diagnostics, ``summary``)."""

from __future__ import annotations

import json
import json.encoder
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from auditor import __version__
from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Span
from auditor.engine import FileResult
from auditor.render import RenderContext, each_file
from auditor.render.indented import dumps, indent
from auditor.render.place import diagnostic_json

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

_STRING = json.encoder.encode_basestring  # as dumps escapes strings (ensure_ascii=False)


def file_to_json(result: FileResult, with_diagnostics: bool = True) -> dict[str, Any]:
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
        "diagnostics": [diagnostic_json(diagnostic) for diagnostic in result.diagnostics] if with_diagnostics else [],
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
    """``dumps(file_to_json(result))``, written directly (tests/render/test_json.py compares them)."""
    report = result.report
    detected = _object_text([
        ("year_source", _value(report.year_source, 2)), ("era_source", _value(report.era_source, 2)),
        ("title", _value(report.title.text if report.title else None, 2)),
        ("encoding", _value(report.document.encoding, 2)), ("format", _value(report.document.source_format, 2)),
    ], 1) if report else "null"
    items = [("path", _value(result.path, 1)), ("era", _value(report.era if report else None, 1)),
             ("year", _value(report.report_year if report else None, 1)), ("detected", detected),
             ("readable", "true" if result.read_error is None else "false"),
             ("diagnostics", _diagnostics_text(result.diagnostics, 1))]
    if result.read_error is not None:
        items.append(("error", _value(result.read_error, 1)))
    return _object_text(items, 0)


def _value(value: Any, level: int) -> str:
    return _STRING(value) if type(value) is str else dumps(value, level)


def _object_text(items: Sequence[tuple[str, str]], level: int) -> str:
    """A JSON object of (plain ASCII key, value already written) pairs, as ``dumps`` lays it out."""
    inner = indent(level + 1)
    return "{" + inner + ("," + inner).join(f'"{key}": {text}' for key, text in items) + indent(level) + "}"


def _list_text(texts: Sequence[str], level: int) -> str:
    if not texts:
        return "[]"
    inner = indent(level + 1)
    return "[" + inner + ("," + inner).join(texts) + indent(level) + "]"


# The diagnostics are most of the output, and all have the same shape: written here directly, byte
# for byte as ``dumps(diagnostic_json(diagnostic), level)`` writes them (tests/render/test_json.py
# compares the two), the rare shapes (a location, extra fields) through ``dumps`` itself.
def _diagnostics_text(diagnostics: Sequence[Diagnostic], level: int) -> str:
    return _list_text([_diagnostic_text(item, level + 1) for item in diagnostics], level)


_STR_ONLY = {str}


def _diagnostic_text(diagnostic: Diagnostic, level: int) -> str:
    strings = (diagnostic.rule, diagnostic.name, diagnostic.category, diagnostic.message, diagnostic.title,
               diagnostic.help, diagnostic.basis)
    span = diagnostic.span
    span_text = _span_text(span, level + 1) if span is not None else "null"
    if diagnostic.location is not None or diagnostic.extra or set(map(type, strings)) != _STR_ONLY or not span_text:
        return dumps(diagnostic_json(diagnostic), level)
    rule, name, category, message, title, help_text, basis = map(_STRING, strings)
    inner = "," + indent(level + 1)
    labels = _list_text([_label_text(label, level + 2) for label in diagnostic.labels], level + 1)
    notes = dumps(list(diagnostic.notes), level + 1) if diagnostic.notes else "[]"
    return (f'{{{indent(level + 1)}"rule": {rule}{inner}"name": {name}{inner}"category": {category}'
            f'{inner}"severity": {_STRING(diagnostic.severity.label)}{inner}"message": {message}'
            f'{inner}"span": {span_text}{inner}"labels": {labels}{inner}"title": {title}'
            f'{inner}"help": {help_text}{inner}"basis": {basis}{inner}"notes": {notes}{indent(level)}}}')


def _label_text(label: Label, level: int) -> str:
    span_text = _span_text(label.span, level + 1) if label.span is not None else ""
    if not span_text or type(label.message) is not str or (label.path is not None and type(label.path) is not str):
        return dumps(label.to_json(), level)
    items = [("span", span_text), ("message", _STRING(label.message))]
    if label.path is not None:
        items.append(("path", _STRING(label.path)))
    return _object_text(items, level)


def _span_text(span: Span, level: int) -> str:
    """The span's JSON at ``level``; empty when its numbers are not plain ints (``dumps`` then writes it)."""
    start, end = span.start, span.end
    line, column, end_line, end_column = start.line, start.column, end.line, end.column
    if type(line) is not int or type(column) is not int or type(end_line) is not int or type(end_column) is not int:
        return ""
    one, two, three = indent(level + 1), indent(level + 2), indent(level)
    return (f'{{{one}"start": {{{two}"line": {line},{two}"column": {column}{one}}},'
            f'{one}"end": {{{two}"line": {end_line},{two}"column": {end_column}{one}}}{three}}}')


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
