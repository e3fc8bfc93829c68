"""Check kinds: one module per kind, registered here by name.

Each kind module has a docstring that documents its YAML parameters (shown by ``gk-audit explain``),
and defines::

    KIND = "pattern"                      # the name rules use in ``kind:``
    PARAMS_SCHEMA = {...}                 # JSON Schema (properties/required) of the kind's parameters
    def prepare(params) -> Any            # optional: compile regexes once; raise ParamError(path, why)
    def check(rule, report) -> Iterator[Diagnostic]

A check never prints and never opens files: it reads the Report and yields Diagnostics, built
with ``emit`` so that message templates, severity by era, help and basis come from the rulebook.

Series kinds (``SCOPE = "series"``: series_link, cross_report, copied_text, region_sum) compare
reports across years: instead of ``check`` they define ``check_pair(rule, pair)`` (or
``check_region(rule, case)``) over the per-report summaries of ``auditor/series.py``, which runs them
after a batch; the engine skips them on single reports.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Span
from auditor.rulebook import ParamError, Rule

KINDS: dict[str, str] = {
    "pattern": "auditor.checks.pattern",
    "sequence": "auditor.checks.sequence",
    "date": "auditor.checks.date",
    "truncation": "auditor.checks.truncation",
    "script": "auditor.checks.script",
    "required_section": "auditor.checks.required_section",
    "title": "auditor.checks.title",
    "read_error": "auditor.checks.read_error",
    "table_structure": "auditor.checks.table_structure",
    "cell_values": "auditor.checks.cell_values",
    "superseded_labels": "auditor.checks.superseded_labels",
    "no_text_layer": "auditor.checks.no_text_layer",
    "mojibake": "auditor.checks.mojibake",
    "unused_suppression": "auditor.checks.unused_suppression",
    "identity": "auditor.checks.identity",
    "narrative": "auditor.checks.narrative",
    "breakdown": "auditor.checks.breakdown",
    # series kinds (SCOPE = "series"): run by auditor/series.py on pairs of reports, after the batch
    "series_link": "auditor.checks.series_link",
    "cross_report": "auditor.checks.cross_report",
    "copied_text": "auditor.checks.copied_text",
    "region_sum": "auditor.checks.region_sum",
}


def kind_module(kind: str) -> ModuleType:
    return importlib.import_module(KINDS[kind])


class _Template(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_template(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` fields; unknown fields stay as written (a rulebook typo stays visible)."""
    try:
        return string.Formatter().vformat(template, (), _Template(values))
    except (ValueError, IndexError):
        return template


def emit(rule: Rule, era: str | None, span: Span | None, values: Mapping[str, Any] | None = None, *,
         labels: Iterable[Label] = (), notes: Iterable[str] = (), severity: Severity | None = None,
         location: dict[str, Any] | None = None) -> Diagnostic:
    """A Diagnostic for ``rule`` with its message and help filled from ``values``."""
    values = values or {}
    return Diagnostic(
        rule=rule.id, name=rule.name, category=rule.category,
        severity=severity if severity is not None else rule.severity_for(era),
        message=render_template(rule.message, values), span=span, title=rule.title,
        labels=tuple(labels), help=render_template(rule.help, values), basis=rule.basis,
        notes=tuple(notes), location=location,
    )


def compile_patterns(sources: Any, path: tuple[str | int, ...]) -> list[Any]:
    """Compile a list of regexes (matched against folded text), naming the bad one on error."""
    from auditor.structure.detection import compile_regex

    if isinstance(sources, str):
        return [compile_regex(sources, path)]
    return [compile_regex(source, (*path, index)) for index, source in enumerate(sources)]


__all__ = ["KINDS", "ParamError", "compile_patterns", "emit", "kind_module", "render_template"]
