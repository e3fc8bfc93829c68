"""Each file isolated (issue 11): an exception, a dead worker or a slow file on one file becomes
a finding for that file (GK004 internal error, exit 3; GK005 too slow) and the batch goes on."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor import batch, engine
from auditor.batch import BatchRequest, run_batch
from auditor.cli import EXIT_INTERNAL, main
from auditor.diagnostics import Diagnostic, Severity
from auditor.document import Position, Span
from auditor.engine import FileResult, check_path
from auditor.readers import limits
from auditor.render import RENDERERS, RenderContext, render_chunks
from auditor.rulebook import Rulebook

REPORT = "某区2023年政府信息公开工作年度报告\n一、总体情况\n本年度我区XX年共收到申请3件。\n"


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GK_AUDIT_CACHE_DIR", "")
    monkeypatch.setenv(limits.SIZE_VARIABLE, "")  # empty: the default; setenv puts the old value back after
    monkeypatch.setenv(limits.TIME_VARIABLE, "")


def _files(folder: Path, count: int, bad: str = "") -> list[str]:
    paths = []
    for number in range(count):
        path = folder / (f"{bad}{number}.txt" if bad and number == 3 else f"report{number:02}.txt")
        path.write_text(REPORT, encoding="utf-8")
        paths.append(str(path))
    return paths


def _rules(result: FileResult) -> list[str]:
    return [diagnostic.rule for diagnostic in result.diagnostics]


def test_an_exception_in_a_check_is_an_internal_error_finding(monkeypatch: pytest.MonkeyPatch,
                                                             rulebook: Rulebook, tmp_path: Path) -> None:
    def explode(*_: object) -> None:
        raise MemoryError("boom")

    monkeypatch.setattr(engine, "analyse", explode)
    path = _files(tmp_path, 1)[0]
    result = check_path(path, rulebook)
    assert _rules(result) == ["GK004"]
    assert result.internal_error and "MemoryError" in result.internal_error and "boom" in result.internal_error
    assert path in result.diagnostics[0].message or "MemoryError" in result.diagnostics[0].message


def test_the_batch_goes_on_and_exits_3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = engine.check_document

    def fragile(document, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "bad" in Path(document.path).name:
            raise RecursionError("maximum recursion depth exceeded")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(engine, "check_document", fragile)
    paths = _files(tmp_path, 5, bad="bad")
    outcome = run_batch(BatchRequest(tuple(paths), jobs=1))
    assert [_rules(result) == ["GK004"] for result in outcome.results] == [False, False, False, True, False]
    assert all("GK201" in _rules(result) for index, result in enumerate(outcome.results) if index != 3)
    run = CliRunner().invoke(main, ["check", "--no-cache", *paths])
    assert run.exit_code == EXIT_INTERNAL, run.output
    assert "GK004" in run.output and "RecursionError" in run.output and "5 个文件" in run.output


def test_time_budget_stops_a_slow_file(monkeypatch: pytest.MonkeyPatch, rulebook: Rulebook, tmp_path: Path) -> None:
    real = engine.check_document

    def slow(document, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(document.path).name == "slow.txt":
            while True:
                time.sleep(0.01)
        return real(document, *args, **kwargs)

    monkeypatch.setattr(engine, "check_document", slow)
    monkeypatch.setenv(limits.TIME_VARIABLE, "0.3")
    slow_path, fast_path = tmp_path / "slow.txt", tmp_path / "fast.txt"
    for path in (slow_path, fast_path):
        path.write_text(REPORT, encoding="utf-8")
    started = time.monotonic()
    result = check_path(str(slow_path), rulebook)
    assert time.monotonic() - started < 5
    assert _rules(result) == ["GK005"] and "0.3 秒" in result.diagnostics[0].message
    monkeypatch.setenv(limits.TIME_VARIABLE, "60")
    assert "GK201" in _rules(check_path(str(fast_path), rulebook))
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # the alarm is cleared after each file


def test_time_budget_outside_the_main_thread_sets_no_alarm() -> None:
    """Only the main thread may set a signal handler: elsewhere the block runs without a limit."""
    import threading

    outcome: list[str] = []

    def work() -> None:
        with engine.time_budget(0.05):
            time.sleep(0.2)
            outcome.append("finished")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert outcome == ["finished"]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_time_budget_option(tmp_path: Path) -> None:
    path = _files(tmp_path, 1)[0]
    run = CliRunner().invoke(main, ["check", "--no-cache", "--time-budget", "0", "--max-file-size", "1", path])
    assert run.exit_code == 1 and "GK201" in run.output


def _killer(real):  # type: ignore[no-untyped-def]
    def process_file(state, path, plan_index, data=None):  # type: ignore[no-untyped-def]
        if "kill" in Path(path).name:
            marker = Path(path + ".died")
            if "always" in Path(path).name or not marker.exists():
                marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        return real(state, path, plan_index, data)

    return process_file


@pytest.mark.parametrize("name", ["kill-always", "kill-once"])
def test_a_killed_worker_is_replaced(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
    monkeypatch.setattr(batch, "process_file", _killer(batch.process_file))
    paths = _files(tmp_path, 40, bad=name)
    outcome = run_batch(BatchRequest(tuple(paths), jobs=2))
    assert [result.path for result in outcome.results] == paths  # every file, in input order
    for index, result in enumerate(outcome.results):
        if index == 3 and name == "kill-always":
            assert _rules(result) == ["GK004"] and "两次意外退出" in result.diagnostics[0].message
        else:
            assert "GK201" in _rules(result), (index, _rules(result))


def _row_finding() -> FileResult:
    span = Span(Position(1, 1), Position(1, 3), 0, 2)
    diagnostic = Diagnostic(rule="GK201", name="placeholder-left", category="placeholder", severity=Severity.ERROR,
                            message="模板占位符\x1b]0;pwned\x07", span=span,
                            location={"format": "docx", "table": 1, "row": 2})
    return FileResult("report\udcff\x1b[2J.docx", [diagnostic])


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
def test_renderers_take_a_row_without_column_and_a_non_utf8_name(format_name: str, rulebook: Rulebook) -> None:
    output = "".join(render_chunks(format_name, [_row_finding()], RenderContext(rulebook=rulebook)))
    output.encode("utf-8")  # writable to a UTF-8 stream
    if format_name in ("text", "github"):
        assert "\x1b" not in output and "\x07" not in output
        assert "\\x1b" in output and "\\xff" in output
    if format_name == "text":
        assert "表1 第2行" in output


def test_a_renderer_failure_is_one_files_internal_error(monkeypatch: pytest.MonkeyPatch, rulebook: Rulebook) -> None:
    from auditor.render import text

    real = text.render_diagnostic

    def fragile(diagnostic, path, *args):  # type: ignore[no-untyped-def]
        if "bad" in path and diagnostic.rule == "GK201":
            raise KeyError("column")
        return real(diagnostic, path, *args)

    monkeypatch.setattr(text, "render_diagnostic", fragile)
    good, bad = FileResult("good.txt", _row_finding().diagnostics), FileResult("bad.txt", _row_finding().diagnostics)
    output = "".join(render_chunks("text", [good, bad], RenderContext(rulebook=rulebook)))
    assert "good.txt:1:1" in output and "GK004" in output and "KeyError" in output


def test_gitlab_output_with_a_non_utf8_file_name(tmp_path: Path) -> None:
    name = os.fsdecode(b"report-\xff\xfe.txt")
    try:
        (tmp_path / name).write_text(REPORT, encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses non-UTF-8 names")
    run = CliRunner().invoke(main, ["check", "--no-cache", "--format", "gitlab", str(tmp_path / name)])
    assert run.exit_code == 1, run.output
    assert "report-\\\\xff\\\\xfe.txt" in run.output  # JSON-escaped backslash


def test_terminal_escapes_in_a_report_are_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT.replace("XX年", "XX年\x1b[31m\x1b]0;title\x07"), encoding="utf-8")
    run = CliRunner().invoke(main, ["check", "--no-cache", "--no-color", str(path)])
    assert "GK201" in run.output
    assert "\x1b" not in run.output and "\x07" not in run.output
    assert "␛" in run.output  # the code frame keeps one column per character
