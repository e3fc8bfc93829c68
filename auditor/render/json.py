"""The JSON renderer: the contract of DEVELOPERS.md (``files`` with diagnostics, ``summary``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from auditor import __version__
from auditor.diagnostics import Severity
from auditor.engine import FileResult
from auditor.render import RenderContext


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
        "diagnostics": [diagnostic.to_json() for diagnostic in result.diagnostics],
    }
    if result.read_error is not None:
        data["error"] = result.read_error
    return data


def summary(results: Sequence[FileResult]) -> dict[str, Any]:
    diagnostics = [diagnostic for result in results for diagnostic in result.diagnostics]
    return {
        "files": len(results),
        "unreadable": sum(1 for result in results if result.read_error is not None),
        "errors": sum(1 for item in diagnostics if item.severity == Severity.ERROR),
        "warnings": sum(1 for item in diagnostics if item.severity == Severity.WARNING),
        "infos": sum(1 for item in diagnostics if item.severity == Severity.INFO),
        "by_rule": dict(sorted(Counter(item.rule for item in diagnostics).items())),
        "by_category": dict(sorted(Counter(item.category for item in diagnostics).items())),
    }


def stream_json(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> Iterator[str]:
    """The JSON document in pieces, one file at a time, so that a run over thousands of reports
    never holds the whole document (or its dict form) in memory at once."""
    yield '{\n"tool": ' + json.dumps({"name": "gk-audit", "version": __version__}) + ',\n"files": [\n'
    for index, result in enumerate(results):
        separator = ",\n" if index else ""
        yield separator + json.dumps(file_to_json(result), ensure_ascii=False, indent=2)
    yield '\n],\n"summary": ' + json.dumps(summary(results), ensure_ascii=False, indent=2)
    if context.extra and "series" in context.extra:
        yield ',\n"series": ' + json.dumps(context.extra["series"], ensure_ascii=False, indent=2)
    if context.extra and "baseline" in context.extra:
        yield ',\n"baseline": ' + json.dumps(context.extra["baseline"], ensure_ascii=False, indent=2)
    yield "\n}\n"


def render_json(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    return "".join(stream_json(results, context))
