"""Baseline round trip; suppressions (reason required, inline comments, unused ones reported)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.ci.conftest import CLEAN, FAULTY


def test_baseline_round_trip(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(FAULTY, tmp_path / "a.txt")
    shutil.copy(CLEAN, tmp_path / "b.txt")
    assert run("check", "-q", ".").exit_code == 1
    assert run("check", "-q", "--write-baseline", "baseline.json", ".").exit_code == 0
    assert run("check", "-q", "--baseline", "baseline.json", ".").exit_code == 0
    report = tmp_path / "b.txt"
    lines = report.read_text(encoding="utf-8").split("\n")
    report.write_text("\n".join([lines[0], "说明：本报告XX年数据为初步统计。", *lines[1:]]), encoding="utf-8")
    result = run("check", "--format", "json", "--baseline", "baseline.json", ".")
    assert result.exit_code == 1
    files = json.loads(result.stdout)["files"]
    found = [(file["path"], item["rule"]) for file in files for item in file["diagnostics"]]
    assert found == [("b.txt", "GK201")]
    faulty = tmp_path / "a.txt"
    faulty.write_text(faulty.read_text(encoding="utf-8").replace("【打印本页】 【关闭窗口】", ""), encoding="utf-8")
    report.write_text("\n".join(lines), encoding="utf-8")
    stale = json.loads(run("check", "--format", "json", "--baseline", "baseline.json", ".").stdout)["baseline"]
    assert [entry["rule"] for entry in stale["stale"]] == ["GK301"]
    assert run("check", "-q", "--baseline", "baseline.json", "--baseline-prune", ".").exit_code == 0
    entries = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["entries"]
    assert "GK301" not in {entry["rule"] for entry in entries} and entries


def test_suppressions_file_needs_a_reason(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(FAULTY, tmp_path / "a.txt")
    (tmp_path / "gk-audit-suppressions.yaml").write_text(
        "suppressions:\n  - {path: '*.txt', rule: GK201, text: XX}\n", encoding="utf-8")
    result = run("check", "-q", ".")
    assert result.exit_code == 2 and "reason" in result.stderr


def test_suppressions_file_suppresses_and_reports_unused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(FAULTY, tmp_path / "a.txt")
    (tmp_path / "gk-audit-suppressions.yaml").write_text(
        "suppressions:\n"
        "  - {path: '*.txt', rule: GK201, text: XX, reason: 引用模板原文}\n"
        "  - {path: '*.txt', rule: placeholder-left, text: 不存在的文字, reason: 过期}\n", encoding="utf-8")
    data = json.loads(run("check", "--format", "json", ".").stdout)
    found = {(file["path"], item["rule"]) for file in data["files"] for item in file["diagnostics"]}
    assert ("a.txt", "GK201") not in found
    assert ("gk-audit-suppressions.yaml", "GK010") in found


def test_inline_comment_suppresses_next_block(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = FAULTY.read_text(encoding="utf-8").split("\n")
    line = next(index for index, value in enumerate(text) if "XX" in value)
    text[line:line] = ["", "<!-- gk-audit: ignore GK201 原因：引用模板原文 -->"]
    (tmp_path / "a.md").write_text("\n".join(text), encoding="utf-8")
    rules = [item["rule"] for item in json.loads(run("check", "--format", "json", "a.md").stdout)["files"][0]
             ["diagnostics"]]
    assert "GK201" not in rules and "GK010" not in rules
