"""The GitLab Code Quality renderer (``artifacts: reports: codequality``).

A JSON array of issues: ``description``, ``check_name``, ``fingerprint`` (unique per issue, stable
when lines move), ``severity`` (error → major, warning → minor, info → info; an unreadable file →
blocker) and ``location.path`` + ``location.lines.begin``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

from auditor.diagnostics import Diagnostic, Severity
from auditor.engine import FileResult
from auditor.fingerprint import result_fingerprints
from auditor.render import RenderContext, each_file
from auditor.render.indented import dumps
from auditor.render.machine import relative_path
from auditor.render.place import lines_are_extracted, place_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _severity(result: FileResult, diagnostic: Diagnostic) -> str:
    return "blocker" if result.read_error is not None else SEVERITIES[diagnostic.severity]


def _issue(path: str, result: FileResult, diagnostic: Diagnostic, fingerprint: str) -> dict[str, Any]:
    unique = hashlib.sha256(f"{path}\x00{fingerprint}".encode()).hexdigest()[:32]
    span = None if lines_are_extracted(diagnostic.location) else diagnostic.span  # docx/PDF: no lines of its own
    begin = span.start.line if span else 1
    end = span.end.line if span else begin
    place = place_text(diagnostic.location)
    return {
        "type": "issue",
        "description": f"[{diagnostic.rule}] " + (f"{place}：" if place else "") + diagnostic.message,
        "check_name": f"{diagnostic.rule} {diagnostic.name}",
        "categories": ["Style"] if diagnostic.category == "typography" else ["Bug Risk"],
        "fingerprint": unique,
        "severity": _severity(result, diagnostic),
        "location": {"path": path, "lines": {"begin": begin, "end": max(end, begin)}},
    }


def _file_issues(result: FileResult, context: RenderContext) -> str:
    """The file's issues as elements of the top-level array (indented as ``json.dumps(indent=2)``)."""
    path = relative_path(result.path, context.root)
    pairs = zip(result.diagnostics, result_fingerprints(result), strict=True)
    return ",\n  ".join(dumps(_issue(path, result, diagnostic, fingerprint), 1) for diagnostic, fingerprint in pairs)


def stream_gitlab(results: Iterable[FileResult], context: RenderContext = RenderContext()) -> Iterator[str]:
    """The JSON array, the issues of one file at a time."""
    separator = "[\n  "
    for _, issues in each_file(results, context, _file_issues):
        if issues:
            yield separator + issues
            separator = ",\n  "
    yield "[]\n" if separator == "[\n  " else "\n]\n"


def render_gitlab(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    return "".join(stream_gitlab(results, context))
