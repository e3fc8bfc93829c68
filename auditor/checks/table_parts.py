"""kind: table_parts — a table row and its 其中 rows: no part above its whole, exhaustive parts add up.

For tables whose rows vary from one report to the next (the old era's local statistics tables:
any subset of 网站 / 政府公报 / 报刊 … under 主动公开信息数), an identity over fixed rows would be
"not checkable" in most reports. This kind compares a total row with those of its part rows the
table has, column by column (本年度, 历年累计, …), over the cells that hold numbers:

* ``exceeds``: a part greater than its whole (``网站公开数`` 380 under ``主动公开信息数`` 350): one
  finding at the part's cell, the total's cell labelled. For the groups without ``sum`` (parts that
  may overlap); in a group with ``sum`` a part above the whole is reported by ``sum``.
* ``sum``: a group whose parts are exhaustive (``sum: equal``: 申请总数 = 当面 + 网上 + 信函 + …) or
  bounded (``sum: at_most``: the reasons of 不同意公开) whose parts add up to more than the total,
  or, for ``equal``, to less. A shortfall is reported only when the group is closed: every line from
  the total row to the next row the table knows after the last part carries a row label of the
  table (an unknown row there, say ``重复申请数``, may be the missing part). One finding at the
  total's cell, each part labelled with its value.

Parameters:
    compare:  ``exceeds`` or ``sum`` (required).
    groups:   (required) a list of ``{table, total, parts, sum, columns}``: a table id and row keys
              of the rulebook's ``tables:``; ``sum`` is ``equal`` (exhaustive parts), ``at_most`` or
              absent (parts may overlap: only ``exceeds`` applies); ``columns`` limits the group to
              these column keys (default: every column the total row has), e.g. a running-total
              column that the kind ``identity`` rules do not cover.
    cell_label: template of a cell's label ({row_label} {column_label} {value}).
    joiner:   between the terms of ``{parts_terms}`` (default ``+``).
Message fields: {column_label} {total_label} {total} and, for ``exceeds``, {part_label} {part};
for ``sum``, {parts_terms} {sum} {difference}.

Example (GK833 local-table-parts-sum)::

    compare: sum
    groups: [{table: old_local, total: received, parts: [received_in_person, received_online], sum: equal}]

fails on a local table reading 申请总数 26, 其中：当面申请数 9, 网上申请数 14 (9+14 = 23, the
group closed by the next row 对申请的答复总数); passes when 网上申请数 is 17.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from auditor import regexcache
from auditor.checks import emit, render_template
from auditor.checks.identity import number_text
from auditor.diagnostics import Diagnostic, Label
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.structure.tables import Cell, Table, tables_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "table_parts"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["compare", "groups"],
    "properties": {
        "compare": {"enum": ["exceeds", "sum"]},
        "groups": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object", "additionalProperties": False, "required": ["table", "total", "parts"],
                "properties": {
                    "table": {"type": "string", "minLength": 1},
                    "total": {"type": "string", "minLength": 1},
                    "parts": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                    "sum": {"enum": ["equal", "at_most"]},
                    "columns": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                },
            },
        },
        "cell_label": {"type": "string"},
        "joiner": {"type": "string"},
    },
}
FALLBACK_CELL_LABEL = "{row_label} {column_label} = {value}"
# a line naming a row: three Han characters in a row (a unit such as 件 or 万元 is shorter)
_ROW_WORDS = regexcache.compile(r"[\u3400-\u9fff]{3}")


@record(eq=False, repr=False)  # never compared: only __init__ generated (compiled at import)
class Group:
    """One total and the parts that must add up to it, in one table."""
    table: str
    total: str
    parts: tuple[str, ...]
    sum: str | None
    columns: tuple[str, ...] = ()


@record(eq=False, repr=False)
class Compiled:
    """A table_parts rule's parameters: its groups and texts."""
    compare: str
    groups: tuple[Group, ...]
    cell_label: str
    joiner: str


def prepare(params: dict[str, Any]) -> Compiled:
    groups = tuple(Group(str(group["table"]), str(group["total"]), tuple(map(str, group["parts"])),
                         group.get("sum"), tuple(map(str, group.get("columns", ())))) for group in params["groups"])
    return Compiled(params["compare"], groups, params.get("cell_label", FALLBACK_CELL_LABEL),
                    params.get("joiner", "+"))


def _value(cell: Cell | None) -> Decimal | None:
    return Decimal(cell.value) if cell is not None and cell.is_number and cell.value is not None else None


def _label(rule: Rule, report: Report, cell: Cell) -> Label:
    text = render_template(rule.compiled.cell_label, {"row_label": cell.row_label, "column_label": cell.column_label,
                                                      "value": number_text(_value(cell))})
    return Label(report.document.span(cell.start, cell.end), text)


def _columns(table: Table, group: Group) -> list[str]:
    seen: dict[str, None] = {}
    for row_key, column in table.cells:
        if row_key == group.total and (not group.columns or column in group.columns):
            seen.setdefault(column)
    return list(seen)


def _exceeds(rule: Rule, report: Report, table: Table, group: Group) -> Iterator[Diagnostic]:
    if group.sum is not None:
        return
    for column in _columns(table, group):
        total_cell = table.cell(group.total, column)
        total = _value(total_cell)
        if total is None or total_cell is None:
            continue
        for part in group.parts:
            part_cell = table.cell(part, column)
            value = _value(part_cell)
            if value is None or part_cell is None or value <= total:
                continue
            yield emit(rule, report.era, report.document.span(part_cell.start, part_cell.end),
                       {"column_label": part_cell.column_label, "total_label": total_cell.row_label,
                        "total": number_text(total), "part_label": part_cell.row_label, "part": number_text(value)},
                       labels=[_label(rule, report, total_cell)])


def _closed(report: Report, table: Table, group: Group, present: Sequence[str]) -> bool:
    """Every line from the total row to the next known row after the last part names a known row."""
    document = report.document
    starts = sorted(start for start, _ in table.row_labels.values())
    last_part = max(table.row_labels[part][0] for part in present)
    following = [start for start in starts if start > last_part]
    first = document.line_index_of(table.row_labels[group.total][0])
    last = document.line_index_of(following[0]) - 1 if following else document.line_index_of(max(table.end - 1, 0))
    known = {document.line_index_of(start) for start in starts}
    return not any(index not in known and _ROW_WORDS.search(document.line(index).folded)
                   for index in range(first, last + 1))


def _sum(rule: Rule, report: Report, table: Table, group: Group) -> Iterator[Diagnostic]:
    present = [part for part in group.parts if part in table.row_labels]
    if group.sum is None or not present or group.total not in table.row_labels:
        return
    closed: bool | None = None
    for column in _columns(table, group):
        total_cell = table.cell(group.total, column)
        total = _value(total_cell)
        cells = [table.cell(part, column) for part in present]
        values = [_value(cell) for cell in cells]
        if total is None or total_cell is None or any(value is None for value in values):
            continue
        parts_sum = sum((value for value in values if value is not None), Decimal(0))
        if parts_sum < total and group.sum == "equal":
            closed = _closed(report, table, group, present) if closed is None else closed
            if not closed:
                continue
        elif parts_sum <= total:
            continue
        terms = rule.compiled.joiner.join(number_text(value) for value in values)
        yield emit(rule, report.era, report.document.span(total_cell.start, total_cell.end),
                   {"column_label": total_cell.column_label, "total_label": total_cell.row_label,
                    "total": number_text(total), "parts_terms": terms, "sum": number_text(parts_sum),
                    "difference": number_text(abs(total - parts_sum))},
                   labels=[_label(rule, report, cell) for cell in cells if cell is not None])


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    tables = tables_of(report)
    for group in compiled.groups:
        table = tables.get(group.table)
        if table is None or not table.cells:
            continue
        yield from (_exceeds if compiled.compare == "exceeds" else _sum)(rule, report, table, group)
