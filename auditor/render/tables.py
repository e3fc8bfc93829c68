"""Renderers for ``gk-audit tables``: every table as read, as text for a person or JSON for machines.

Pure functions of ``TablesView`` values (auditor/tables_view.py). The text form lists, per table,
its row and column labels as written, then one line per cell: where it is (line:column, and the
reader's 第N页 表N 行N 列N), row·column, the text as written and its class (number, zero, blank,
na for 无/—, text).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from auditor.records import asdict
from auditor.tables_view import CellView, TablesView, TableView

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

_PLACE_WORDS = (("page", "第{}页"), ("table", "表{}"), ("row", "行{}"), ("column", "列{}"), ("paragraph", "段{}"),
                ("line", "行{}"))


def _where(location: dict[str, Any]) -> str:
    """``line:col``, with the reader's own place after it (第2页 表1 行3 列2) when there is one."""
    place = location.get("place") or {}
    words = [word.format(place[key]) for key, word in _PLACE_WORDS if key in place]
    return f"{location['line']}:{location['column']}" + (f" ({' '.join(words)})" if words else "")


_SOURCES = {"grid": "读自表格单元格", "text-grid": "读自文本中的单元格行", "text": "读自文本"}


def _cell_line(cell: CellView) -> str:
    shown = "·" if cell.value_class == "blank" else cell.raw
    return f"    {_where(cell.location):<28} {cell.row_label}·{cell.column_label} = {shown} [{cell.value_class}]"


def _table_text(path: str, table: TableView) -> list[str]:
    lines = [f"{path}:{table.location['line']}:{table.location['column']}: {table.title}（{table.id}，"
             f"{_SOURCES.get(table.source, table.source)}）"]
    lines.append("  行：" + " | ".join(table.rows))
    lines.append("  列：" + " | ".join(table.columns))
    if table.missing_rows or table.missing_columns:
        lines.append("  没有找到：" + " | ".join([*table.missing_rows, *table.missing_columns]))
    for text in table.unreadable[:3]:
        lines.append(f"  无法区分的单元格：{text}")
    for text in table.recovered:
        lines.append(f"  按本行总计拆分：{text}")
    lines += [_cell_line(cell) for cell in table.cells]
    return lines


def render_text(views: Sequence[TablesView]) -> str:
    lines: list[str] = []
    for view in views:
        if view.error:
            lines.append(f"{view.path}: {view.error}")
            continue
        lines.append(f"{view.path}: 报告年度 {view.year or '?'}，{view.era} 格式，读到 {len(view.tables)} 张表")
        for table in view.tables:
            lines += _table_text(view.path, table)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(views: Sequence[TablesView]) -> str:
    return json.dumps({"files": [asdict(view) for view in views]}, ensure_ascii=False, indent=2) + "\n"


TABLE_RENDERERS = {"text": render_text, "json": render_json}
