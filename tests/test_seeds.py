"""The seed reports end to end against expected.yaml (a copy lives in tests/fixtures/seeds).

Every `must` whose category is not yet covered by a later issue is found on its line, and no
`must_not` is broken: the same comparison as ../shared/tools/check_seeds.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.diagnostics import Diagnostic, Severity
from auditor.engine import check_path
from auditor.rulebook import Rulebook

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
EXPECTED = yaml.safe_load((SEEDS / "expected.yaml").read_text(encoding="utf-8"))
RANK = {"info": Severity.INFO, "warning": Severity.WARNING, "error": Severity.ERROR}
MUSTS = [
    pytest.param(name, index, want, id=f"{name}-must{index}")
    for name, entry in EXPECTED.items() for index, want in enumerate(entry.get("must", []))
]
MUST_NOTS = [(name, ban) for name, entry in EXPECTED.items() for ban in entry.get("must_not", [])]


def _lines(diagnostic: Diagnostic) -> tuple[int, int]:
    if diagnostic.span is None:
        return 0, 0
    return diagnostic.span.start.line, diagnostic.span.end.line


def _matches(diagnostic: Diagnostic, want: dict) -> bool:
    if diagnostic.category != want["category"] or diagnostic.severity < RANK[want.get("severity", "info")]:
        return False
    if want.get("mentions") and want["mentions"] not in diagnostic.message:
        return False
    if want.get("line") is not None:
        start, end = _lines(diagnostic)
        return start <= want["line"] <= max(start, end)
    return True


@pytest.fixture(scope="module")
def seed_results(rulebook: Rulebook) -> dict[str, list[Diagnostic]]:
    return {name: check_path(str(SEEDS / name), rulebook).diagnostics for name in EXPECTED}


@pytest.mark.parametrize(("name", "index", "want"), MUSTS)
def test_seed_must(name: str, index: int, want: dict, seed_results: dict[str, list[Diagnostic]]) -> None:
    assert any(_matches(diagnostic, want) for diagnostic in seed_results[name]), want["what"]


@pytest.mark.parametrize(("name", "ban"), MUST_NOTS, ids=[f"{n}-mustnot{i}" for i, (n, _) in enumerate(MUST_NOTS)])
def test_seed_must_not(name: str, ban: dict, seed_results: dict[str, list[Diagnostic]]) -> None:
    low, high = ban["lines"]
    alarms = [diagnostic for diagnostic in seed_results[name]
              if diagnostic.category == ban["category"] and diagnostic.severity >= RANK[ban["severity"]]
              and low <= _lines(diagnostic)[0] <= high]
    assert not alarms, f"{ban['what']}: {[(d.rule, d.span.start.line if d.span else 0, d.message) for d in alarms]}"
