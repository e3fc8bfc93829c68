"""Batch runs: expand inputs, resolve each file's settings, check files (in parallel above a
threshold), apply severity overrides, suppressions and the baseline; results in input order.

Workers return *packed* results: the diagnostics, their fingerprints, the rules that ran and a slim
report (path, era, year, detection notes, and the source text only when the output format shows
code frames), never the heavy Report with its structure, so a 10,000-file run stays small and
pickling stays cheap. A worker pickles a chunk's results once (``Shipment``) and the parent stores
those bytes in its spill as they are. A single file, or ``--jobs 1``, runs in-process through the
same pipeline, so the output is byte-identical whatever ``--jobs``. With a pool, the series pass
(``auditor/series.py``) also runs in worker processes, an agency's pairs at a time.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from auditor import records
from auditor.config import (
    CliOverrides,
    ProjectConfig,
    Settings,
    check_rule_keys,
    clear_caches,
    config_for,
    is_excluded,
    resolve_settings,
    suppressions_for,
)
from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Position, Span
from auditor.engine import (
    FileResult,
    Options,
    Selection,
    TimeBudgetExceeded,
    applicable_rules,
    check_path,
    time_budget,
    too_slow_result,
)
from auditor.paths import STDIN, expand_inputs
from auditor.readers import limits
from auditor.records import field, record
from auditor.rulebook import Rule, Rulebook, load_rulebook
from auditor.spill import IN_MEMORY, Spill
from auditor.structure import Report
from auditor.structure.profile import TitleLine
from auditor.suppressions import (
    UNUSED_KIND,
    FileOutcome,
    SuppressionFile,
    apply_file,
    load_suppressions,
    unused_entries,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

    from auditor import baseline as baseline_module  # imported where a baseline is read or written

POOL_THRESHOLD = 16  # fewer files than this are checked in-process: a pool costs more than it saves
PROGRESS_THRESHOLD = 200
FORMATS_WITHOUT_SOURCE = frozenset({"json", "jsonl", "sarif", "github", "gitlab", "junit"})
# formats whose output carries each finding's fingerprint (auditor/fingerprint.py); the others, without a
# baseline, never read one, and a run for them does not make any (BatchRequest.fingerprints)
FORMATS_WITH_FINGERPRINTS = frozenset({"jsonl", "sarif", "gitlab"})


# ---------------------------------------------------------------------------- packed results
@record(eq=False, repr=False)
class SlimDocument:
    """What renderers read of a Document: path, format, encoding and (optionally) the source text."""

    path: str
    source_format: str
    encoding: str
    source_text: str | None = None

    def source_lines(self) -> list[str]:
        return self.source_text.split("\n") if self.source_text is not None else []


@record(eq=False, repr=False)
class SlimReport:
    """What renderers read of a Report: detection results, no structure."""

    document: SlimDocument
    title: TitleLine | None
    report_year: int | None
    year_source: str
    era: str
    era_source: str


@record(eq=False, repr=False)
class PackedResult(FileResult):
    """A FileResult as a worker returns it; ``fingerprints`` and ``rules_run`` are precomputed."""

    fingerprints: list[str] | None = None
    rules_run: tuple[str, ...] | None = None
    summary: Any = None  # auditor.series.ReportSummary when the run compares reports across years


def _slim(result: FileResult, keep_source: bool) -> SlimReport | None:
    report = result.report
    if report is None:
        return None
    document = report.document
    source = (document.source_text if document.source_text is not None else document.text) if keep_source else None
    return SlimReport(SlimDocument(document.path, document.source_format, document.encoding, source),
                      report.title, report.report_year, report.year_source, report.era, report.era_source)


# ---------------------------------------------------------------------------- results as plain values
# What goes to the spill or comes from a worker is pickled as plain values: pickle reduces every
# record through copyreg (some 7,000 instructions an object, each way), and a result holds a few
# dozen (its diagnostics, their spans and positions, labels, the slim report); tuples of strings
# and numbers cost a few hundred. ``result_from_plain`` makes the same result again. A shape these
# do not know (a full Report, kept for the renderers that draw it; another class) stays an object.
def plain_result(result: FileResult) -> tuple[Any, ...]:
    """``result`` as tuples, lists, strings and numbers (see above), for ``result_from_plain``."""
    kind = type(result)
    if kind is not PackedResult and kind is not FileResult:
        return ("object", result)
    head = (kind is PackedResult, result.path, [_plain_diagnostic(item) for item in result.diagnostics],
            _plain_report(result.report), result.read_error, result.notes, result.internal_error)
    if kind is PackedResult:
        return (*head, result.fingerprints, result.rules_run, result.summary)  # type: ignore[attr-defined]
    return head


def result_from_plain(plain: tuple[Any, ...]) -> FileResult:
    """The result ``plain_result`` made ``plain`` of."""
    if plain[0] == "object":
        found: FileResult = plain[1]
        return found
    packed, path, diagnostics, report, read_error, notes, internal_error, *rest = plain
    made = [_diagnostic_from_plain(item) for item in diagnostics]
    report = _report_from_plain(report)
    if packed:  # every field in order: the records' quick __init__
        return PackedResult(path, made, report, read_error, notes, internal_error, *rest)
    return FileResult(path, made, report, read_error, notes, internal_error)


def _plain_span(span: Span | None) -> tuple[int, int, int, int, int, int] | None:
    return None if span is None else span.numbers()


def _span_from_plain(plain: tuple[int, int, int, int, int, int] | None) -> Span | None:
    return None if plain is None else Span.of_numbers(plain)


def _plain_spans_only(diagnostic: Diagnostic) -> bool:
    """Whether the diagnostic's spans and labels are of the classes ``_plain_diagnostic`` writes out."""
    spans = [diagnostic.span, *(item.span for item in diagnostic.labels)]
    return type(diagnostic) is Diagnostic and all(type(item) is Label for item in diagnostic.labels) and all(
        span is None or (type(span) is Span and type(span.start) is Position and type(span.end) is Position)
        for span in spans)


def _plain_diagnostic(diagnostic: Diagnostic) -> Any:
    if not _plain_spans_only(diagnostic):
        return diagnostic  # an object: never a tuple, so _diagnostic_from_plain leaves it
    labels = [(_plain_span(label.span), label.message, label.path, label.source_line) for label in diagnostic.labels]
    return (diagnostic.rule, diagnostic.name, diagnostic.category, diagnostic.severity, diagnostic.message,
            _plain_span(diagnostic.span), diagnostic.title, type(diagnostic.labels) is list, labels, diagnostic.help,
            diagnostic.basis, diagnostic.notes, diagnostic.location, diagnostic.extra)


def _diagnostic_from_plain(plain: Any) -> Diagnostic:
    if type(plain) is not tuple:
        found: Diagnostic = plain
        return found
    rule, name, category, severity, message, span, title, in_list, labels, help_text, basis, notes, location, extra \
        = plain
    made = [Label(_span_from_plain(label_span), label_message, path, line)
            for label_span, label_message, path, line in labels]
    return Diagnostic(rule, name, category, severity, message, _span_from_plain(span), title,
                      made if in_list else tuple(made), help_text, basis, notes, location, extra)


def _plain_report(report: Any) -> Any:
    if type(report) is not SlimReport or type(report.document) is not SlimDocument or (
            report.title is not None and type(report.title) is not TitleLine):
        return ("object", report)
    document, title = report.document, report.title
    return ("slim", document.path, document.source_format, document.encoding, document.source_text,
            None if title is None else (title.line_index, title.start, title.end, title.text, title.year),
            report.report_year, report.year_source, report.era, report.era_source)


def _report_from_plain(plain: Any) -> Any:
    if plain[0] == "object":
        return plain[1]
    _, path, source_format, encoding, source_text, title, year, year_source, era, era_source = plain
    return SlimReport(SlimDocument(path, source_format, encoding, source_text),
                      None if title is None else TitleLine(*title), year, year_source, era, era_source)


def _unshared(report: Report | None) -> Report | None:
    """The full report without its cache (which holds the rulebook), cheap to pickle."""
    return records.replace(report, cache={}) if report is not None else None


# ---------------------------------------------------------------------------- plans
@record(frozen=True, repr=False)
class Plan:
    """How to check the files that share one set of effective settings."""

    rulebooks: tuple[str, ...]
    options: Options
    severity: tuple[tuple[str, str], ...]
    suppressions: str | None


@record(eq=False, repr=False)
class WorkerState:
    """What a worker process keeps for the whole run: the rulebooks, plans and suppression files, and what to keep
    of each result."""
    rulebooks: dict[tuple[str, ...], Rulebook]
    plans: tuple[Plan, ...]
    suppressions: dict[str, SuppressionFile]
    keep_source: bool
    keep_report: bool = False  # the whole Report (structure included), for renderers that draw the report
    stdin_name: str = "<stdin>.txt"
    series: bool = False  # keep a per-report summary for the series pass (auditor/series.py)
    cli: CliOverrides = field(default_factory=CliOverrides)  # for the series-layout agency of a path
    compress_summaries: bool = True  # a large run's series summaries are kept compressed (series.COMPRESS_ABOVE)
    fingerprints: bool = True  # make each finding's fingerprint (else only where a suppressions file needs them)


_STATE: list[WorkerState] = []  # set once per worker process by _init_worker


def _init_worker(state: WorkerState) -> None:
    _STATE[:] = [state]


def _plan_for(settings: Settings, suppressions: str | None) -> Plan:
    selection = Selection(frozenset(settings.select), frozenset(settings.ignore))
    return Plan(settings.rulebooks, Options(selection, settings.year, settings.profile), settings.severity,
                suppressions)


def _severity_for(diagnostic: Diagnostic, overrides: Sequence[tuple[str, str]]) -> Severity | None:
    found = None
    for key, level in overrides:
        if key in (diagnostic.rule, diagnostic.name, diagnostic.category) or (
                key.isalnum() and diagnostic.rule.startswith(key)):
            found = Severity.parse(level)
    return found


def _override_severity(diagnostics: list[Diagnostic], overrides: Sequence[tuple[str, str]]) -> list[Diagnostic]:
    if not overrides:
        return diagnostics
    changed = []
    for diagnostic in diagnostics:
        level = _severity_for(diagnostic, overrides)
        changed.append(diagnostic if level is None else records.replace(diagnostic, severity=level))
    return changed


def _rules_run(rulebook: Rulebook, plan: Plan, result: FileResult) -> tuple[str, ...]:
    if result.report is None:
        return tuple(rule.id for rule in rulebook.by_kind("read_error"))
    # the ids of applicable_rules' answer, kept beside it in the rulebook's memo: every report of a
    # run asks, and most share an era, a year and a selection
    key = ("applicable ids", result.report.era, result.report.report_year, plan.options.selection)
    ids: tuple[str, ...] | None = rulebook.memo.get(key)
    if ids is None:
        ids = rulebook.memo[key] = tuple(rule.id for rule in applicable_rules(
            rulebook, result.report.era, result.report.report_year, plan.options.selection))
    return ids


def process_file(state: WorkerState, path: str, plan_index: int, data: bytes | None = None
                 ) -> tuple[PackedResult, FileOutcome]:
    """Check one file and pack its result (the whole per-file pipeline, in a worker or in-process).
    Never raises: a failure after the check (fingerprints, suppressions, packing) is reported as an
    internal error of that file, like a failure inside ``check_path``."""
    rulebook = state.rulebooks[state.plans[plan_index].rulebooks]
    try:
        return _process_file(state, path, plan_index, data)
    except Exception as error:
        return failed_file(path, rulebook, error, "处理结果")


def failed_file(path: str, rulebook: Rulebook, error: BaseException | str, stage: str = "检查"
                ) -> tuple[PackedResult, FileOutcome]:
    """The packed result of a file the tool failed on: one internal-error finding (GK004)."""
    from auditor.engine import describe_failure, internal_error_result
    from auditor.fingerprint import fingerprints

    shown = "<stdin>.txt" if path == STDIN else path
    reason = describe_failure(error, stage) if isinstance(error, BaseException) else error
    result = internal_error_result(shown, reason, rulebook)
    prints = fingerprints([], result.diagnostics)
    packed = PackedResult(result.path, result.diagnostics, None, result.read_error, [],
                          internal_error=result.internal_error, fingerprints=prints,
                          rules_run=tuple(rule.id for rule in rulebook.by_kind("internal_error")))
    return packed, FileOutcome(frozenset(), frozenset())


def _process_file(state: WorkerState, path: str, plan_index: int, data: bytes | None
                  ) -> tuple[PackedResult, FileOutcome]:
    plan = state.plans[plan_index]
    rulebook = state.rulebooks[plan.rulebooks]
    started = time.monotonic()
    result = check_path(state.stdin_name if path == STDIN else path, rulebook, plan.options, data=data)
    diagnostics = _override_severity(result.diagnostics, plan.severity)
    suppressions = state.suppressions.get(plan.suppressions) if plan.suppressions else None
    prints: list[str] | None = None
    if state.fingerprints or suppressions is not None:
        from auditor.fingerprint import fingerprints  # not for an output without fingerprints (JSON, text)

        source_lines = _source_lines(result.report) if result.report is not None else []
        budget = limits.time_budget()  # what check_path left of it covers fingerprints and suppressions
        try:
            with time_budget(max(budget - (time.monotonic() - started), 0.001) if budget else 0):
                prints = fingerprints(source_lines, diagnostics)
                keep, outcome = apply_file(suppressions, result.path, diagnostics, prints, source_lines)
        except TimeBudgetExceeded:
            result = too_slow_result(result.path, budget, rulebook)
            diagnostics = result.diagnostics
            prints = fingerprints([], diagnostics)
            keep, outcome = list(range(len(diagnostics))), FileOutcome(frozenset(), frozenset())
    else:  # nothing reads a fingerprint and nothing is suppressed: every finding stays, as it is
        keep, outcome = list(range(len(diagnostics))), FileOutcome(frozenset(), frozenset())
    report = _unshared(result.report) if state.keep_report else _slim(result, state.keep_source)
    # every field in order (internal_error, fingerprints, rules_run, summary): a record's quick __init__ path
    packed = PackedResult(result.path, [diagnostics[index] for index in keep], report,  # type: ignore[arg-type]
                          result.read_error, list(result.notes), result.internal_error,
                          [prints[index] for index in keep] if prints is not None else None,
                          _rules_run(rulebook, plan, result), None)
    if state.series:
        from auditor.config import series_agency
        from auditor.series import summary_of_result

        packed.summary = summary_of_result(result, rulebook, series_agency(result.path, state.cli),
                                           state.compress_summaries)
    return packed, outcome


def _source_lines(report: Report) -> list[str]:
    """The lines of the file the user opened (read only): the text's own, split once per document,
    when the file is the text."""
    document = report.document
    return document.text_lines if document.source_text is None else document.source_lines()


_STARTED: list[Any] = []  # the queue a worker announces each item on before checking it


def _init_pool_worker(state: WorkerState, started: Any) -> None:
    _STATE[:] = [state]
    _STARTED[:] = [started]


def _work(item: tuple[str, int]) -> tuple[PackedResult, FileOutcome]:
    return process_file(_STATE[0], *item)


def _work_chunk(chunk: list[tuple[int, tuple[str, int]]]) -> Shipment:
    """Check a chunk of numbered items, announcing each on the ``started`` queue first; the results
    come back pickled in one piece (``Shipment``)."""
    results = []
    for index, item in chunk:
        _STARTED[0].put(index)
        results.append(process_file(_STATE[0], *item))
    return ship(results)


@record(frozen=True)
class Received:
    """One file of a worker's shipment, as the parent takes it: what it reads at once (the series
    summary, the counts of the tally, what suppressions did), and where its result is."""

    shipment: Shipment
    position: int
    summary: Any
    unreadable: bool
    internal_error: bool
    worst: Severity | None
    outcome: FileOutcome

    def unpacked(self) -> PackedResult:
        """The result itself (only when it cannot go to the spill still pickled)."""
        import pickle  # only when results travel between processes or spill: not on a one-report check

        result = result_from_plain(pickle.loads(self.shipment.blob)[self.position])
        return result  # type: ignore[return-value]


@record(frozen=True)
class Shipment:
    """A worker's results for a chunk of files: the results pickled once, in one piece (the parent
    writes the bytes to its spill as they are, instead of unpickling and pickling each result
    again), and per file what the parent reads at once."""

    blob: bytes
    count: int
    received: tuple[tuple[Any, bool, bool, Severity | None, FileOutcome], ...]

    def items(self) -> list[Received]:
        return [Received(self, position, *entry) for position, entry in enumerate(self.received)]


Taken = tuple[PackedResult, FileOutcome] | Received  # a file's result, checked in-process or by a worker


def ship(results: list[tuple[PackedResult, FileOutcome]]) -> Shipment:
    received = []
    for packed, outcome in results:
        received.append((packed.summary, packed.read_error is not None, bool(packed.internal_error),
                         max((diagnostic.severity for diagnostic in packed.diagnostics), default=None), outcome))
        packed.summary = None
    import pickle  # only when results travel between processes or spill: not on a one-report check

    blob = pickle.dumps([plain_result(packed) for packed, _ in results], protocol=pickle.HIGHEST_PROTOCOL)
    return Shipment(blob, len(results), tuple(received))


# ---------------------------------------------------------------------------- inputs
def expand(paths: Sequence[str], cli: CliOverrides) -> list[str]:
    """Files as given; folders recursed, minus files excluded by ``--exclude`` or the config."""
    found: list[str] = []
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            found += [file for file in expand_inputs([path]) if not is_excluded(file, cli)]
        else:
            found.append(path)
    return found


def default_jobs() -> int:
    """The free cores: those this process may use, less the ones the load average says are busy."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        busy = int(os.getloadavg()[0] + 0.5)
    except (OSError, AttributeError):
        busy = 0
    return max(1, cores - busy)


# ---------------------------------------------------------------------------- the run
@record(eq=False, repr=False)
class BatchRequest:
    """One ``check`` run as the command line asked for it: the paths, the overrides and the run's options."""
    paths: tuple[str, ...]
    cli: CliOverrides = field(default_factory=CliOverrides)
    jobs: int | None = None
    keep_source: bool = True
    keep_report: bool = False
    baseline: str | None = None
    write_baseline: str | None = None
    prune_baseline: bool = False
    progress: bool = False
    root: str = field(default_factory=os.getcwd)  # an absolute folder
    stdin_name: str | None = None  # --stdin-filename: how standard input is named, read and configured
    previous: tuple[str, ...] = ()  # --previous: last year's report(s) to compare every input with
    fingerprints: bool = True  # the output or the baseline reads findings' fingerprints (FORMATS_WITH_FINGERPRINTS)


class RunResults(Sequence[FileResult]):
    """A run's results in input order, ready to render: each file's result read back from the
    spill with its series findings merged in, then the unused-suppression results. Iterable as often
    as needed; a large run never holds them all in memory (``auditor/spill.py``)."""

    def __init__(self, spill: Spill | list[FileResult], store: Any = None, tail: Sequence[FileResult] = ()) -> None:
        self._spill = spill
        self._store = store  # auditor.series.SummaryStore with the series findings, or None
        self._tail = list(tail)

    def __len__(self) -> int:
        return len(self._spill) + len(self._tail)

    def __iter__(self) -> Iterator[FileResult]:
        merged = self._store.merged() if self._store is not None else iter(())
        waiting = next(merged, None)
        for index, result in enumerate(self._spill):
            if waiting is not None and waiting[0] == index:
                result = _with_series(result, *waiting[1])
                waiting = next(merged, None)
            yield result
        yield from self._tail

    def __getitem__(self, index: Any) -> Any:
        """For small runs and tests: a large run's results are read by iterating."""
        return list(self)[index]


def _with_series(result: FileResult, found: list[Diagnostic], prints: list[str] | None) -> FileResult:
    """``result`` with the series findings of its report merged in, in sort-key order (``prints``
    None: the run makes no fingerprints)."""
    from auditor.fingerprint import result_fingerprints

    if prints is None:
        return records.replace(result, diagnostics=sorted([*result.diagnostics, *found],
                                                              key=lambda diagnostic: diagnostic.sort_key()))
    merged = sorted(zip([*result.diagnostics, *found], [*result_fingerprints(result), *prints], strict=True),
                    key=lambda item: item[0].sort_key())
    return records.replace(result, diagnostics=[item[0] for item in merged],  # type: ignore[call-arg]
                               fingerprints=[item[1] for item in merged])


@record(eq=False, repr=False)
class Tally:
    """What the exit code needs of a run, counted as results go by (never the results themselves)."""

    files: int = 0
    unreadable: int = 0
    internal_error: bool = False
    worst: Severity | None = None

    def add(self, result: FileResult) -> None:
        self.add_counts(result.read_error is not None, bool(getattr(result, "internal_error", None)),
                        max((diagnostic.severity for diagnostic in result.diagnostics), default=None))

    def add_counts(self, unreadable: bool, internal_error: bool, worst: Severity | None) -> None:
        self.files += 1
        self.unreadable += unreadable
        self.internal_error = self.internal_error or internal_error
        self.raise_to(worst)

    def raise_to(self, level: Severity | None) -> None:
        if level is not None and (self.worst is None or level > self.worst):
            self.worst = level


@record(eq=False, repr=False)
class BatchOutcome:
    """What a run found: the results, the rulebook, the baseline's stale entries, messages and the tally."""
    results: Sequence[FileResult]
    rulebook: Rulebook
    fail_on: str
    stale: list[baseline_module.StaleEntry] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    baseline_used: bool = False
    series: Sequence[Any] = ()  # auditor.series.SeriesInfo of the series found in the run
    tally: Tally = field(default_factory=Tally)

    @property
    def all_unreadable(self) -> bool:
        return self.tally.files > 0 and self.tally.unreadable == self.tally.files

    @property
    def internal_error(self) -> bool:
        """The tool failed on some file (exit code 3)."""
        return self.tally.internal_error

    @property
    def worst(self) -> Severity | None:
        """The most severe finding of the run."""
        return self.tally.worst

    def render_extra(self) -> dict[str, Any]:
        """What machine renderers may add: the stale baseline entries (JSON ``baseline.stale``)."""
        extra: dict[str, Any] = {"baseline": {"stale": [entry.to_json() for entry in self.stale]}} \
            if self.baseline_used else {}
        if self.series:
            from auditor.series import SeriesEntries

            extra["series"] = SeriesEntries(self.series)
        return extra


def _suppressions_path(path: str, cli: CliOverrides) -> str | None:
    found = suppressions_for(path, cli)
    return str(found) if found is not None else None


def _prepare(inputs: Sequence[str], request: BatchRequest) -> tuple[WorkerState, list[int]]:
    plans: dict[Plan, int] = {}
    plan_of_input: list[int] = []
    for path in inputs:
        path = request.stdin_name if path == STDIN and request.stdin_name else path
        plan = _plan_for(resolve_settings(path, request.cli), _suppressions_path(path, request.cli))
        plan_of_input.append(plans.setdefault(plan, len(plans)))
    rulebooks = {plan.rulebooks: load_rulebook(plan.rulebooks) for plan in plans}
    suppressions = {plan.suppressions: load_suppressions(plan.suppressions)
                    for plan in plans if plan.suppressions}
    if not rulebooks:
        rulebooks[request.cli.rulebooks] = load_rulebook(request.cli.rulebooks)
    _check_rule_keys(inputs, plan_of_input, list(plans), rulebooks, request.cli)
    series = compress = False
    if len(inputs) > 1 or request.previous:  # one report has nothing to pair: no need to import the series pass
        from auditor.series import COMPRESS_ABOVE, wants_series

        series = wants_series(rulebooks.values(), len(inputs), request.previous)
        compress = len(inputs) > COMPRESS_ABOVE
    return WorkerState(rulebooks, tuple(plans), suppressions, request.keep_source, request.keep_report,
                       request.stdin_name or "<stdin>.txt", series=series, cli=request.cli,
                       compress_summaries=compress, fingerprints=request.fingerprints or _reads_baseline(request)
                       ), plan_of_input


def _reads_baseline(request: BatchRequest) -> bool:
    return bool(request.baseline or request.write_baseline)


def _check_rule_keys(inputs: Sequence[str], plan_of_input: Sequence[int], plans: Sequence[Plan],
                     rulebooks: dict[tuple[str, ...], Rulebook], cli: CliOverrides) -> None:
    """Unknown rule keys in --select/--ignore or a config are an error (once per config and rulebook)."""
    checked: set[tuple[str, tuple[str, ...]]] = set()
    pairs = [(config_for(path, cli), plans[index].rulebooks) for path, index in zip(inputs, plan_of_input, strict=True)]
    for config, rulebook_key in pairs or [(ProjectConfig(None, {}), cli.rulebooks)]:
        if (config.source, rulebook_key) not in checked:
            checked.add((config.source, rulebook_key))
            check_rule_keys(config, cli, rulebooks[rulebook_key])


def _run_items(state: WorkerState, items: list[tuple[str, int]], jobs: int, stdin: bytes | None
               ) -> Iterator[Taken]:
    pooled = [item for item in items if item[0] != STDIN]
    if jobs <= 1 or len(pooled) < POOL_THRESHOLD or len(pooled) != len(items):
        for path, plan_index in items:
            yield process_file(state, path, plan_index, stdin if path == STDIN else None)
        return
    yield from _pooled(state, items, jobs)


# ---------------------------------------------------------------------------- worker pool
def _pool_context() -> Any:
    import multiprocessing  # imported only when a pool is used: a small run never pays for it

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _pooled(state: WorkerState, items: list[tuple[str, int]], jobs: int
            ) -> Iterator[Taken]:
    """Results in input order from a pool of ``jobs`` workers. A worker that dies (killed, out of
    memory) breaks the pool: a new pool takes the files not yet checked, and each file that was
    being checked when it died is retried once on its own; if its worker dies again it is reported
    as an internal error (GK004) and the batch goes on."""
    done: dict[int, Taken] = {}
    waiting = list(range(len(items)))
    suspects: list[int] = []
    emitted = 0
    while waiting or suspects:
        if waiting:
            rounds, waiting = _pool_round(state, items, waiting, jobs, done), []
        else:
            rounds = _isolated_round(state, items, suspects.pop(0), done)
        for broken in rounds:  # after each yield the results so far are in ``done``
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1
            if broken is not None:
                started, unfinished = broken
                suspects += [index for index in unfinished if index in started]
                waiting = [index for index in unfinished if index not in started]
    while emitted in done:
        yield done.pop(emitted)
        emitted += 1


_Broken = tuple[set[int], list[int]] | None


def _pool_round(state: WorkerState, items: list[tuple[str, int]], indexes: list[int], jobs: int,
                done: dict[int, Taken]) -> Iterator[_Broken]:
    """Check ``indexes`` in a pool; yields None after each chunk's results, and (started,
    unfinished) once, last, if a worker died."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = _pool_context()
    started = context.SimpleQueue()
    size = max(1, min(64, len(indexes) // (jobs * 8)))
    chunks = [[(index, items[index]) for index in indexes[at:at + size]] for at in range(0, len(indexes), size)]
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_pool_worker, initargs=(state, started))
    try:
        futures = [pool.submit(_work_chunk, chunk) for chunk in chunks]
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                done.update(zip((index for index, _ in chunk), future.result().items(), strict=True))
            except BrokenProcessPool:
                for other_chunk, other in zip(chunks, futures, strict=True):  # finished before the death
                    if other.done() and not other.cancelled() and other.exception() is None:
                        done.update(zip((index for index, _ in other_chunk), other.result().items(), strict=True))
                seen: set[int] = set()
                while not started.empty():
                    seen.add(started.get())
                yield seen, [index for index in indexes if index not in done]
                return
            yield None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        started.close()


def _isolated_round(state: WorkerState, items: list[tuple[str, int]], index: int,
                    done: dict[int, Taken]) -> Iterator[_Broken]:
    """Retry one file whose worker died, alone in a fresh worker; a second death is reported."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    path, plan_index = items[index]
    with ProcessPoolExecutor(1, mp_context=_pool_context(), initializer=_init_worker, initargs=(state,)) as pool:
        try:
            done[index] = pool.submit(_work, items[index]).result()
        except BrokenProcessPool:
            rulebook = state.rulebooks[state.plans[plan_index].rulebooks]
            done[index] = failed_file(path, rulebook, "检查本文件的工作进程两次意外退出（可能被终止或内存耗尽）")
    yield None


def _run_rulebook(state: WorkerState) -> Rulebook:
    """The rulebook of the run as a whole (its first settings'): series rules, run-level findings."""
    return state.rulebooks[state.plans[0].rulebooks] if state.plans else next(iter(state.rulebooks.values()))


# ---------------------------------------------------------------------------- the series pass in a pool
def _series_jobs(state: WorkerState, jobs: list[Any]) -> list[Any]:
    """``series.run_group_jobs`` with the run's series rules and each file's selection."""
    from auditor.series import run_group_jobs, series_rules

    def wants(plan: int, rule: Rule) -> bool:
        return bool(state.plans[plan].options.selection.wants(rule))

    return run_group_jobs(jobs, series_rules(_run_rulebook(state)), wants, state.fingerprints)


def _series_work(jobs: list[Any]) -> list[Any]:
    return _series_jobs(_STATE[0], jobs)


def _series_pool(state: WorkerState, jobs: int) -> Callable[[Iterator[list[Any]]], Iterator[list[Any]]]:
    """A runner for ``series.store_pass``: batches of agencies' pairs checked by a pool of ``jobs``
    workers while the parent pairs the next ones, results in order (a single batch is checked here).
    If a worker dies, that batch and the rest are checked in this process (same findings, only
    slower)."""
    def run(batches: Iterator[list[Any]]) -> Iterator[list[Any]]:
        import itertools
        from collections import deque
        from concurrent.futures import Future, ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        first, second = next(batches, None), next(batches, None)
        if second is None:  # one batch (a few dozen pairs at most): not worth starting a pool
            if first is not None:
                yield _series_jobs(state, first)
            return
        batches = itertools.chain([first, second], batches)
        pool = ProcessPoolExecutor(jobs, mp_context=_pool_context(), initializer=_init_worker, initargs=(state,))
        sent: deque[tuple[list[Any], Future[list[Any]] | None]] = deque()
        broken = False

        def result(batch: list[Any], future: Future[list[Any]] | None) -> list[Any]:
            nonlocal broken
            if future is not None and not broken:
                try:
                    return future.result()
                except BrokenProcessPool:
                    broken = True
            return _series_jobs(state, batch)

        try:
            for batch in batches:
                future = None
                if not broken:
                    try:
                        future = pool.submit(_series_work, batch)
                    except BrokenProcessPool:
                        broken = True
                sent.append((batch, future))
                while len(sent) > jobs * 2:
                    yield result(*sent.popleft())
            while sent:
                yield result(*sent.popleft())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    return run


def _with_progress(results: Iterator[Any], total: int, show: bool) -> Iterator[Any]:
    if not show or total < PROGRESS_THRESHOLD:
        yield from results
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("检查报告", total=total)
        for item in results:
            progress.advance(task)
            yield item


def _unused_rule(rulebook: Rulebook) -> Rule | None:
    found = rulebook.by_kind(UNUSED_KIND)
    return found[0] if found else None


def _unused_results(state: WorkerState, outcomes: dict[str, FileOutcome], rulebook: Rulebook) -> list[FileResult]:
    extra: list[FileResult] = []
    for path, file in state.suppressions.items():
        found = unused_entries(file, [outcomes[path]] if path in outcomes else [], _unused_rule(rulebook))
        if found:
            extra.append(PackedResult(os.path.relpath(file.path), found, fingerprints=None))
    return extra


def _apply_baseline(results: Sequence[FileResult], request: BatchRequest, outcome: BatchOutcome,
                    relative: Callable[[str], str]) -> Sequence[FileResult]:
    """The results less the findings the baseline covers (read back and spilled again: one pass to
    count when writing the baseline, one to filter); ``outcome`` gets the stale entries and a tally."""
    if not request.write_baseline and request.baseline is None:
        return results
    from auditor import baseline as baseline_module
    from auditor.fingerprint import result_fingerprints

    def keys(result: FileResult) -> list[baseline_module.Key]:
        return baseline_module.keys_of(relative(result.path), (d.rule for d in result.diagnostics),
                                       result_fingerprints(result))

    if request.write_baseline:
        counts: Counter[baseline_module.Key] = Counter(key for result in results for key in keys(result))
        from auditor.paths import write_atomic

        write_atomic(request.write_baseline, baseline_module.dump(counts))
        outcome.messages.append(f"gk-audit: 已把 {sum(counts.values())} 个问题写入基线 {request.write_baseline}")
    source = request.write_baseline or request.baseline
    if source is None:
        return results
    keeper = baseline_module.BaselineFilter(baseline_module.load(source))
    outcome.baseline_used = True
    filtered = Spill(IN_MEMORY if not request.keep_report else sys.maxsize, encode=plain_result,
                     decode=result_from_plain)
    outcome.tally = Tally()
    for result in results:
        keeper.mark_checked(relative(result.path))
        fresh = keeper.new_findings(keys(result))
        prints = result_fingerprints(result)
        kept = records.replace(result, diagnostics=[result.diagnostics[i] for i in fresh],
                                   **({"fingerprints": [prints[i] for i in fresh]}
                                      if isinstance(result, PackedResult) else {}))
        outcome.tally.add(kept)
        filtered.append(kept)
    filtered.flush()
    outcome.stale = keeper.stale()
    if request.prune_baseline and request.baseline:
        from auditor.paths import write_atomic

        write_atomic(request.baseline, baseline_module.dump(keeper.pruned()))
        outcome.messages.append(f"gk-audit: 已从基线 {request.baseline} 删去 "
                                f"{sum(entry.unmatched for entry in outcome.stale)} 条过期记录")
        outcome.stale = []
    return RunResults(filtered)


class _Collector:
    """Takes each file's result as it comes: its series summary to the store, its result to the
    spill, what its suppressions did to one union per suppressions file, its counts to the tally."""

    def __init__(self, state: WorkerState, request: BatchRequest, total: int) -> None:
        self.state = state
        self.request = request
        self.spill = Spill(IN_MEMORY if not state.keep_report else sys.maxsize, encode=plain_result,
                           decode=result_from_plain)  # pickles of results as plain values
        self.store: Any = None
        self.on_disk = total > IN_MEMORY
        self.outcomes: dict[str, FileOutcome] = {}
        self.tally = Tally()
        self.partial: list[Received] = []  # the files of a worker's chunk taken so far

    def take(self, index: int, plan_index: int, item: Taken) -> None:
        if isinstance(item, Received):
            summary, file_outcome = item.summary, item.outcome
            self.tally.add_counts(item.unreadable, item.internal_error, item.worst)
            self._spill_received(item)
        else:
            packed, file_outcome = item
            summary, packed.summary = packed.summary, None
            self.tally.add(packed)
            self._spill_partial()
            self.spill.append(packed)
        if summary is not None:
            self._store_summary(index, plan_index, summary)
        suppressions = self.state.plans[plan_index].suppressions
        if suppressions:
            known = self.outcomes.get(suppressions)
            self.outcomes[suppressions] = file_outcome if known is None else FileOutcome(
                known.applicable | file_outcome.applicable, known.used | file_outcome.used)

    def _spill_received(self, item: Received) -> None:
        """A worker's chunk goes to the spill still pickled once all its files came in order (they
        do, unless a worker died and files were checked again); otherwise file by file."""
        partial = self.partial
        if partial and partial[-1].shipment is item.shipment and item.position == partial[-1].position + 1:
            partial.append(item)
        else:
            self._spill_partial()
            if item.position != 0:
                self.spill.append(item.unpacked())
                return
            self.partial = partial = [item]
        if len(partial) == item.shipment.count:
            self.spill.extend_pickled(item.shipment.blob, item.shipment.count)
            self.partial = []

    def _spill_partial(self) -> None:
        """The files of a chunk taken so far, unpickled, to the spill (the rest of it is not coming next)."""
        if self.partial:
            import pickle  # only when results travel between processes or spill: not on a one-report check

            results = pickle.loads(self.partial[0].shipment.blob)
            for item in self.partial:
                self.spill.append(result_from_plain(results[item.position]))
            self.partial = []

    def finish(self) -> None:
        """Every file was taken: nothing waits in memory any more."""
        self._spill_partial()
        self.spill.flush()

    def _store_summary(self, index: int, plan_index: int, summary: Any) -> None:
        from auditor.series import SummaryStore

        if self.store is None:
            self.store = SummaryStore(self.on_disk, self.state.fingerprints)
        self.store.add(index, plan_index, summary)


def run_batch(request: BatchRequest, stdin: Callable[[], bytes] | None = None) -> BatchOutcome:
    """Check every input; raises ConfigError / RulebookError for unusable configuration.

    Each file's result goes to a spill as it comes (``auditor/spill.py``) and its series summary to
    a store (``auditor/series.py``): the parent keeps no per-report state, and the returned
    outcome's ``results`` are read back, series findings merged, when they are rendered."""
    from auditor.render.machine import relative_path

    clear_caches()
    inputs = expand(request.paths, request.cli)
    state, plan_of_input = _prepare(inputs, request)
    stdin_data = stdin() if STDIN in inputs and stdin is not None else None
    items = list(zip(inputs, plan_of_input, strict=True))
    jobs = request.jobs or default_jobs()
    collector = _Collector(state, request, len(items))
    stream = _with_progress(_run_items(state, items, jobs, stdin_data), len(items),
                            request.progress and sys.stderr.isatty())
    for index, (item, (_, plan_index)) in enumerate(zip(stream, items, strict=True)):
        collector.take(index, plan_index, item)
    collector.finish()
    rulebook = _run_rulebook(state)
    project = resolve_settings(os.path.join(os.getcwd(), "-"), request.cli)
    outcome = BatchOutcome((), rulebook, project.fail_on, tally=collector.tally)
    if collector.store is not None:
        from auditor.series import StoredSeries, batch_pass

        pooled = jobs > 1 and len(items) >= POOL_THRESHOLD and not request.previous
        collector.tally.raise_to(batch_pass(collector.store, rulebook, state, request,
                                            _series_pool(state, jobs) if pooled else None))
        outcome.series = StoredSeries(collector.store)
    unused = _unused_results(state, collector.outcomes, rulebook)
    for result in unused:
        collector.tally.add(result)
    results = RunResults(collector.spill, collector.store, unused)
    outcome.results = _apply_baseline(results, request, outcome, lambda path: relative_path(path, request.root))
    return outcome


# ---------------------------------------------------------------------------- after the run
@record(eq=False, repr=False)
class FinishTexts:
    """Text the CLI adds after rendering: to the text output, to stderr, to the GitHub step summary."""

    to_output: str = ""
    to_stderr: str = ""
    step_summary: str = ""


def finish_texts(outcome: BatchOutcome, output_format: str, context: Any, with_statistics: bool,
                 baseline_path: str | None) -> FinishTexts:
    notes = list(outcome.messages)
    stale = ""
    if outcome.stale:
        from auditor import baseline as baseline_module

        stale = baseline_module.stale_note(outcome.stale, baseline_path or "")
    to_output = ""
    if stale and output_format == "text":
        to_output += stale + "\n"
    elif stale:
        notes.append(stale)
    if with_statistics:
        if output_format == "text":
            to_output += statistics(outcome.results)
        else:
            notes.append(statistics(outcome.results).rstrip("\n"))
    summary = ""
    if output_format == "github":
        from auditor.render.github import step_summary

        summary = step_summary(outcome.results, context)
    return FinishTexts(to_output, "".join(note + "\n" for note in notes), summary)


# ---------------------------------------------------------------------------- statistics
def statistics(results: Sequence[FileResult], rulebook: Rulebook | None = None) -> str:
    """Counts of findings by rule and by category, most frequent first (``--statistics``)."""
    diagnostics = [diagnostic for result in results for diagnostic in result.diagnostics]
    by_rule = Counter((diagnostic.rule, diagnostic.name, diagnostic.severity.label) for diagnostic in diagnostics)
    by_category = Counter(diagnostic.category for diagnostic in diagnostics)
    lines = ["按规则统计："]
    lines += [f"{count:>7}  {rule:<6} {name:<28} {level}"
              for (rule, name, level), count in sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))]
    lines.append("按类别统计：")
    lines += [f"{count:>7}  {category}"
              for category, count in sorted(by_category.items(), key=lambda item: (-item[1], item[0]))]
    lines.append(f"{len(diagnostics):>7}  合计（{len(results)} 个文件）")
    return "\n".join(lines) + "\n"


def repository_root(start: str | None = None) -> str:
    """The git work tree holding ``start`` (default: the current folder), else the folder itself;
    absolute, symlinks resolved (os.path: no pathlib import on every run)."""
    here = folder = os.path.realpath(start or os.getcwd())
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return here
        folder = parent
