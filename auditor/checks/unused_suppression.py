"""kind: unused_suppression — a suppression that suppresses nothing (like ruff's RUF100).

The engine emits this rule's diagnostics itself: for an inline comment
``<!-- gk-audit: ignore GK201 原因：… -->`` in a Markdown or HTML report that covers no finding of
the rules it names in the block after it (or that gives no reason, so takes no effect), and for an
entry of a suppressions file that applied to a checked file but matched nothing. The check
function never fires on a Report. Message field: ``{problem}``. No parameters.

    fails:  <!-- gk-audit: ignore GK201 原因：引用模板 -->
            2023年，我局……            (no GK201 finding in this paragraph)
    passes: <!-- gk-audit: ignore GK201 原因：引用模板 -->
            XX年，我局……              (the GK201 finding is suppressed)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.diagnostics import Diagnostic
from auditor.rulebook import Rule
from auditor.structure import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "unused_suppression"
SCOPE = "engine"  # the engine or the batch makes its findings; its check never fires on a Report
PARAMS_SCHEMA: dict[str, Any] = {"properties": {}}


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    return iter(())
