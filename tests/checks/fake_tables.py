"""Small fake tables with the interface of auditor.structure.tables (Cell, Table), for kind tests
that must not depend on the table reader: a table is laid out as text, one cell per line. The
model classes and value parsing are the real ones; only the layout is made up here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from auditor.structure.tables import Cell, Table, ValueClass, parse_value


def classify(raw: str) -> tuple[ValueClass, int | Decimal | None]:
    return parse_value(raw)


@dataclass
class TableText:
    """Builds a document text and tables whose cells point into it."""

    lines: list[str] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def add_line(self, line: str) -> None:
        self.lines.append(line + "\n")

    def add_table(self, table_id: str, rows: Sequence[tuple[str, str, Sequence[str]]],
                  columns: Sequence[tuple[str, str]]) -> Table:
        """rows: (key, label, raw values per column); columns: (key, label)."""
        start = len(self.text)
        cells: dict[tuple[str, str], Cell] = {}
        for row_key, row_label, values in rows:
            self.add_line(row_label)
            for (column_key, column_label), raw in zip(columns, values, strict=True):
                offset = len(self.text)
                self.add_line(raw)
                value_class, value = classify(raw)
                cells[(row_key, column_key)] = Cell(table_id, row_key, column_key, row_label, column_label, raw,
                                                    value_class, value, offset, offset + len(raw))
        table = Table(table_id, table_id, start, len(self.text), cells, (), ())
        self.tables[table_id] = table
        return table
