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
