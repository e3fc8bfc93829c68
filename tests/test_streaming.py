"""A batch run keeps no per-report state in the parent (issue 12): results spill to a temporary file
as they come and are read back one at a time when rendered; series summaries wait in a SQLite store.
Counted with the garbage collector (live result, report and summary objects), never timed."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from seriesgen import report_text, series_values

import auditor.batch
import auditor.series
import auditor.spill
from auditor.batch import BatchRequest, PackedResult, run_batch
from auditor.engine import FileResult
from auditor.render import RenderContext, render
from auditor.series import PackedSummary, ReportSummary
from auditor.structure import Report

YEARS = [2021, 2022, 2023]
AGENCIES = ("赣州市甲局", "赣州市乙局", "赣州市丙局", "赣州市丁局")


def _corpus(folder: Path) -> list[Path]:
    """Four agencies' series of three years; the last agency's 2023 report copies its 2022 narrative."""
    paths = []
    for number, agency in enumerate(AGENCIES):
        for year, values in zip(YEARS, series_values(YEARS, seed=number + 3), strict=True):
            copied = 2022 if number == 3 and year == 2023 else None
            path = folder / f"{number}-{year}.txt"
            path.write_text(report_text(values, year, agency=agency, copied_from=copied), encoding="utf-8")
            paths.append(path)
    return paths


def _live(kind: type) -> int:
    gc.collect()
    return sum(1 for item in gc.get_objects() if type(item) is kind)


def _json(results: object, outcome: auditor.batch.BatchOutcome) -> str:
    return render("json", results, RenderContext(rulebook=outcome.rulebook, extra=outcome.render_extra()))


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    _corpus(tmp_path)
    return tmp_path


def test_a_run_holds_no_result_or_summary_after_checking(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auditor.batch, "IN_MEMORY", 2)  # every result beyond the second goes to disk
    before = {kind: _live(kind) for kind in (PackedResult, Report, ReportSummary, PackedSummary)}
    outcome = run_batch(BatchRequest((str(corpus),), jobs=1))
    for kind, count in before.items():
        assert _live(kind) == count, kind.__name__
    assert len(outcome.results) == 12
    assert [entry["agency"] for entry in outcome.render_extra()["series"]] == sorted(AGENCIES)


@pytest.mark.parametrize("chunk", [1, 4])
def test_results_are_read_back_a_chunk_at_a_time(corpus: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(auditor.batch, "IN_MEMORY", 2)
    monkeypatch.setattr(auditor.spill, "CHUNK", chunk)
    outcome = run_batch(BatchRequest((str(corpus),), jobs=1))
    alive = []
    seen: list[str] = []
    for result in outcome.results:  # a sink that keeps nothing
        seen.append(result.path)
        alive.append(_live(PackedResult))
        del result
    # the one being rendered and the rest of its chunk (the iterator's next, with one per chunk)
    assert len(seen) == 12 and max(alive) <= max(chunk, 2)


def test_spilled_and_in_memory_runs_render_the_same(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = run_batch(BatchRequest((str(corpus),), jobs=1))
    monkeypatch.setattr(auditor.batch, "IN_MEMORY", 1)
    spilled = run_batch(BatchRequest((str(corpus),), jobs=1))
    assert isinstance(kept.results[0], FileResult)
    cross = [diagnostic.rule for result in spilled.results for diagnostic in result.diagnostics
             if diagnostic.rule.startswith("GK95")]
    assert cross  # the series pass found something to merge back into the spilled results
    assert _json(spilled.results, spilled) == _json(kept.results, kept)
    assert _json(spilled.results, spilled) == _json(spilled.results, spilled)  # read back as often as needed


@pytest.mark.parametrize("in_memory", [0, 3, 100])
def test_spill_keeps_order_of_items_and_pickled_chunks(in_memory: int) -> None:
    """Items appended one by one and chunks that come pickled read back in order, in memory or on disk."""
    import pickle

    from auditor.spill import Spill

    spill = Spill(in_memory, chunk=2)
    expected: list[int] = []
    for start in range(0, 30, 6):
        for number in range(start, start + 3):
            spill.append(number)
        spill.extend_pickled(pickle.dumps(list(range(start + 3, start + 6))), 3)
        expected += range(start, start + 6)
    spill.flush()
    assert len(spill) == 30 and list(spill) == expected and list(spill) == expected
    spill.close()


@pytest.mark.parametrize("in_memory", [0, 100])
def test_worker_shipments_go_to_the_spill_in_input_order(tmp_path: Path, in_memory: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's chunk is stored still pickled when its files come in order; when a file of another
    chunk comes between them (a retried file), they are stored one by one, in the order taken."""
    from auditor.batch import _Collector, _prepare, process_file, ship

    monkeypatch.setattr(auditor.batch, "IN_MEMORY", in_memory)
    paths = [str(path) for path in _corpus(tmp_path)[:7]]
    request = BatchRequest(tuple(paths), jobs=1)
    state, plans = _prepare(paths, request)
    results = [process_file(state, path, plan) for path, plan in zip(paths, plans, strict=True)]
    first, second = ship(results[0:3]).items(), ship(results[4:7]).items()
    order = [first[0], first[1], results[3], first[2], *second]  # file 3 arrives between file 1 and 2
    collector = _Collector(state, request, len(paths))
    for index, item in enumerate(order):
        collector.take(index, plans[index], item)
    collector.finish()
    assert [result.path for result in collector.spill] == [paths[index] for index in (0, 1, 3, 2, 4, 5, 6)]
    assert collector.tally.files == 7 and collector.store is not None


def test_compressed_and_plain_summaries_give_the_same_findings(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large run keeps its series summaries compressed, a small one does not: same findings."""
    import auditor.series

    plain = run_batch(BatchRequest((str(corpus),), jobs=1))
    monkeypatch.setattr(auditor.series, "COMPRESS_ABOVE", 1)
    compressed = run_batch(BatchRequest((str(corpus),), jobs=1))
    assert any(diagnostic.rule == "GK955" for result in plain.results for diagnostic in result.diagnostics)
    assert _json(compressed.results, compressed) == _json(plain.results, plain)


def test_temporary_files_have_no_name_while_a_run_uses_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The spill's file is removed from the temporary folder as soon as it is opened: a killed run
    (SIGKILL) leaves nothing behind. (The on-disk series store is SQLite's private temporary
    database, which SQLite removes the same way; here it is only checked to work.)"""
    import tempfile

    from auditor.series import SummaryStore
    from auditor.spill import Spill

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    spill = Spill(1, chunk=2)
    for number in range(7):
        spill.append({"n": number})
    store = SummaryStore(on_disk=True)
    store.add_series(auditor.series.SeriesInfo("甲局", ((2021, "a.txt"),), ()))
    assert list(folder.iterdir()) == []
    assert [item["n"] for item in spill] == list(range(7)) and store.series_count() == 1
    spill.close()
    store.close()


def _killed(jobs: list[object]) -> list[object]:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
    return []


@pytest.mark.parametrize("kill", [False, True])
def test_series_pass_in_worker_processes_finds_the_same(corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                                         kill: bool) -> None:
    """With --jobs 2 the agencies' pairs are compared by worker processes: the same findings, in the
    same order; if a worker dies, the parent compares the rest itself."""
    alone = run_batch(BatchRequest((str(corpus),), jobs=1))
    monkeypatch.setattr(auditor.batch, "POOL_THRESHOLD", 2)
    monkeypatch.setattr(auditor.series, "PAIRS_PER_BATCH", 1)  # one agency per batch: several batches
    if kill:
        monkeypatch.setattr(auditor.batch, "_series_work", _killed)
    pooled = run_batch(BatchRequest((str(corpus),), jobs=2))
    assert any(diagnostic.rule == "GK955" for result in alone.results for diagnostic in result.diagnostics)
    assert _json(pooled.results, pooled) == _json(alone.results, alone)


@pytest.mark.parametrize("keep", ["slim", "source", "report"])
def test_a_result_as_plain_values_is_the_same_result(tmp_path: Path, keep: str) -> None:
    """What goes to the spill or comes from a worker is pickled as plain values (``plain_result``):
    made again, a result renders the same, field by field, in every shape a run keeps (slim report
    with or without its source, the whole Report), labels into another file included."""
    import pickle

    from auditor.batch import _prepare, plain_result, process_file, result_from_plain
    from auditor.diagnostics import Diagnostic, Label, Severity
    from auditor.document import Position, Span

    paths = [str(path) for path in _corpus(tmp_path)[:4]]
    request = BatchRequest(tuple(paths), jobs=1, keep_source=keep != "slim", keep_report=keep == "report")
    state, plans = _prepare(paths, request)
    results: list[FileResult] = [process_file(state, path, plan)[0] for path, plan in zip(paths, plans, strict=True)]
    other = Label(Span(Position(3, 1), Position(3, 9), 40, 48), "去年", path="2022.txt", source_line="某行")
    made = Diagnostic("GK955", "copied", "consistency", Severity.INFO, "抄", Span(Position(1, 1), Position(1, 2), 0, 1),
                      labels=[other], notes=("注",), location={"paragraph": 1}, extra={"x": 1})
    results.append(FileResult("plain.txt", [made, auditor.batch.records.replace(made, span=None, labels=())]))
    results.append(PackedResult("unread.txt", [], None, "读不出", [], fingerprints=None))
    for result in results:
        again = result_from_plain(pickle.loads(pickle.dumps(plain_result(result))))
        assert type(again) is type(result)
        assert [diagnostic.to_json() for diagnostic in again.diagnostics] == \
            [diagnostic.to_json() for diagnostic in result.diagnostics]
        assert [[(label.path, label.source_line) for label in diagnostic.labels] for diagnostic in again.diagnostics] \
            == [[(label.path, label.source_line) for label in diagnostic.labels] for diagnostic in result.diagnostics]
        assert [type(diagnostic.labels) for diagnostic in again.diagnostics] == \
            [type(diagnostic.labels) for diagnostic in result.diagnostics]
        for name in ("path", "read_error", "notes", "internal_error", "fingerprints", "rules_run"):
            assert getattr(again, name, None) == getattr(result, name, None)
        context = RenderContext()
        assert render("json", [again], context) == render("json", [result], context)
        if keep != "report" and result.report is not None:
            assert again.report.document.source_text == result.report.document.source_text
        if keep == "report" and result.report is not None:
            assert type(again.report) is Report
