"""kind: no_text_layer — a PDF that holds only images (a scan) and so cannot be checked.

The PDF reader raises this when no page has any text; the engine reports it with this kind's
rule instead of the generic ``read_error`` one, and the file counts as unreadable (exit code 2
when it is the only input). The check function never fires on a Report.
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

KIND = "no_text_layer"
SCOPE = "engine"  # the engine or the batch makes its findings; its check never fires on a Report
PARAMS_SCHEMA: dict[str, Any] = {"properties": {}}


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    return iter(())
