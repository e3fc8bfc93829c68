"""kind: cell_values — table cells that are not the numbers the format asks for.

Every cell of every table the report's era declares is classed (see auditor/structure/tables.py):
NUMBER, ZERO, BLANK (nothing written), NA (``无``, ``—``, ``-``, ``/``) or TEXT (``若干``,
``见附件``). Published reports are expected to write ``0`` (spec §6).

Parameters:
    find:   ``empty``   BLANK or NA cells (write 0 instead);
            ``text``    TEXT cells: not readable as a number, so every identity that needs them
                        is not checkable;
            ``domain``  numbers outside their column's domain: a negative number where the
                        column is not ``signed``, a fraction in a count (non-``money``) cell.
    per:    ``table`` (the default): one diagnostic per table, the first such cell primary and
            the others as labelled secondary spans (at most ``max_labels``): a rule never gives
            more than one finding per table for one cause;
            ``cell``: one diagnostic per cell (for a local rulebook that wants them).
    tables: table ids to check (default: all).
    max_labels: labels listed per diagnostic (default 20); the rest are counted in a note.
    texts:  the wording the kind puts into messages, labels and notes (the built-in rules give all):
            ``blank``      how a BLANK cell is described (空白);
            ``written``    how any other cell is described, from ``{raw}`` (``“{raw}”``);
            ``label``      a secondary label, from ``{cell}`` and ``{described}``;
            ``joiner``     between the cells named in ``{cells}`` (``、``);
            ``more``       after ``{cells}`` when there are more than three (等);
            ``unlisted``   the note counting the cells not labelled (``{count}``).
            Omitted texts fall back to the bare values, or nothing.
Message fields: ``{table}``, ``{cell}`` (row·column as written), ``{raw}``, ``{count}``,
``{cells}`` (the first few cells, named).

Example (find: empty)::

    - id: GK706
      kind: cell_values
      find: empty

fails on a 收到和处理 table whose 商业企业 column is left blank or written ``无``; passes when
every cell holds a number, ``0`` included.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditor import regexcache
from auditor.checks import emit, render_template
from auditor.diagnostics import Diagnostic, Label
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.structure.table_spec import TableSpec
from auditor.structure.tables import Cell, ValueClass, specs_of, tables_of
from auditor.textfold import fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "cell_values"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["find"],
    "properties": {
        "find": {"enum": ["empty", "text", "domain"]},
        "per": {"enum": ["table", "cell"]},
        "tables": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "max_labels": {"type": "integer", "minimum": 0},
        "texts": {
            "type": "object", "additionalProperties": False,
            "properties": {name: {"type": "string"} for name in
                           ("blank", "written", "label", "joiner", "more", "unlisted")},
        },
    },
}
# language-free fallbacks for texts a rulebook omits
FALLBACK_TEXTS = {"blank": "", "written": "{raw}", "label": "{cell} {described}", "joiner": " ", "more": "",
                  "unlisted": ""}

_SUFFIX = regexcache.compile(r"\s*\([^()]*\)\s*$")
_EMPTY = (ValueClass.BLANK, ValueClass.NA)


@record(eq=False, repr=False)
class Compiled:
    """A cell_values rule's parameters, with its texts merged over the fallbacks."""
    find: str
    per: str
    tables: frozenset[str]
    max_labels: int
    texts: dict[str, str]


def prepare(params: dict[str, Any]) -> Compiled:
    return Compiled(params["find"], params.get("per", "table"),
                    frozenset(params.get("tables", ())), int(params.get("max_labels", 20)),
                    {**FALLBACK_TEXTS, **params.get("texts", {})})


def cell_name(cell: Cell) -> str:
    """``row·column`` as written, without a row label's parenthetical suffix."""
    folded = fold(cell.row_label)
    suffix = _SUFFIX.search(folded)
    row = cell.row_label[: suffix.start()] if suffix and suffix.start() > 0 else cell.row_label
    return f"{row}·{cell.column_label}"


def describe(cell: Cell, texts: dict[str, str]) -> str:
    if cell.value_class is ValueClass.BLANK:
        return texts["blank"]
    return render_template(texts["written"], {"raw": cell.raw})


def _out_of_domain(cell: Cell, spec: TableSpec) -> bool:
    if not cell.is_number or cell.value is None:
        return False
    row = next((item for item in spec.rows if item.key == cell.row), None)
    column = next((item for item in spec.columns if item.key == cell.column), None)
    money = bool((row and row.money) or (column and column.money))
    signed = bool(column and column.signed)
    if cell.value < 0 and not signed:
        return True
    return isinstance(cell.value, Decimal) and not money and cell.value != cell.value.to_integral_value()


def _selected(compiled: Compiled, cell: Cell, spec: TableSpec) -> bool:
    if compiled.find == "empty":
        return cell.value_class in _EMPTY
    if compiled.find == "text":
        return cell.value_class is ValueClass.TEXT
    return _out_of_domain(cell, spec)


def _values(table_title: str, cells: list[Cell], texts: dict[str, str]) -> dict[str, Any]:
    first = cells[0]
    named = texts["joiner"].join(cell_name(cell) for cell in cells[:3]) + (texts["more"] if len(cells) > 3 else "")
    return {"table": table_title, "cell": cell_name(first), "raw": first.raw, "count": len(cells), "cells": named}


def _per_table(rule: Rule, report: Report, compiled: Compiled, title: str, cells: list[Cell]) -> Diagnostic:
    document = report.document
    first, rest = cells[0], cells[1:]
    texts = compiled.texts
    labels = [Label(document.span(cell.start, cell.end),
                    render_template(texts["label"], {"cell": cell_name(cell), "described": describe(cell, texts)}))
              for cell in rest[: compiled.max_labels]]
    unlisted = len(rest) - compiled.max_labels
    note = render_template(texts["unlisted"], {"count": unlisted}) if unlisted > 0 else ""
    notes = [note] if note else []
    return emit(rule, report.era, document.span(first.start, first.end), _values(title, cells, texts),
                labels=labels, notes=notes)


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    specs = specs_of(report)
    for table_id, table in tables_of(report).items():
        spec = specs.get(table_id)
        if spec is None or (compiled.tables and table_id not in compiled.tables):
            continue
        cells = sorted((cell for cell in table.cells.values() if _selected(compiled, cell, spec)),
                       key=lambda cell: cell.start)
        if not cells:
            continue
        if compiled.per == "table":
            yield _per_table(rule, report, compiled, table.title, cells)
            continue
        for cell in cells:
            yield emit(rule, report.era, report.document.span(cell.start, cell.end),
                       _values(table.title, [cell], compiled.texts))
