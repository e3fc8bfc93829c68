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


# ---------------------------------------------------------------------------- leaving the test process
_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End the test process without the interpreter's teardown, with pytest's own exit status.

    Why: one CI run passed every test, printed its summary, then died with SIGSEGV while the
    interpreter tore down what the tests had loaded (Playwright's greenlets, lxml, pdfminer, sqlite3,
    hypothesis; no test was running). Five full local runs, one of them under ``PYTHONMALLOC=debug``, and a
    probe of what is alive at that point (one thread, no pools, no open connections) did not
    reproduce it. The teardown of third-party extensions is not what these tests test: the CLI's own
    exit is covered by the tests that run ``gk-audit`` in a subprocess and check its exit status.
    Every report (terminal summary, JUnit XML, cache) is written before this hook, which runs last.
    ``GK_AUDIT_TESTS_FULL_EXIT=1`` keeps the normal teardown, to investigate it (with
    ``PYTHONFAULTHANDLER=1``, which ``.ci/run`` sets)."""
    import os
    import sys

    if not _EXIT_STATUS or os.environ.get("GK_AUDIT_TESTS_FULL_EXIT") == "1":
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS[-1])
