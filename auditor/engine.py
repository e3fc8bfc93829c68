"""Run a rulebook's rules over documents: read, analyse, check, collect.

``check_path`` never raises for a bad input file: an unreadable file becomes a FileResult with
one error diagnostic from the rulebook's ``read_error`` rule, so one bad file never stops a batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditor.checks import emit, kind_module
from auditor.diagnostics import Diagnostic, Severity
from auditor.document import Document
from auditor.readers import ReadError, read_bytes, read_path
from auditor.rulebook import Rule, Rulebook
from auditor.structure import Report, analyse


@dataclass(frozen=True)
class Selection:
    """Which rules run: ``select``/``ignore`` hold ids, id prefixes (``GK2``), names or categories."""

    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()

    @staticmethod
    def _hits(rule: Rule, keys: frozenset[str]) -> bool:
        return any(key in (rule.id, rule.name, rule.category) or (key.isalnum() and rule.id.startswith(key))
                   for key in keys)

    def wants(self, rule: Rule) -> bool:
        if self.select and not self._hits(rule, self.select):
            return False
        return not self._hits(rule, self.ignore)


@dataclass(frozen=True)
class Options:
    selection: Selection = Selection()
    year: int | None = None
    profile: str | None = None


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic]
    report: Report | None = None
    read_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def era(self) -> str | None:
        return self.report.era if self.report else None

    @property
    def year(self) -> int | None:
        return self.report.report_year if self.report else None

    def count(self, severity: Severity) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity == severity)


def run_rules(rulebook: Rulebook, report: Report, selection: Selection = Selection()) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for rule in rulebook.rules:
        if rule.kind == "read_error" or not rule.applies(report.era, report.report_year):
            continue
        if not selection.wants(rule):
            continue
        module = kind_module(rule.kind)
        if getattr(module, "SCOPE", "file") != "file":  # series kinds run after the batch (auditor/series.py)
            continue
        diagnostics.extend(module.check(rule, report))
    diagnostics.sort(key=Diagnostic.sort_key)
    return diagnostics


def check_document(document: Document, rulebook: Rulebook, options: Options = Options()) -> FileResult:
    report = analyse(document, rulebook.detection, options.year, options.profile)
    report.cache["rulebook"] = rulebook
    diagnostics = with_locations(run_rules(rulebook, report, options.selection), document)
    if "gk-audit" in (document.source_text if document.source_text is not None else document.text):
        diagnostics = _apply_inline_suppressions(report, rulebook, options.selection, diagnostics)
    return FileResult(document.path, diagnostics, report)


def _apply_inline_suppressions(report: Report, rulebook: Rulebook, selection: Selection,
                               diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    from auditor.suppressions import UNUSED_KIND, apply_inline

    unused_rules = [rule for rule in rulebook.by_kind(UNUSED_KIND) if selection.wants(rule)]
    return apply_inline(report.document.source_lines(), diagnostics, unused_rules[0] if unused_rules else None,
                        report.era)


def with_locations(diagnostics: list[Diagnostic], document: Document) -> list[Diagnostic]:
    """Attach the document's ``location`` (docx paragraph, PDF page, table cell) to each finding."""
    if document.locator is None:
        return diagnostics
    located: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if diagnostic.location is None and diagnostic.span is not None and diagnostic.span.start_offset >= 0:
            location = document.locator.locate(diagnostic.span.start_offset)
            if location:
                diagnostic = dataclasses.replace(diagnostic, location={"format": document.source_format, **location})
        located.append(diagnostic)
    return located


def read_error_result(path: str, reason: str, rulebook: Rulebook, kind: str = "read_error") -> FileResult:
    rules = rulebook.by_kind(kind) or rulebook.by_kind("read_error")
    diagnostics = [emit(rules[0], None, None, {"path": path, "reason": reason})] if rules else []
    return FileResult(path, diagnostics, None, read_error=reason)


def check_path(path: str, rulebook: Rulebook, options: Options = Options(), data: bytes | None = None) -> FileResult:
    try:
        document = read_path(path) if data is None else read_bytes(path, data)
    except ReadError as error:
        return read_error_result(path, str(error), rulebook, error.kind)
    return check_document(document, rulebook, options)


def worst(results: Iterable[FileResult]) -> Severity | None:
    levels = [diagnostic.severity for result in results for diagnostic in result.diagnostics]
    return max(levels) if levels else None
