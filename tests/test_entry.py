"""The console script's quick front end (auditor/entry.py) against the click command line: same
output, messages and exit codes over a table of command lines, click left unimported only for the
command lines the front end reads itself."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from auditor import checkrun, cli, entry

EXAMPLES = Path(__file__).parent.parent / "examples"
PROBE = """
import json, os, sys
sys.argv[0] = "gk-audit"
from auditor.{module} import main
try:
    main()
finally:
    with open(os.environ["PROBE_OUT"], "w") as stream:
        json.dump("click" in sys.modules, stream)
"""

# (arguments, whether the front end reads them itself, standard input)
QUICK = [
    (["check", "faulty.txt"], None),
    (["check", "--format", "json", "faulty.txt"], None),
    (["check", "--format=json", "--fail-on", "never", "faulty.txt"], None),
    (["check", "-q", "--no-color", "faulty.txt", "clean.txt"], None),
    (["check", "faulty.txt", "--statistics", "--select", "GK7", "--select", "table,GK301", "--ignore", "GK705"], None),
    (["check", "--jobs", "1", "--year", "2021", "--profile", "2021", "--quiet", "faulty.txt"], None),
    (["check", "-j", "2", "--no-cache", "--format", "sarif", "faulty.txt", "clean.txt"], None),
    (["check", "--format", "text", "--format=github", "--fail-on=warning", "faulty.txt"], None),
    (["check", "--fail-on", "info", "clean.txt"], None),
    (["check", "missing.txt"], None),
    (["check", "--select", "GK9999", "faulty.txt"], None),
    (["check", "empty"], None),
    (["check", "--format", "jsonl", "-"], "faulty.txt"),
]
CLICK = [
    ([], None),
    (["check"], None),
    (["check", "--help"], None),
    (["--version"], None),
    (["check", "--formt", "json", "faulty.txt"], None),
    (["check", "--format", "JSON", "faulty.txt"], None),
    (["check", "faulty.txt", "--format"], None),
    (["check", "--jobs", "0", "faulty.txt"], None),
    (["check", "--jobs", "x", "faulty.txt"], None),
    (["check", "--year", "1800", "faulty.txt"], None),
    (["check", "--year", " 2021", "faulty.txt"], None),
    (["check", "--profile", "2020", "faulty.txt"], None),
    (["check", "-qj", "1", "faulty.txt"], None),
    (["check", "-j1", "faulty.txt"], None),
    (["check", "--quiet=yes", "faulty.txt"], None),
    (["check", "--select", "--quiet", "faulty.txt"], None),
    (["check", "--", "faulty.txt"], None),
    (["check", "-o", "out.json", "--format", "json", "faulty.txt"], None),
    (["check", "--config", "missing.toml", "faulty.txt"], None),
    (["explain", "GK201"], None),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports outside the repository (its pyproject.toml would be their config)."""
    folder = tmp_path_factory.mktemp("entry")
    shutil.copy(EXAMPLES / "report-2021-faulty.txt", folder / "faulty.txt")
    shutil.copy(EXAMPLES / "report-2021-clean.txt", folder / "clean.txt")
    (folder / "empty").mkdir()
    return folder


def _run(module: str, arguments: list[str], folder: Path, stdin: str | None, env: dict[str, str]) -> dict[str, Any]:
    marker = folder / f"imported-{module}.json"
    done = subprocess.run([sys.executable, "-c", PROBE.format(module=module), *arguments], cwd=folder,
                          input=(folder / stdin).read_bytes() if stdin else b"", capture_output=True,
                          env={**env, "PROBE_OUT": str(marker)}, check=False)
    (folder / "out.json").unlink(missing_ok=True)
    return {"code": done.returncode, "stdout": done.stdout.decode(), "stderr": done.stderr.decode(),
            "click": json.loads(marker.read_text())}


def _environment(folder: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("GK_AUDIT", "NO_COLOR"))}
    return {**env, "GK_AUDIT_CACHE_DIR": str(folder / "cache"), "GK_AUDIT_DOCS_URL": "https://example.org/rules"}


@pytest.mark.parametrize(("arguments", "stdin"), QUICK, ids=[" ".join(row[0]) for row in QUICK])
def test_the_front_end_runs_common_check_command_lines_as_click_does(folder: Path, arguments: list[str],
                                                                     stdin: str | None) -> None:
    env = _environment(folder)
    quick, reference = _run("entry", arguments, folder, stdin, env), _run("cli", arguments, folder, stdin, env)
    assert quick["click"] is False
    assert {**quick, "click": True} == reference
    assert reference["stdout"] or reference["stderr"]


@pytest.mark.parametrize(("arguments", "stdin"), CLICK, ids=[" ".join(row[0]) or "(none)" for row in CLICK])
def test_other_command_lines_go_to_click(folder: Path, arguments: list[str], stdin: str | None) -> None:
    env = _environment(folder)
    quick, reference = _run("entry", arguments, folder, stdin, env), _run("cli", arguments, folder, stdin, env)
    assert quick == reference and quick["click"] is True


def test_an_ascii_stream_or_shell_completion_goes_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    assert entry._quick_check_options(["check", "a.txt"]) is not None
    monkeypatch.setenv("_GK_AUDIT_COMPLETE", "bash_source")
    assert not entry._streams_are_plain()
    monkeypatch.delenv("_GK_AUDIT_COMPLETE")
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert not entry._streams_are_plain()


class _Stream(io.StringIO):
    """A text stream whose ``close`` is recorded, not done (a closed pipe closes stderr)."""

    closed_by_command = False

    def close(self) -> None:
        self.closed_by_command = True


def _ended(monkeypatch: pytest.MonkeyPatch, call: Any) -> tuple[Any, str, bool]:
    stderr = _Stream()
    monkeypatch.setattr(sys, "stderr", stderr)
    try:
        call()
        code: Any = None
    except SystemExit as ended:
        code = ended.code
    # the frames of a traceback are those of each command line; the rest must be the same
    shown = "".join(line for line in stderr.getvalue().splitlines(keepends=True) if not line.startswith("  "))
    return code, shown, stderr.closed_by_command


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("出错了"), BrokenPipeError(32, "Broken pipe"),
                                   EOFError()], ids=repr)
def test_a_failing_check_ends_as_under_click(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def failing(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr(checkrun, "run_check", failing)
    monkeypatch.setattr(cli, "run_check", failing)
    quick = _ended(monkeypatch, lambda: entry.main(["check", "a.txt"]))
    reference = _ended(monkeypatch, lambda: cli.main(["check", "a.txt"], prog_name="gk-audit"))
    assert quick == reference and quick[0] in (1, 2, 3)
    assert ("Traceback" in quick[1]) is not isinstance(error, (KeyboardInterrupt, BrokenPipeError))


@pytest.mark.parametrize("message", ["plain", "\033[1m粗体\033[0m 和 \033[31;1m红色\033[0m", ""])
@pytest.mark.parametrize("nl", [True, False])
def test_plain_echo_prints_as_click_echo(monkeypatch: pytest.MonkeyPatch, message: str, nl: bool) -> None:
    printed = []
    for echo in (entry.plain_echo, click.echo):
        stream = io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        echo(message, err=True, nl=nl)
        printed.append(stream.getvalue())
    assert printed[0] == printed[1]


def test_the_check_runs_with_fewer_garbage_collections_and_gives_them_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    seen = []
    monkeypatch.setattr(checkrun, "run_check", lambda *_, **__: seen.append(gc.get_threshold()))
    before = gc.get_threshold()
    with pytest.raises(SystemExit) as ended:
        entry.main(["check", "a.txt"])
    assert ended.value.code == 0 and seen == [(entry.GC_THRESHOLD, *before[1:])] and gc.get_threshold() == before
