"""kind: read_error — the file could not be read as a report.

The engine itself emits this rule's diagnostic when a reader fails (binary file, empty file,
undecodable text, a format that cannot be read); the check function never fires on a Report.
Message fields: ``{path}``, ``{reason}``. No parameters.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.diagnostics import Diagnostic
from auditor.rulebook import Rule
from auditor.structure import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "read_error"
PARAMS_SCHEMA: dict[str, Any] = {"properties": {}}


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    return iter(())
