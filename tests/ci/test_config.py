"""Config discovery (nearest wins), per-path overrides, CLI over config, validation errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.ci.conftest import FAULTY


def _rules(output: str) -> set[str]:
    return {item["rule"] for file in json.loads(output)["files"] for item in file["diagnostics"]}


def _setup(tmp_path: Path) -> None:
    (tmp_path / "gk-audit.yaml").write_text("ignore: [GK301]\n", encoding="utf-8")
    for folder in ("2022", "2023"):
        (tmp_path / folder).mkdir()
        shutil.copy(FAULTY, tmp_path / folder / "report.txt")


def test_nearest_config_wins(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _setup(tmp_path)
    (tmp_path / "2023" / "pyproject.toml").write_text('[tool.gk-audit]\nignore = ["GK201"]\n', encoding="utf-8")
    assert "GK301" not in _rules(run("check", "--format", "json", "2022").stdout)
    rules_2023 = _rules(run("check", "--format", "json", "2023").stdout)
    assert "GK201" not in rules_2023 and "GK301" in rules_2023


def test_per_path_overrides_and_cli_over_config(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _setup(tmp_path)
    (tmp_path / "gk-audit.yaml").write_text(
        'ignore: [GK301]\nseverity: {GK201: info}\nfail-on: warning\nper-path:\n  "2023/**": {ignore: [GK501]}\n',
        encoding="utf-8")
    assert "GK501" in _rules(run("check", "--format", "json", "2022").stdout)
    assert "GK501" not in _rules(run("check", "--format", "json", "2023").stdout)
    data = json.loads(run("check", "--format", "json", "2022").stdout)
    assert {item["severity"] for item in data["files"][0]["diagnostics"] if item["rule"] == "GK201"} == {"info"}
    assert run("check", "-q", "--select", "GK201", "2022").exit_code == 0  # GK201 is info, fail-on warning
    assert run("check", "-q", "--select", "GK201", "--fail-on", "info", "2022").exit_code == 1
    assert "GK301" in _rules(run("check", "--format", "json", "--ignore", "GK402", "2022").stdout)
    shown = run("config", "2023/report.txt").stdout
    assert '"GK301", "GK501"' in shown and 'per-path "2023/**"' in shown


def test_exclude_and_bad_config(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _setup(tmp_path)
    (tmp_path / "gk-audit.yaml").write_text("exclude: ['2023/**']\n", encoding="utf-8")
    paths = [file["path"] for file in json.loads(run("check", "--format", "json", ".").stdout)["files"]]
    assert paths == ["2022/report.txt"]
    assert run("check", "--format", "json", "--exclude", "2022", ".").exit_code == 2  # nothing left to check
    (tmp_path / "gk-audit.yaml").write_text("severity: {GK201: fatal}\n", encoding="utf-8")
    result = run("check", ".")
    assert result.exit_code == 2 and "gk-audit.yaml" in result.stderr and "severity.GK201" in result.stderr


def test_resolved_is_path_resolve(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The per-run cached resolution answers what ``Path.resolve`` does: links (of the file or of a
    folder), missing files, ``..``, trailing slashes, relative paths."""
    from auditor.config import _governing_folder, clear_caches, resolved

    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "sub" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "target.txt").write_text("x", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "sub" / "link.txt").symlink_to(tmp_path / "elsewhere" / "target.txt")
    monkeypatch.chdir(tmp_path)
    clear_caches()
    cases = ["real/sub/a.txt", "linked/sub/a.txt", "real/sub/link.txt", "linked/sub/link.txt", "real/sub/missing.txt",
             "real/sub/..", "real/sub/", "./real//sub/a.txt", str(tmp_path / "linked" / "sub"), "a.txt", "linked"]
    for case in cases:
        assert resolved(case) == str(Path(case).resolve()), case
        target = Path(case).resolve()
        assert _governing_folder(case) == str(target if target.is_dir() else target.parent), case
    assert _governing_folder("real/sub/link.txt") == str((tmp_path / "elsewhere").resolve())
