"""Every built-in rule has a fixture it fires on and one it stays silent on (like ESLint's RuleTester).

Fixtures live in tests/fixtures/rules/<RULE_ID>/: files named fires* must yield the rule,
files named silent* must not. Rules of the series kinds (auditor/series.py) compare reports
across years: their fixtures are folders (fires*/, silent*/) checked as one run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.engine import check_path
from auditor.rulebook import Rulebook, load_rulebook

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"
BUILTIN = load_rulebook()


def _fixtures(rule_id: str, prefix: str) -> list[Path]:
    folder = RULE_FIXTURES / rule_id
    return sorted(folder.glob(f"{prefix}*")) if folder.is_dir() else []


@pytest.mark.parametrize("rule", BUILTIN.rules, ids=lambda rule: rule.id)
def test_rule_has_both_fixtures(rule) -> None:  # type: ignore[no-untyped-def]
    assert _fixtures(rule.id, "fires"), f"{rule.id} has no fixture it fires on in {RULE_FIXTURES / rule.id}"
    assert _fixtures(rule.id, "silent"), f"{rule.id} has no fixture it stays silent on in {RULE_FIXTURES / rule.id}"


CASES = [(rule.id, path) for rule in BUILTIN.rules
         for path in _fixtures(rule.id, "fires") + _fixtures(rule.id, "silent")]


@pytest.mark.parametrize(("rule_id", "path"), CASES, ids=[f"{rule_id}-{path.name}" for rule_id, path in CASES])
def test_rule_on_fixture(rule_id: str, path: Path, rulebook: Rulebook) -> None:
    if path.is_dir():
        from auditor.batch import BatchRequest, run_batch

        outcome = run_batch(BatchRequest((str(path),), jobs=1))
        found = [diagnostic.rule for result in outcome.results for diagnostic in result.diagnostics]
    else:
        found = [diagnostic.rule for diagnostic in check_path(str(path), rulebook).diagnostics]
    if path.name.startswith("fires"):
        assert rule_id in found, f"{rule_id} did not fire on {path.name}; found {found}"
    else:
        assert rule_id not in found, f"{rule_id} fired on {path.name}, which should be silent"


def test_no_fixture_folder_without_a_rule() -> None:
    known = {rule.id for rule in BUILTIN.rules}
    orphans = [folder.name for folder in RULE_FIXTURES.iterdir() if folder.is_dir() and folder.name not in known]
    assert not orphans, f"fixture folders for rules that do not exist: {orphans}"
