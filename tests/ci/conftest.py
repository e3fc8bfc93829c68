"""Helpers for the CI-integration tests: run the CLI in-process on files in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main

CLEAN = Path(__file__).resolve().parents[2] / "examples" / "report-2021-clean.txt"
FAULTY = Path(__file__).resolve().parents[2] / "examples" / "report-2021-faulty.txt"


@pytest.fixture()
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """run(*args) -> click Result, with tmp_path as the current folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)

    def invoke(*arguments: str) -> Result:
        return CliRunner().invoke(main, list(arguments), catch_exceptions=False)

    return invoke
