"""Run a rulebook's rules over documents: read, analyse, check, collect.

``check_path`` never raises for any input file, so one file never stops a batch: an unreadable
file becomes a FileResult with one error diagnostic from the rulebook's ``read_error`` rule; any
other exception while reading or checking it (a bug, MemoryError, RecursionError) one from the
``internal_error`` rule naming the failure; a file that takes longer than the time budget
(``auditor.readers.limits.time_budget``) one from the ``too_slow`` rule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

from auditor import records
from auditor.checks import ENGINE_KINDS, SERIES_KINDS, emit, kind_module
from auditor.diagnostics import Diagnostic, Severity
from auditor.document import Document
from auditor.location import locator_for
from auditor.readers import ReadError, read_bytes, read_path
from auditor.records import field, record
from auditor.rulebook import Rule, Rulebook
from auditor.structure import Report, analyse

# The time budget's SIGALRM through ``_signal``, the built-in module ``signal`` wraps: the same
# functions and numbers, without the enum classes ``signal`` builds from them at import (some 3 M
# instructions, 1% of a cold one-report check). Another Python gets ``signal``.
try:
    import _signal as signal
except ImportError:  # pragma: no cover - not CPython
    import signal  # type: ignore[no-redef]


@record(frozen=True, repr=False)
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


@record(frozen=True, repr=False)
class Options:
    """The command line's choices for a check: the rule selection, the year and the profile."""
    selection: Selection = Selection()
    year: int | None = None
    profile: str | None = None


@record(eq=False, repr=False)
class FileResult:
    """The findings of one file, or why it could not be read or checked."""
    path: str
    diagnostics: list[Diagnostic]
    report: Report | None = None
    read_error: str | None = None
    notes: list[str] = field(default_factory=list)
    internal_error: str | None = None  # set (with read_error) when the tool failed on this file

    @property
    def era(self) -> str | None:
        return self.report.era if self.report else None

    @property
    def year(self) -> int | None:
        return self.report.report_year if self.report else None

    def count(self, severity: Severity) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity == severity)


def applicable_rules(rulebook: Rulebook, era: str | None, year: int | None,
                     selection: Selection) -> tuple[Rule, ...]:
    """The selected rules that apply to a file of this era and year, series kinds included, in
    rulebook order; chosen once per rulebook (the tests rule by rule cost more than some rules)."""
    key = ("applicable", era, year, selection)
    chosen = rulebook.memo.get(key)
    if chosen is None:
        chosen = rulebook.memo[key] = tuple(
            rule for rule in rulebook.rules
            if rule.kind != "read_error" and rule.applies(era, year) and selection.wants(rule))
    return chosen  # type: ignore[no-any-return]


def file_rules(rulebook: Rulebook, era: str | None, year: int | None, selection: Selection) -> tuple[Rule, ...]:
    """``applicable_rules`` less the series kinds, which run after the batch (auditor/series.py),
    and the engine's own kinds, whose checks never fire on a Report (``ENGINE_KINDS``)."""
    key = ("file", era, year, selection)
    chosen = rulebook.memo.get(key)
    if chosen is None:
        chosen = rulebook.memo[key] = tuple(rule for rule in applicable_rules(rulebook, era, year, selection)
                                            if rule.kind not in SERIES_KINDS and rule.kind not in ENGINE_KINDS)
    return chosen  # type: ignore[no-any-return]


def run_rules(rulebook: Rulebook, report: Report, selection: Selection = Selection()) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for rule in file_rules(rulebook, report.era, report.report_year, selection):
        diagnostics.extend(kind_module(rule.kind).check(rule, report))
    diagnostics = [diagnostic for diagnostic in diagnostics if not _on_metadata(report, diagnostic)]
    diagnostics.sort(key=Diagnostic.sort_key)
    return diagnostics


def _on_metadata(report: Report, diagnostic: Diagnostic) -> bool:
    """A finding of a quiet category on a crawler's preamble (see structure.preamble) is about the crawler."""
    settings = report.detection.preamble
    return (report.preamble is not None and settings is not None and diagnostic.span is not None
            and diagnostic.category in settings.quiet_categories
            and report.preamble.contains(diagnostic.span.start_offset))


def check_document(document: Document, rulebook: Rulebook, options: Options = Options()) -> FileResult:
    report = analyse(document, rulebook.detection, options.year, options.profile)
    report.cache["rulebook"] = rulebook
    diagnostics = with_locations(run_rules(rulebook, report, options.selection), report.document)
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
    """Attach the document's ``location`` (docx or HTML paragraph, PDF page, table cell) to each finding."""
    locate = locator_for(document)
    if locate is None:
        return diagnostics
    located: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if diagnostic.location is None and diagnostic.span is not None and diagnostic.span.start_offset >= 0:
            location = locate(diagnostic.span.start_offset)
            if location:
                diagnostic = records.replace(diagnostic, location={"format": document.source_format, **location})
        located.append(diagnostic)
    return located


def read_error_result(path: str, reason: str, rulebook: Rulebook, kind: str = "read_error") -> FileResult:
    rules = rulebook.by_kind(kind) or rulebook.by_kind("read_error")
    diagnostics = [emit(rules[0], None, None, {"path": path, "reason": reason})] if rules else []
    return FileResult(path, diagnostics, None, read_error=reason)


def internal_error_result(path: str, reason: str, rulebook: Rulebook | None) -> FileResult:
    """The result for a file on which the tool itself failed: one ``internal_error`` finding."""
    rules = rulebook.by_kind("internal_error") if rulebook is not None else []
    diagnostics = [emit(rules[0], None, None, {"path": path, "reason": reason})] if rules else []
    return FileResult(path, diagnostics, None, read_error=reason, internal_error=reason)


def describe_failure(error: BaseException, stage: str = "检查") -> str:
    detail = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{stage}时出错：{type(error).__name__}" + (f"（{detail}）" if detail else "")


class TimeBudgetExceeded(BaseException):
    """Raised inside a file's work when its time budget runs out (a BaseException, so that the
    ``except Exception`` of a reader does not turn it into a read error)."""


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise TimeBudgetExceeded in the block after ``seconds`` (SIGALRM; in the main thread and when no
    other interval timer is running, else no limit)."""
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)  # never clobber a timer someone else set
    previous = _alarm_handler(seconds) if usable else None
    if previous is None:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _alarm_handler(seconds: float) -> Callable[[int, object], object] | int | None:
    """Install the handler that ends the budget; the handler it replaces, or None outside the main
    thread, where Python lets no thread set one (asked of ``signal`` itself rather than importing
    ``threading`` for it, which a one-report run does not otherwise need)."""

    def expire(_signum: int, _frame: object) -> None:
        raise TimeBudgetExceeded(seconds)

    try:
        previous = signal.signal(signal.SIGALRM, expire)
    except ValueError:
        return None
    return signal.SIG_DFL if previous is None else previous


def too_slow_result(path: str, seconds: float, rulebook: Rulebook) -> FileResult:
    reason = f"超过 {seconds:g} 秒仍未完成"
    return read_error_result(path, reason, rulebook, "too_slow")


def check_path(path: str, rulebook: Rulebook, options: Options = Options(), data: bytes | None = None) -> FileResult:
    """Read and check one file; never raises for anything about the file (see the module doc)."""
    from auditor.readers.limits import time_budget as budget_seconds

    seconds = budget_seconds()
    try:
        with time_budget(seconds):
            try:
                document = read_path(path) if data is None else read_bytes(path, data)
            except ReadError as error:
                return read_error_result(path, str(error), rulebook, error.kind)
            return check_document(document, rulebook, options)
    except TimeBudgetExceeded:
        return too_slow_result(path, seconds, rulebook)
    except Exception as error:  # any failure on one file is reported, never raised: the batch goes on
        return internal_error_result(path, describe_failure(error), rulebook)


def worst(results: Iterable[FileResult]) -> Severity | None:
    levels = [diagnostic.severity for result in results for diagnostic in result.diagnostics]
    return max(levels) if levels else None
