"""Fuzzing in the suite (issue 11): mutants of a seed file of every format, read, checked and
rendered in every output format; nothing may escape ``check_path`` or a renderer, no file may
end in an internal error (GK004), and no escape character may reach text or GitHub output.
Fixed seed (derandomized), a few hundred cases; ``python -m benchmarks.fuzz`` runs thousands."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from fuzzing import SEEDS, mutate, run_case

from auditor.rulebook import Rulebook, load_rulebook

RULEBOOK: Rulebook = load_rulebook()
SEED_BYTES = {suffix: make() for suffix, make in SEEDS.items()}
CASES = {".txt": 80, ".md": 40, ".html": 60, ".docx": 60, ".pdf": 40}


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GK_AUDIT_CACHE_DIR", "")


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_seed_files_are_read(suffix: str) -> None:
    result, failure = run_case(suffix, SEED_BYTES[suffix], RULEBOOK)
    assert failure is None and result.read_error is None, (failure, result.read_error)


def _fuzz(suffix: str):  # type: ignore[no-untyped-def]
    @settings(max_examples=CASES[suffix], derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.integers(min_value=0, max_value=2**32))
    def run(seed: int) -> None:
        data = mutate(suffix, SEED_BYTES[suffix], random.Random(seed))
        _, failure = run_case(suffix, data, RULEBOOK)
        assert failure is None, f"{suffix} mutant of seed {seed}: {failure}"

    return run


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_mutants_never_escape(suffix: str) -> None:
    _fuzz(suffix)()
