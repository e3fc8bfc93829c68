"""Renderers for ``gk-audit tables``: every table as read, as text for a person or JSON for machines.

Pure functions of ``TablesView`` values (auditor/tables_view.py). The text form lists, per table,
its row and column labels as written, then one line per cell: where it is, row·column, the text
as written and its class (number, zero, blank, na for 无/—, text).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from auditor.tables_view import CellView, TablesView, TableView


def _where(location: dict[str, Any]) -> str:
    """``line:col``, with the reader's own place (表/行/列, page) after it when there is one."""
    place = f"{location['line']}:{location['column']}"
    extra = [f"{key}={location[key]}" for key in ("page", "table", "row", "column_index", "paragraph")
             if key in location]
    if "table" in location and "row" in location and "column" in location and location is not None:
        extra = [f"page={location['page']}"] if "page" in location else []
        extra.append(f"表{location['table']} 行{location['row']} 列{location['column']}")
    return place + (f" ({' '.join(extra)})" if extra else "")


def _cell_line(cell: CellView) -> str:
    shown = "·" if cell.value_class == "blank" else cell.raw
    return f"    {_where(cell.location):<28} {cell.row_label}·{cell.column_label} = {shown} [{cell.value_class}]"


def _table_text(path: str, table: TableView) -> list[str]:
    lines = [f"{path}:{table.location['line']}:{table.location['column']}: {table.id} {table.title} "
             f"(read from {table.source})"]
    lines.append("  rows: " + " | ".join(table.rows))
    lines.append("  columns: " + " | ".join(table.columns))
    if table.missing_rows or table.missing_columns:
        lines.append("  not found: " + " | ".join([*table.missing_rows, *table.missing_columns]))
    for text in table.unreadable[:3]:
        lines.append(f"  unreadable: {text}")
    for text in table.recovered:
        lines.append(f"  split by its own total: {text}")
    lines += [_cell_line(cell) for cell in table.cells]
    return lines


def render_text(views: Sequence[TablesView]) -> str:
    lines: list[str] = []
    for view in views:
        if view.error:
            lines.append(f"{view.path}: {view.error}")
            continue
        lines.append(f"{view.path}: era {view.era}, year {view.year or '?'}, {len(view.tables)} tables")
        for table in view.tables:
            lines += _table_text(view.path, table)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(views: Sequence[TablesView]) -> str:
    return json.dumps({"files": [asdict(view) for view in views]}, ensure_ascii=False, indent=2) + "\n"


TABLE_RENDERERS = {"text": render_text, "json": render_json}
