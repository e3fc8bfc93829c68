"""kind: internal_error — gk-audit itself failed on this file.

The engine emits this rule's diagnostic when reading, checking or rendering one file raises an
exception that is not a read error (a bug, MemoryError, RecursionError), or when the worker
process checking it dies twice; the batch goes on with the other files, and the run exits with
code 3. The check function never fires on a Report.
Message fields: ``{path}``, ``{reason}`` (the stage and the exception). No parameters.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.diagnostics import Diagnostic
from auditor.rulebook import Rule
from auditor.structure import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "internal_error"
SCOPE = "engine"  # the engine or the batch makes its findings; its check never fires on a Report
PARAMS_SCHEMA: dict[str, Any] = {"properties": {}}


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    return iter(())
