"""kind: table_structure — the era's tables are there, in the right part, with all their rows and columns.

Reads the tables declared under the rulebook's top-level ``tables:`` (see
auditor/structure/tables.py); only tables whose ``eras`` include the report's era are considered.

Parameters:
    mode:    ``missing``    a required table (``required: true``, the default) cannot be found;
             ``misplaced``  a table is found outside the part its ``section`` patterns name
                            (not checkable, so silent, when that part's heading is missing);
             ``incomplete`` a table is found but rows or columns of it cannot be found: one
                            diagnostic per table naming them all;
             ``unreadable`` a table whose cells cannot be told apart (digits run together, cells
                            that cannot be placed under one column): one diagnostic per table,
                            at the first such cell, quoting it; none of its cells is read;
             ``recovered``  a table with rows whose digits ran together, read by the one split
                            that satisfies the row's own total: one diagnostic per table naming
                            the rows and how they were split;
             ``other-format`` a table found by its caption or header that is of another format
                            than its definition (too few of the definition's rows found and too
                            few of its own rows recognised: ``min_rows_found`` and
                            ``min_lines_recognised``, auditor/structure/table_spec.py; a local
                            table under the national caption): ONE diagnostic at its caption
                            instead of one naming every row as missing; its cells are not checked.
    tables:  table ids to check (default: every table of the era).
    texts:   the wording the kind puts into messages and labels (the built-in rules give all):
             ``report``          what ``{section}`` names when the part's heading is missing (报告);
             ``belongs_here``    the label on the heading of the part a misplaced table belongs in;
             ``missing_column``  / ``missing_row``: one missing label in ``{missing}``
                                 (``列“{label}”``, ``行“{label}”``);
             ``joiner``          between the items of ``{missing}`` (``、``).
             Omitted texts fall back to the bare label, or nothing.
Message fields: ``{table}`` (the table's title), ``{section}`` (the part it belongs in, as
written), ``{missing}`` (incomplete: the labels not found, e.g. ``列“本年新制作数量”``),
``{count}``; unreadable: ``{example}`` (the text of the first unreadable cell); recovered:
``{rows}`` (each row rendered by ``texts.split`` from ``{row}``, ``{raw}`` and ``{values}``, the
numbers joined by ``texts.values_joiner``; rows joined by ``texts.joiner``); ``texts.cell`` labels
the other unreadable cells from ``{raw}``; other-format: ``{found}`` (rows of the definition found).

Example (mode: missing, 2021 report)::

    - id: GK701
      kind: table_structure
      mode: missing

fails on a 2021 report whose part 三 has only prose (no 本年新收政府信息公开申请数量 row, no
勾稽关系 note); passes when the 收到和处理 table is there in any text form.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.checks import emit, render_template
from auditor.diagnostics import Diagnostic, Label
from auditor.document import Span
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.structure.outline import Heading
from auditor.structure.table_spec import TableSpec
from auditor.structure.tables import Table, other_format_tables, specs_of, tables_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "table_structure"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["mode"],
    "properties": {
        "mode": {"enum": ["missing", "misplaced", "incomplete", "unreadable", "recovered", "other-format"]},
        "tables": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "texts": {
            "type": "object", "additionalProperties": False,
            "properties": {name: {"type": "string"} for name in
                           ("report", "belongs_here", "missing_column", "missing_row", "joiner",
                            "split", "cell", "values_joiner")},
        },
    },
}
# language-free fallbacks for texts a rulebook omits
FALLBACK_TEXTS = {"report": "", "belongs_here": "", "missing_column": "{label}", "missing_row": "{label}",
                  "joiner": " ", "split": "{row} {raw} {values}", "cell": "{raw}", "values_joiner": ", "}


@record(eq=False, repr=False)
class Compiled:
    """A table_structure rule's parameters: its mode, tables and texts."""
    mode: str
    tables: frozenset[str]
    texts: dict[str, str]


def prepare(params: dict[str, Any]) -> Compiled:
    return Compiled(params["mode"], frozenset(params.get("tables", ())),
                    {**FALLBACK_TEXTS, **params.get("texts", {})})


def section_heading(report: Report, spec: TableSpec) -> Heading | None:
    """The top-level heading of the part a table belongs in, if the report has it."""
    folded = report.document.folded
    for heading in report.outline:
        if heading.parent is not None:
            continue
        text = folded[heading.marker_end:heading.title_end]
        if any(pattern.search(text) for pattern in spec.section):
            return heading
    return None


def _heading_span(report: Report, heading: Heading) -> Span:
    return report.document.span(heading.start, heading.title_end)


def _heading_text(heading: Heading) -> str:
    return f"{heading.marker}{heading.title}"


def _fallback_span(report: Report) -> Span:
    document = report.document
    if report.title is not None:
        return document.span(report.title.start, report.title.end)
    first = next((line for line in document.lines() if line.text.strip()), None)
    return document.line_span(first) if first else document.span(0, 0)


def _missing(rule: Rule, report: Report, spec: TableSpec) -> Diagnostic:
    heading = section_heading(report, spec)
    span = _heading_span(report, heading) if heading else _fallback_span(report)
    section = _heading_text(heading) if heading else rule.compiled.texts["report"]
    return emit(rule, report.era, span, {"table": spec.title, "section": section})


def _misplaced(rule: Rule, report: Report, spec: TableSpec, table: Table) -> Diagnostic | None:
    heading = section_heading(report, spec)
    if heading is None:
        return None
    start, end = report.section_range(heading)
    if start <= table.start < end:
        return None
    document = report.document
    label = Label(_heading_span(report, heading), rule.compiled.texts["belongs_here"])
    return emit(rule, report.era, document.span(table.start, table.anchor_end),
                {"table": spec.title, "section": _heading_text(heading)}, labels=[label])


def _incomplete(rule: Rule, report: Report, spec: TableSpec, table: Table) -> Diagnostic | None:
    labels = {row.key: row.label for row in spec.rows}
    columns = {column.key: column.label for column in spec.columns}
    texts = rule.compiled.texts
    names = [render_template(texts["missing_column"], {"label": columns[key]}) for key in table.missing_columns]
    names += [render_template(texts["missing_row"], {"label": labels[key]}) for key in table.missing_rows]
    if not names:
        return None
    return emit(rule, report.era, report.document.span(table.start, table.anchor_end),
                {"table": spec.title, "missing": texts["joiner"].join(names), "count": len(names)})


def _unreadable(rule: Rule, report: Report, spec: TableSpec, table: Table) -> Diagnostic | None:
    if not table.unreadable:
        return None
    document = report.document
    texts = rule.compiled.texts
    (start, end), rest = table.unreadable[0], table.unreadable[1:]
    labels = [Label(document.span(*span), render_template(texts["cell"], {"raw": _shown(document.text, span)}))
              for span in rest[:MAX_LABELS]]
    return emit(rule, report.era, document.span(start, end),
                {"table": spec.title, "example": _shown(document.text, (start, end)),
                 "count": len(table.unreadable)}, labels=labels)


def _shown(text: str, span: tuple[int, int]) -> str:
    shown = " ".join(text[span[0]:span[1]].split())
    return shown if len(shown) <= MAX_EXAMPLE else shown[:MAX_EXAMPLE] + "…"


def _recovered(rule: Rule, report: Report, spec: TableSpec, table: Table) -> Diagnostic | None:
    if not table.recovered:
        return None
    texts = rule.compiled.texts
    document = report.document
    rows = [render_template(texts["split"], {"row": row.row_label, "raw": row.raw,
                                             "values": texts["values_joiner"].join(map(str, row.values))})
            for row in table.recovered]
    labels = [Label(document.span(row.start, row.end), rows[index + 1])
              for index, row in enumerate(table.recovered[1:MAX_LABELS + 1])]
    first = table.recovered[0]
    return emit(rule, report.era, document.span(first.start, first.end),
                {"table": spec.title, "rows": texts["joiner"].join(rows), "count": len(rows)}, labels=labels)


_MODES = {"unreadable": _unreadable, "recovered": _recovered}
MAX_LABELS = 20
MAX_EXAMPLE = 40


def _other_format(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    specs = specs_of(report)
    for table in other_format_tables(report):
        spec = specs.get(table.id)
        if spec is None or (rule.compiled.tables and table.id not in rule.compiled.tables):
            continue
        found = sum(1 for row in spec.data_rows if row.key in table.row_labels)
        yield emit(rule, report.era, report.document.span(table.start, table.anchor_end),
                   {"table": spec.title, "found": found})


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    if compiled.mode == "other-format":
        yield from _other_format(rule, report)
        return
    tables = tables_of(report)
    for table_id, spec in specs_of(report).items():
        if compiled.tables and table_id not in compiled.tables:
            continue
        table = tables.get(table_id)
        found: Diagnostic | None = None
        if compiled.mode == "missing":
            found = _missing(rule, report, spec) if table is None and spec.required else None
        elif table is not None and compiled.mode == "misplaced":
            found = _misplaced(rule, report, spec, table)
        elif table is not None and compiled.mode in _MODES:
            found = _MODES[compiled.mode](rule, report, spec, table)
        elif table is not None:
            found = _incomplete(rule, report, spec, table)
        if found is not None:
            yield found
