"""Shared fixtures: the built-in rulebook (loaded once) and helpers to check text."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.document import Document
from auditor.engine import FileResult, Options, check_document
from auditor.rulebook import Rulebook, load_rulebook

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture()
def check_text(rulebook: Rulebook):  # type: ignore[no-untyped-def]
    """check_text(text, **options) -> FileResult for a report given as a string."""

    def run(text: str, path: str = "report.txt", **options: object) -> FileResult:
        return check_document(Document(path=path, text=text), rulebook, Options(**options))  # type: ignore[arg-type]

    return run


def rule_ids(result: FileResult) -> list[str]:
    return [diagnostic.rule for diagnostic in result.diagnostics]


@pytest.fixture(autouse=True)
def _restore_cache_variable():  # type: ignore[no-untyped-def]
    """`gk-audit check` sets GK_AUDIT_CACHE_DIR in its own process so worker processes inherit the
    cache setting; in-process CliRunner calls would leak it into later tests, so put it back."""
    import os

    before = os.environ.get("GK_AUDIT_CACHE_DIR")
    yield
    if before is None:
        os.environ.pop("GK_AUDIT_CACHE_DIR", None)
    else:
        os.environ["GK_AUDIT_CACHE_DIR"] = before
