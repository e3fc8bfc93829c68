"""SARIF (validated against the official schema), GitHub, JUnit, GitLab and JSON Lines output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import jsonschema

from tests.ci.conftest import FAULTY

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "reports" / "faulty.txt"
    target.parent.mkdir()
    shutil.copy(FAULTY, target)
    return target


def test_sarif_validates_and_points_into_the_repository(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _copy(tmp_path)
    result = run("check", "--format", "sarif", "reports")
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    sarif_run = log["runs"][0]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    rules = sarif_run["tool"]["driver"]["rules"]
    assert sarif_run["results"]
    for item in sarif_run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "reports/faulty.txt", "uriBaseId": "SRCROOT"}
        assert location["region"]["startLine"] >= 1
    assert all("helpUri" not in rule and rule["help"]["markdown"] for rule in rules)


def test_sarif_fingerprint_survives_inserted_lines(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = _copy(tmp_path)

    def prints() -> dict[str, int]:
        log = json.loads(run("check", "--format", "sarif", str(target)).stdout)
        return {item["partialFingerprints"]["gkAuditSpan/v1"]: item["locations"][0]["physicalLocation"]["region"]
                ["startLine"] for item in log["runs"][0]["results"]}

    before = prints()
    lines = target.read_text(encoding="utf-8").split("\n")
    target.write_text("\n".join([lines[0], "", "（本报告为修订稿。）", *lines[1:]]), encoding="utf-8")
    after = prints()
    moved = [key for key in before if key in after and after[key] == before[key] + 2]
    assert moved and len(moved) >= len(before) - 1, (before, after)


def test_github_commands_most_severe_first_and_summary(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _copy(tmp_path)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    lines = run("check", "--format", "github", "reports").stdout.splitlines()
    assert lines[0].startswith("::error file=reports/faulty.txt,line=")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert "title=GK" in lines[0] and "\n" not in lines[0]
    assert "| 级别 | 规则 | 位置 | 问题 |" in summary.read_text(encoding="utf-8")


def test_github_escaping() -> None:
    from auditor.render.github import escape_data, escape_property

    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("50%\r\n") == "50%25%0D%0A"


def test_junit_gitlab_jsonl_well_formed(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _copy(tmp_path)
    suites = ElementTree.fromstring(run("check", "--format", "junit", "reports").stdout.encode())
    suite = suites.find("testsuite")
    assert suite is not None and suite.get("name") == "reports/faulty.txt"
    assert int(suite.get("failures", "0")) >= 1 and len(suite.findall("testcase")) == int(suite.get("tests", "0"))
    issues = json.loads(run("check", "--format", "gitlab", "reports").stdout)
    assert issues and {"description", "check_name", "fingerprint", "severity", "location"} <= set(issues[0])
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert all(issue["severity"] in ("info", "minor", "major", "critical", "blocker") for issue in issues)
    records = [json.loads(line) for line in run("check", "--format", "jsonl", "reports").stdout.splitlines()]
    assert len(records) == len(issues) and all(record["path"] == "reports/faulty.txt" for record in records)
