"""Speed work keeps the findings byte-identical: ``gk-audit check --format json`` on a fixed corpus.

The corpus is 40 generated reports (benchmarks/corpus.py, seed 2024, 15 KB each), the seed reports
(tests/fixtures/seeds), the examples (examples/) and the text fixtures of every rule
(tests/fixtures/rules/*/*.txt|md), copied into one folder and checked with ``--jobs 1 --no-cache``;
the JSON output must equal tests/fixtures/golden/findings.json byte for byte.

When a rule legitimately changes what it reports (a new rule, a reworded message, a fixed false
positive), regenerate the expected output deliberately and review its diff before committing it:

    GK_AUDIT_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py -q
    git diff tests/fixtures/golden/findings.json
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "fixtures" / "golden" / "findings.json"
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402


def _assemble(folder: Path) -> None:
    write_corpus(folder / "corpus", count=40, seed=2024, size=15_000)
    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", folder / "seeds",
                    ignore=shutil.ignore_patterns("*.yaml"))
    shutil.copytree(ROOT / "examples", folder / "examples", ignore=shutil.ignore_patterns("*.py"))
    for fixture in sorted((ROOT / "tests" / "fixtures" / "rules").glob("*/*")):
        if fixture.suffix in (".txt", ".md"):
            target = folder / "rules" / fixture.parent.name / fixture.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fixture, target)


def test_findings_match_the_stored_golden_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _assemble(tmp_path / "golden")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "--jobs", "1", "--no-cache",
                                       "--fail-on", "never", "golden"])
    assert result.exit_code == 0, result.output
    if os.environ.get("GK_AUDIT_REGENERATE_GOLDEN"):
        EXPECTED.write_text(result.output, encoding="utf-8")
    expected = EXPECTED.read_text(encoding="utf-8")
    assert result.output.count('"path": ') == expected.count('"path": ')
    assert result.output == expected
