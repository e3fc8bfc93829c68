"""``gk-audit tables``: every table of a report as the tool read it, for a person to confirm.

``read_tables_of(path, rulebook, options)`` reads and analyses one file and returns a plain
``TablesView`` (table, row and column labels, each cell's value, class and source location); the
renderers in auditor/render/tables.py print it as text or JSON. Nothing here decides what is wrong.
"""

from __future__ import annotations

from auditor.document import Document
from auditor.engine import Options
from auditor.readers import ReadError, read_path
from auditor.records import record
from auditor.rulebook import Rulebook
from auditor.structure import analyse
from auditor.structure.tables import Cell, Table, specs_of, tables_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any


@record(frozen=True)
class CellView:
    row: str
    column: str
    row_label: str
    column_label: str
    raw: str
    value_class: str
    value: str | None
    location: dict[str, Any]


@record(frozen=True)
class TableView:
    id: str
    title: str
    source: str
    location: dict[str, Any]
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    missing_rows: tuple[str, ...]
    missing_columns: tuple[str, ...]
    cells: tuple[CellView, ...]
    unreadable: tuple[str, ...]
    recovered: tuple[str, ...]


@record(frozen=True)
class TablesView:
    path: str
    era: str
    year: int | None
    tables: tuple[TableView, ...]
    error: str = ""


def location_of(document: Document, offset: int) -> dict[str, Any]:
    """``{"line", "column"}`` in the file the user opened (the extracted text for docx/PDF), with
    the reader's own place under ``"place"`` when it has one (docx ``{"table", "row", "column"}``,
    PDF ``{"page", ...}``), as in the JSON ``location`` of findings."""
    position = document.position(offset)
    found: dict[str, Any] = {"line": position.line, "column": position.column}
    place = document.locator.locate(offset) if document.locator is not None else None
    if place:
        found["place"] = place
    return found


def _label(document: Document, span: tuple[int, int] | None, fallback: str) -> str:
    return " ".join(document.text[span[0]:span[1]].split()) if span else fallback


def _cell_view(document: Document, cell: Cell) -> CellView:
    return CellView(cell.row, cell.column, cell.row_label, cell.column_label, cell.raw, cell.value_class.value,
                    None if cell.value is None else str(cell.value), location_of(document, cell.start))


def _table_view(document: Document, table: Table, spec_rows: list[tuple[str, str]],
                spec_columns: list[tuple[str, str]]) -> TableView:
    rows = tuple(_label(document, table.row_labels.get(key), label) for key, label in spec_rows
                 if key in table.row_labels)
    written = {cell.column: cell.column_label for cell in table.cells.values()}
    columns = tuple(written.get(key) or _label(document, table.column_labels.get(key), label)
                    for key, label in spec_columns if key in table.column_labels)
    cells = tuple(_cell_view(document, cell) for cell in sorted(table.cells.values(), key=lambda item: item.start))
    unreadable = tuple(" ".join(document.text[start:end].split()) for start, end in table.unreadable)
    recovered = tuple(f"{row.row_label}: {row.raw} → {'、'.join(map(str, row.values))}" for row in table.recovered)
    labels = dict(spec_rows)
    return TableView(table.id, table.title, table.source, location_of(document, table.start), rows, columns,
                     tuple(labels.get(key, key) for key in table.missing_rows),
                     tuple(dict(spec_columns).get(key, key) for key in table.missing_columns),
                     cells, unreadable, recovered)


def read_tables_of(path: str, rulebook: Rulebook, options: Options = Options()) -> TablesView:
    """The tables of one file as read, or a view with ``error`` set when the file cannot be read."""
    try:
        document = read_path(path)
    except ReadError as error:
        return TablesView(path, "", None, (), str(error))
    report = analyse(document, rulebook.detection, options.year, options.profile)
    report.cache["rulebook"] = rulebook
    specs = specs_of(report)
    views = []
    for table_id, table in sorted(tables_of(report).items(), key=lambda item: item[1].start):
        spec = specs[table_id]
        views.append(_table_view(document, table, [(row.key, row.label) for row in spec.rows],
                                 [(column.key, column.label) for column in spec.columns]))
    return TablesView(path, report.era, report.report_year, tuple(views))
