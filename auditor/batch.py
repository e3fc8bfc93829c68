"""Batch runs: expand inputs, resolve each file's settings, check files (in parallel above a
threshold), apply severity overrides, suppressions and the baseline; results in input order.

Workers return *packed* results: the diagnostics, their fingerprints, the rules that ran and a slim
report (path, era, year, detection notes, and the source text only when the output format shows
code frames), never the heavy Report with its structure, so a 10,000-file run stays small and
pickling stays cheap. A single file, or ``--jobs 1``, runs in-process through the same pipeline,
so the output is byte-identical whatever ``--jobs``.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor import baseline as baseline_module
from auditor.config import CliOverrides, Settings, clear_caches, is_excluded, resolve_settings, suppressions_for
from auditor.diagnostics import Diagnostic, Severity
from auditor.engine import FileResult, Options, Selection, check_path
from auditor.fingerprint import fingerprints
from auditor.paths import STDIN, expand_inputs
from auditor.rulebook import Rule, Rulebook, load_rulebook
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

POOL_THRESHOLD = 16  # fewer files than this are checked in-process: a pool costs more than it saves
PROGRESS_THRESHOLD = 200
FORMATS_WITHOUT_SOURCE = frozenset({"json", "jsonl", "sarif", "github", "gitlab", "junit"})


# ---------------------------------------------------------------------------- packed results
@dataclass(frozen=True)
class SlimDocument:
    """What renderers read of a Document: path, format, encoding and (optionally) the source text."""

    path: str
    source_format: str
    encoding: str
    source_text: str | None = None

    def source_lines(self) -> list[str]:
        return self.source_text.split("\n") if self.source_text is not None else []


@dataclass(frozen=True)
class SlimReport:
    """What renderers read of a Report: detection results, no structure."""

    document: SlimDocument
    title: TitleLine | None
    report_year: int | None
    year_source: str
    era: str
    era_source: str


@dataclass
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


def _unshared(report: Report | None) -> Report | None:
    """The full report without its cache (which holds the rulebook), cheap to pickle."""
    return dataclasses.replace(report, cache={}) if report is not None else None


# ---------------------------------------------------------------------------- plans
@dataclass(frozen=True)
class Plan:
    """How to check the files that share one set of effective settings."""

    rulebooks: tuple[str, ...]
    options: Options
    severity: tuple[tuple[str, str], ...]
    suppressions: str | None


@dataclass(frozen=True)
class WorkerState:
    rulebooks: dict[tuple[str, ...], Rulebook]
    plans: tuple[Plan, ...]
    suppressions: dict[str, SuppressionFile]
    keep_source: bool
    keep_report: bool = False  # the whole Report (structure included), for renderers that draw the report
    series: bool = False  # keep a per-report summary for the series pass (auditor/series.py)


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
        changed.append(diagnostic if level is None else dataclasses.replace(diagnostic, severity=level))
    return changed


def _rules_run(rulebook: Rulebook, plan: Plan, result: FileResult) -> tuple[str, ...]:
    if result.report is None:
        return tuple(rule.id for rule in rulebook.by_kind("read_error"))
    era, year = result.report.era, result.report.report_year
    return tuple(rule.id for rule in rulebook.rules
                 if rule.kind != "read_error" and rule.applies(era, year) and plan.options.selection.wants(rule))


def process_file(state: WorkerState, path: str, plan_index: int, data: bytes | None = None
                 ) -> tuple[PackedResult, FileOutcome]:
    """Check one file and pack its result (the whole per-file pipeline, in a worker or in-process)."""
    plan = state.plans[plan_index]
    rulebook = state.rulebooks[plan.rulebooks]
    result = check_path("<stdin>.txt" if path == STDIN else path, rulebook, plan.options, data=data)
    diagnostics = _override_severity(result.diagnostics, plan.severity)
    source_lines = result.report.document.source_lines() if result.report is not None else []
    prints = fingerprints(source_lines, diagnostics)
    suppressions = state.suppressions.get(plan.suppressions) if plan.suppressions else None
    keep, outcome = apply_file(suppressions, result.path, diagnostics, prints, source_lines)
    report = _unshared(result.report) if state.keep_report else _slim(result, state.keep_source)
    packed = PackedResult(result.path, [diagnostics[index] for index in keep], report,  # type: ignore[arg-type]
                          result.read_error, list(result.notes), [prints[index] for index in keep],
                          _rules_run(rulebook, plan, result))
    if state.series:
        from auditor.series import summary_of_result

        packed.summary = summary_of_result(result, rulebook)
    return packed, outcome


def _work(item: tuple[str, int]) -> tuple[PackedResult, FileOutcome]:
    return process_file(_STATE[0], *item)


# ---------------------------------------------------------------------------- inputs
def expand(paths: Sequence[str], cli: CliOverrides) -> list[str]:
    """Files as given; folders recursed, minus files excluded by ``--exclude`` or the config."""
    found: list[str] = []
    for path in paths:
        if path != STDIN and Path(path).is_dir():
            found += [file for file in expand_inputs([path]) if not is_excluded(file, cli)]
        else:
            found.append(path)
    return found


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# ---------------------------------------------------------------------------- the run
@dataclass(frozen=True)
class BatchRequest:
    paths: tuple[str, ...]
    cli: CliOverrides = field(default_factory=CliOverrides)
    jobs: int | None = None
    keep_source: bool = True
    keep_report: bool = False
    baseline: str | None = None
    write_baseline: str | None = None
    prune_baseline: bool = False
    progress: bool = False
    root: Path = field(default_factory=Path.cwd)
    previous: tuple[str, ...] = ()  # --previous: last year's report(s) to compare every input with


@dataclass
class BatchOutcome:
    results: list[FileResult]
    rulebook: Rulebook
    fail_on: str
    stale: list[baseline_module.StaleEntry] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    baseline_used: bool = False
    series: tuple[Any, ...] = ()  # auditor.series.SeriesInfo of the series found in the run

    @property
    def all_unreadable(self) -> bool:
        return bool(self.results) and all(result.read_error is not None for result in self.results)

    def render_extra(self) -> dict[str, Any]:
        """What machine renderers may add: the stale baseline entries (JSON ``baseline.stale``)."""
        extra: dict[str, Any] = {"baseline": {"stale": [entry.to_json() for entry in self.stale]}} \
            if self.baseline_used else {}
        if self.series:
            extra["series"] = [info.to_json() for info in self.series]
        return extra


def _suppressions_path(path: str, cli: CliOverrides) -> str | None:
    found = suppressions_for(path, cli)
    return str(found) if found is not None else None


def _prepare(inputs: Sequence[str], request: BatchRequest) -> tuple[WorkerState, list[int]]:
    plans: dict[Plan, int] = {}
    plan_of_input: list[int] = []
    for path in inputs:
        plan = _plan_for(resolve_settings(path, request.cli), _suppressions_path(path, request.cli))
        plan_of_input.append(plans.setdefault(plan, len(plans)))
    rulebooks = {plan.rulebooks: load_rulebook(plan.rulebooks) for plan in plans}
    suppressions = {plan.suppressions: load_suppressions(Path(plan.suppressions))
                    for plan in plans if plan.suppressions}
    if not rulebooks:
        rulebooks[request.cli.rulebooks] = load_rulebook(request.cli.rulebooks)
    from auditor.series import wants_series

    series = wants_series(rulebooks.values(), len(inputs), request.previous)
    return (WorkerState(rulebooks, tuple(plans), suppressions, request.keep_source, request.keep_report, series),
            plan_of_input)


def _run_items(state: WorkerState, items: list[tuple[str, int]], jobs: int, stdin: bytes | None
               ) -> Iterator[tuple[PackedResult, FileOutcome]]:
    pooled = [item for item in items if item[0] != STDIN]
    if jobs <= 1 or len(pooled) < POOL_THRESHOLD or len(pooled) != len(items):
        for path, plan_index in items:
            yield process_file(state, path, plan_index, stdin if path == STDIN else None)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(64, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(state,)) as pool:
        yield from pool.map(_work, items, chunksize=chunk)


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


def _unused_results(state: WorkerState, outcomes: dict[str, list[FileOutcome]],
                    rulebook: Rulebook) -> list[FileResult]:
    extra: list[FileResult] = []
    for path, file in state.suppressions.items():
        found = unused_entries(file, outcomes.get(path, []), _unused_rule(rulebook))
        if found:
            extra.append(PackedResult(os.path.relpath(file.path), found, fingerprints=None))
    return extra


def _apply_baseline(results: list[FileResult], request: BatchRequest, outcome: BatchOutcome,
                    relative: Callable[[str], str]) -> list[FileResult]:
    from auditor.fingerprint import result_fingerprints

    keyed = [(result, baseline_module.keys_of(relative(result.path), (d.rule for d in result.diagnostics),
                                              result_fingerprints(result))) for result in results]
    if request.write_baseline:
        counts: Counter[baseline_module.Key] = Counter(key for _, keys in keyed for key in keys)
        from auditor.paths import write_atomic

        write_atomic(request.write_baseline, baseline_module.dump(counts))
        outcome.messages.append(f"gk-audit: 已把 {sum(counts.values())} 个问题写入基线 {request.write_baseline}")
    source = request.write_baseline or request.baseline
    if source is None:
        return results
    keeper = baseline_module.BaselineFilter(baseline_module.load(source))
    outcome.baseline_used = True
    filtered: list[FileResult] = []
    for result, keys in keyed:
        keeper.mark_checked(relative(result.path))
        fresh = keeper.new_findings(keys)
        prints = result_fingerprints(result)
        filtered.append(dataclasses.replace(result, diagnostics=[result.diagnostics[i] for i in fresh],
                                            **({"fingerprints": [prints[i] for i in fresh]}
                                               if isinstance(result, PackedResult) else {})))
    outcome.stale = keeper.stale()
    if request.prune_baseline and request.baseline:
        from auditor.paths import write_atomic

        write_atomic(request.baseline, baseline_module.dump(keeper.pruned()))
        outcome.messages.append(f"gk-audit: 已从基线 {request.baseline} 删去 "
                                f"{sum(entry.unmatched for entry in outcome.stale)} 条过期记录")
        outcome.stale = []
    return filtered


def run_batch(request: BatchRequest, stdin: Callable[[], bytes] | None = None) -> BatchOutcome:
    """Check every input; raises ConfigError / RulebookError for unusable configuration."""
    from auditor.render.machine import relative_path

    clear_caches()
    inputs = expand(request.paths, request.cli)
    state, plan_of_input = _prepare(inputs, request)
    stdin_data = stdin() if STDIN in inputs and stdin is not None else None
    items = list(zip(inputs, plan_of_input, strict=True))
    jobs = request.jobs or default_jobs()
    results: list[FileResult] = []
    outcomes: dict[str, list[FileOutcome]] = {}
    stream = _with_progress(_run_items(state, items, jobs, stdin_data), len(items),
                            request.progress and sys.stderr.isatty())
    for (packed, file_outcome), (_, plan_index) in zip(stream, items, strict=True):
        results.append(packed)
        suppressions = state.plans[plan_index].suppressions
        if suppressions:
            outcomes.setdefault(suppressions, []).append(file_outcome)
    rulebook = state.rulebooks[state.plans[0].rulebooks] if state.plans else next(iter(state.rulebooks.values()))
    project = resolve_settings(str(Path.cwd() / "-"), request.cli)
    outcome = BatchOutcome(results, rulebook, project.fail_on)
    if state.series:
        from auditor.series import batch_pass

        outcome.series = batch_pass(results, rulebook, state, items, request)
    results += _unused_results(state, outcomes, rulebook)
    outcome.results = _apply_baseline(results, request, outcome, lambda path: relative_path(path, request.root))
    return outcome


# ---------------------------------------------------------------------------- after the run
@dataclass(frozen=True)
class FinishTexts:
    """Text the CLI adds after rendering: to the text output, to stderr, to the GitHub step summary."""

    to_output: str = ""
    to_stderr: str = ""
    step_summary: str = ""


def finish_texts(outcome: BatchOutcome, output_format: str, context: Any, with_statistics: bool,
                 baseline_path: str | None) -> FinishTexts:
    notes = list(outcome.messages)
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


def repository_root(start: Path | None = None) -> Path:
    """The git work tree holding ``start`` (default: the current folder), else the folder itself."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here
