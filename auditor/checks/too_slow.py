"""kind: too_slow — checking the file took longer than its time budget and was stopped.

The engine emits this rule's diagnostic when reading and checking one file runs past the per-file
time budget (``--time-budget``, default 180 s, see ``auditor.readers.limits``); the file counts as
not checked and the batch goes on. The check function never fires on a Report.
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

KIND = "too_slow"
SCOPE = "engine"  # the engine or the batch makes its findings; its check never fires on a Report
PARAMS_SCHEMA: dict[str, Any] = {"properties": {}}


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    return iter(())
