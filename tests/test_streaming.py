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


def test_results_are_read_back_one_at_a_time(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auditor.batch, "IN_MEMORY", 2)
    outcome = run_batch(BatchRequest((str(corpus),), jobs=1))
    alive = []
    seen: list[str] = []
    for result in outcome.results:  # a sink that keeps nothing
        seen.append(result.path)
        alive.append(_live(PackedResult))
        del result
    assert len(seen) == 12 and max(alive) <= 2  # the one being rendered (and the iterator's next)


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
