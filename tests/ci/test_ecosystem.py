""".pre-commit-hooks.yaml and docs/ci.md: well-formed YAML calling gk-audit commands and options that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import yaml

from auditor.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _check_command_line(line: str) -> None:
    words = shlex.split(line)
    assert words[0] == "gk-audit", line
    command = main.commands[words[1]]
    assert isinstance(command, click.Command)
    known = {name for parameter in command.params for name in getattr(parameter, "opts", [])}
    used = [word.split("=")[0] for word in words[2:] if word.startswith("-") and word != "-"]
    assert set(used) <= known, f"unknown options {set(used) - known} in {line!r}"
    context = command.make_context(words[1], words[2:], resilient_parsing=False)
    assert context.params


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(item for item in hooks if item["id"] == "gk-audit")
    _check_command_line(hook["entry"] + " report.txt")
    pattern = re.compile(hook["files"])
    assert all(pattern.search(name) for name in ("a.txt", "b.md", "c.html", "d.docx"))
    assert not pattern.search("e.py")


def _yaml_blocks(text: str) -> list[object]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)]


def _run_lines(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [value for key, value in node.items() if key in ("run", "script")]
        lines = [line for value in found for line in ([value] if isinstance(value, str) else value)]
        return lines + [line for value in node.values() for line in _run_lines(value)]
    if isinstance(node, list):
        return [line for item in node for line in _run_lines(item)]
    return []


def test_ci_docs_call_real_options() -> None:
    blocks = _yaml_blocks((ROOT / "docs" / "ci.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 3
    lines = [line for block in blocks for line in _run_lines(block) if line.startswith("gk-audit")]
    assert len(lines) >= 4
    for line in lines:
        _check_command_line(line)
    workflow = blocks[0]
    assert isinstance(workflow, dict)
    steps = workflow["jobs"]["audit"]["steps"]
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)
    gitlab = blocks[1]
    assert isinstance(gitlab, dict) and gitlab["gk-audit"]["artifacts"]["reports"]["codequality"]
