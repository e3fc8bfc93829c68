"""The SARIF 2.1.0 renderer, in the shape GitHub code scanning accepts.

``tool.driver.rules`` carries every rule of the rulebook (id, name, descriptions, help with the
legal basis as text and Markdown, default level); each result points at its rule by ``ruleId`` and
``ruleIndex``, has a ``region`` (1-based columns counted in code points, end exclusive, hence
``columnKind: unicodeCodePoints``), ``relatedLocations`` for labelled evidence, and a
``partialFingerprints`` entry that does not change when lines move (see auditor.fingerprint).
URIs are relative to the repository root (``uriBaseId: SRCROOT``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from auditor import __version__
from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.docs import help_uri
from auditor.document import Span
from auditor.engine import FileResult
from auditor.fingerprint import result_fingerprints
from auditor.render import RenderContext, each_file
from auditor.render.indented import dumps
from auditor.render.machine import relative_path
from auditor.render.place import place_text
from auditor.rulebook import Rule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "gkAuditSpan/v1"
BASE_ID = "SRCROOT"


def _rule_descriptor(rule: Rule, docs_url: str | None) -> dict[str, Any]:
    help_text = "\n".join(part for part in (rule.help, f"依据：{rule.basis}" if rule.basis else "") if part)
    help_markdown = "\n\n".join(part for part in (rule.help, f"**依据**：{rule.basis}" if rule.basis else "") if part)
    descriptor = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description.strip() or rule.title},
        "help": {"text": help_text or rule.title, "markdown": help_markdown or rule.title},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"category": rule.category, "tags": [rule.category]},
    }
    if docs_url:
        descriptor["helpUri"] = help_uri(docs_url, rule.id)
    return descriptor


def _descriptor_from(diagnostic: Diagnostic) -> dict[str, Any]:
    """A descriptor for a diagnostic whose rule is not in the rulebook given to the renderer."""
    help_text = diagnostic.help or diagnostic.title or diagnostic.rule
    return {
        "id": diagnostic.rule, "name": diagnostic.name,
        "shortDescription": {"text": diagnostic.title or diagnostic.name},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[diagnostic.severity]},
        "properties": {"category": diagnostic.category, "tags": [diagnostic.category]},
    }


def _region(span: Span) -> dict[str, int]:
    return {"startLine": span.start.line, "startColumn": span.start.column,
            "endLine": span.end.line, "endColumn": max(span.end.column, 1)}


def _physical(uri: str, span: Span | None, absolute: bool) -> dict[str, Any]:
    artifact: dict[str, Any] = {"uri": uri} if absolute else {"uri": uri, "uriBaseId": BASE_ID}
    location: dict[str, Any] = {"artifactLocation": artifact}
    location["region"] = _region(span) if span is not None else {"startLine": 1}
    return {"physicalLocation": location}


def _uri(path: str, root: str | None) -> tuple[str, bool]:
    relative = relative_path(path, root)
    if relative.startswith("/"):
        return Path(relative).as_uri(), True
    return relative, False


def _primary_location(diagnostic: Diagnostic, uri: str, absolute: bool) -> dict[str, Any]:
    """The physical location, and for docx/PDF/HTML the place as the clerk sees it: a logical
    location (table cell, paragraph, page line) and the same words as the region's message."""
    location = _physical(uri, diagnostic.span, absolute)
    place = place_text(diagnostic.location)
    if place:
        location["physicalLocation"]["region"]["message"] = {"text": place}
        kind = "element" if "table" in (diagnostic.location or {}) else "text"
        location["logicalLocations"] = [{"name": place, "fullyQualifiedName": f"{uri} {place}", "kind": kind}]
    return location


def _label_location(label: Label, uri: str, absolute: bool, root: str | None) -> dict[str, Any]:
    """A label's location: in the finding's file, or (cross-report evidence) in the file it names."""
    if label.path is None:
        return _physical(uri, label.span, absolute)
    other_uri, other_absolute = _uri(label.path, root)
    return _physical(other_uri, label.span, other_absolute)


def _result(diagnostic: Diagnostic, index: int, uri: str, absolute: bool, fingerprint: str,
            root: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": diagnostic.rule,
        "ruleIndex": index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [_primary_location(diagnostic, uri, absolute)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if diagnostic.labels:
        result["relatedLocations"] = [
            {"id": number, **_label_location(label, uri, absolute, root), "message": {"text": label.message}}
            for number, label in enumerate(diagnostic.labels, start=1)]
    return result


class _Rules:
    """The driver's rules and the index of each id."""

    def __init__(self, context: RenderContext) -> None:
        rules = context.rulebook.rules if context.rulebook is not None else ()
        self.descriptors = [_rule_descriptor(rule, context.docs_url) for rule in rules]
        self.index = {rule.id: position for position, rule in enumerate(rules)}

    def index_of(self, diagnostic: Diagnostic) -> int:
        if diagnostic.rule not in self.index:
            self.index[diagnostic.rule] = len(self.descriptors)
            self.descriptors.append(_descriptor_from(diagnostic))
        return self.index[diagnostic.rule]


def _run(rules: _Rules, results: list[Any], context: RenderContext) -> dict[str, Any]:
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "gk-audit", "version": __version__, "semanticVersion": __version__,
                            "rules": rules.descriptors}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if context.root is not None:
        run["originalUriBaseIds"] = {BASE_ID: {"uri": Path(context.root).resolve().as_uri() + "/"}}
    return run


def _log(run: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _file_results(rules: _Rules) -> Any:
    def render_file(file_result: FileResult, context: RenderContext) -> list[dict[str, Any]]:
        uri, absolute = _uri(file_result.path, context.root)
        return [_result(diagnostic, rules.index_of(diagnostic), uri, absolute, fingerprint, context.root)
                for diagnostic, fingerprint in zip(file_result.diagnostics, result_fingerprints(file_result),
                                                   strict=True)]
    return render_file


def sarif_log(results: Iterable[FileResult], context: RenderContext = RenderContext()) -> dict[str, Any]:
    rules = _Rules(context)
    sarif_results: list[dict[str, Any]] = []
    for file_result in results:
        sarif_results += _file_results(rules)(file_result, context)
    return _log(_run(rules, sarif_results, context))


_RESULTS_MARK = "\x00results\x00"  # where the streamed results go in the log's text


def stream_sarif(results: Iterable[FileResult], context: RenderContext = RenderContext()) -> Iterator[str]:
    """The SARIF log as ``json.dumps(sarif_log(...), indent=2)`` writes it, without holding every
    result: the results are written to a spooled temporary file as the files go by, then the log
    (whose rule list comes first and grows with rules met in the results) is written around them."""
    import tempfile

    rules = _Rules(context)
    count = 0
    with tempfile.SpooledTemporaryFile(max_size=1 << 22, mode="w+", encoding="utf-8",
                                       errors="surrogatepass") as spool:
        for _, found in each_file(results, context, _file_results(rules)):
            for item in found:
                spool.write((",\n        " if count else "") + dumps(item, 4))
                count += 1
        if not count:
            yield dumps(_log(_run(rules, [], context))) + "\n"
            return
        head, _, tail = dumps(_log(_run(rules, [_RESULTS_MARK], context))).partition(dumps(_RESULTS_MARK))
        yield head
        spool.seek(0)
        while chunk := spool.read(1 << 16):
            yield chunk
        yield tail + "\n"


def render_sarif(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    return "".join(stream_sarif(results, context))
