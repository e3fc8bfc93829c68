"""The command line as a careful user meets it: outputs never clobber inputs, symlinks and devices
are written through, files honour the umask, write failures are exit 2 in Chinese, unknown rule keys
are refused, internal errors have their own exit code, standard input can be named."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, main

FAULTY = Path(__file__).parent.parent / "examples" / "report-2021-faulty.txt"


def _run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_bytes(FAULTY.read_bytes())
    return path


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_an_output_naming_an_input_is_refused(report: Path, option: str) -> None:
    before = report.read_bytes()
    result = _run("check", option, str(report), str(report))
    assert result.exit_code == EXIT_USAGE and "是要检查的文件之一" in result.output
    assert report.read_bytes() == before
    inside = _run("check", option, str(report), str(report.parent))  # found by walking the folder
    assert inside.exit_code == EXIT_USAGE and report.read_bytes() == before


def test_a_symlink_is_written_through(report: Path, tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert _run("check", "-o", str(link), str(report)).exit_code == EXIT_FINDINGS
    assert link.is_symlink() and "GK801" in target.read_text(encoding="utf-8")


def test_a_device_is_written_into_not_replaced(report: Path) -> None:
    assert _run("check", "-o", os.devnull, str(report)).exit_code == EXIT_FINDINGS
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_files_honour_the_umask_and_keep_an_existing_mode(report: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        _run("check", "-o", str(fresh), str(report))
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("", encoding="utf-8")
        kept.chmod(0o640)
        _run("check", "-o", str(kept), str(report))
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(old)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_folder_is_exit_2_and_the_old_file_stays(report: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "out.txt").write_text("previous", encoding="utf-8")
    folder.chmod(0o555)
    try:
        result = _run("check", "-o", str(folder / "out.txt"), str(report))
        assert result.exit_code == EXIT_USAGE and "无法写入" in result.output
        assert (folder / "out.txt").read_text(encoding="utf-8") == "previous"
    finally:
        folder.chmod(0o755)


def test_an_impossible_output_path_is_exit_2_in_chinese(report: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = _run("check", "-o", str(blocker / "out.txt"), str(report))
    assert result.exit_code == EXIT_USAGE and "无法写入" in result.output and "Traceback" not in result.output
    baseline = _run("check", "--write-baseline", str(blocker / "b.json"), str(report))
    assert baseline.exit_code == EXIT_USAGE and "无法写入" in baseline.output


@pytest.mark.parametrize(("args", "hint"), [
    (("--select", "GK9999"), "GK9999"),
    (("--select", "placeholdr"), "是不是 “placeholder”"),
    (("--ignore", "gk201,GK20l"), "GK20l"),
])
def test_unknown_rule_keys_are_refused(report: Path, args: tuple[str, ...], hint: str) -> None:
    result = _run("check", *args, str(report))
    assert result.exit_code == EXIT_USAGE and hint in result.output


def test_unknown_rule_keys_in_a_config_are_located(report: Path, tmp_path: Path) -> None:
    (tmp_path / "gk-audit.yaml").write_text("ignore: [GK201]\nseverity:\n  GK8O1: warning\n", encoding="utf-8")
    result = _run("check", str(report))
    assert result.exit_code == EXIT_USAGE and "gk-audit.yaml:3:10" in result.output and "GK801" in result.output


def test_internal_errors_have_their_own_exit_code(report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import auditor.batch

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(auditor.batch, "run_batch", broken)
    result = _run("check", str(report))
    assert result.exit_code == EXIT_INTERNAL == 3 and "内部错误" in result.output


def test_stdin_filename_names_standard_input_and_picks_the_config(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "gk-audit.yaml").write_text("ignore: [GK201]\n", encoding="utf-8")
    result = _run("check", "-q", "--stdin-filename", str(folder / "x.txt"), "-", input=FAULTY.read_bytes())
    assert f"{folder / 'x.txt'}:69:11: 错误[GK801]" in result.output
    assert "GK201" not in result.output


def test_text_output_tokens_are_chinese(report: Path) -> None:
    output = _run("check", "--no-color", str(report)).output
    assert "错误[GK801]" in output and "警告[GK501]" in output
    assert "= 建议:" in output and "= 依据:" in output and "说明:" in output
    for english in ("error[", "warning[", "= help:", "= basis:", "= note:"):
        assert english not in output


def _cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def test_rules_fits_100_columns_and_has_json() -> None:
    listing = _run("rules")
    assert listing.exit_code == 0 and "GK801" in listing.output
    assert max(_cells(line) for line in listing.output.splitlines()) <= 100
    payload = json.loads(_run("rules", "--format", "json").output)
    ids = [rule["id"] for rule in payload["rules"]]
    assert "GK201" in ids and ids == sorted(ids)
    assert {"id", "name", "category", "severity", "eras", "title", "basis"} <= set(payload["rules"][0])


def test_help_documents_the_exit_codes() -> None:
    completed = subprocess.run([sys.executable, "-m", "auditor.cli", "--help"], capture_output=True, text=True,
                               check=False, cwd=Path(__file__).parent.parent)
    assert "退出码" in completed.stdout and "3 内部错误" in completed.stdout
