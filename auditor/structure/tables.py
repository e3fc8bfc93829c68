"""The table model: tables of typed cells read from a report, label-driven.

The rulebook's ``tables:`` mapping declares each table (see auditor/structure/table_spec.py):
where it starts (anchors), its rows and columns with keys and label aliases. ``tables_of(report)``
finds each table of the report's era (by an anchor, or for a 表二 block whose caption is missing by
its header row and rows), then each row label in order and the cells that follow it
(auditor/structure/table_reader.py reads every text form). Cells go to columns by the positions of
the column labels in the header when the header is a grid of cells (auditor/structure/table_header.py:
dropped, reordered and extra columns), else in the statutory order. Each cell is typed (spec §6):

- NUMBER: a number (``12``, ``3,746``, ``１２``, ``12件``, ``-8``, ``减少45``, ``68949.08元``);
- ZERO:   a number equal to 0;
- BLANK:  nothing written;
- NA:     ``无``, ``—``, ``-``, ``/``, ``&nbsp;``: written, but not a number;
- TEXT:   anything else (``若干``, ``见附件``): not readable, never guessed as a number.

Checks read ``tables_of(report)``; a table that cannot be found is absent from the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum

from auditor import regexcache
from auditor.records import field, record
from auditor.structure import Report
from auditor.structure.grid import GridRead, blank_offsets, grid_at, read_grid, text_grid
from auditor.structure.regions import caption_like
from auditor.structure.run_together import digits_of, one_split, run_together
from auditor.structure.table_header import HeaderMap, header_map
from auditor.structure.table_reader import (
    MARKDOWN_RULE,
    PIPE_RUN,
    UNITS,
    Cursor,
    RawCell,
    StopRule,
    read_after,
    read_stream,
)
from auditor.structure.table_spec import LabelSpec, Squeezed, TableSpec, has_label, table_specs
from auditor.textfold import fold
from auditor.textscan import match_spans

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any


class ValueClass(Enum):
    NUMBER = "number"
    ZERO = "zero"
    BLANK = "blank"
    NA = "na"
    TEXT = "text"


@record(eq=False, repr=False)
class Cell:
    """One cell; ``start``..``end`` are offsets of its text in ``Document.text`` (for a BLANK cell,
    the separator that closes it, or the row label when the row ran short)."""

    table: str
    row: str
    column: str
    row_label: str
    column_label: str
    raw: str
    value_class: ValueClass
    value: int | Decimal | None
    start: int
    end: int
    unit: str = ""

    def __init__(self, table: str, row: str, column: str, row_label: str, column_label: str, raw: str,
                 value_class: ValueClass, value: int | Decimal | None, start: int, end: int, unit: str = "") -> None:
        # written out: a report has a hundred or more cells
        self.table, self.row, self.column = table, row, column
        self.row_label, self.column_label = row_label, column_label
        self.raw, self.value_class, self.value, self.start, self.end, self.unit = (
            raw, value_class, value, start, end, unit)

    @property
    def is_number(self) -> bool:
        return self.value_class in (ValueClass.NUMBER, ValueClass.ZERO)


@record(eq=False, repr=False)
class RecoveredRow:
    """A row whose digits ran together (``7000007``), split the one way its own total allows."""

    row: str
    row_label: str
    raw: str
    values: tuple[int, ...]
    start: int
    end: int


@record(eq=False, repr=False)
class Table:
    """A table found in a report: cells by (row key, column key)."""

    id: str
    title: str
    start: int
    end: int
    cells: Mapping[tuple[str, str], Cell]
    missing_rows: tuple[str, ...]
    missing_columns: tuple[str, ...]
    anchor_end: int = -1
    row_labels: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    column_labels: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    source: str = "text"  # "grid": a reader's grid; "text-grid": rectangular text rows as a grid; "text"
    unreadable: tuple[tuple[int, int], ...] = ()  # cells that cannot be told apart: no cells are kept
    recovered: tuple[RecoveredRow, ...] = ()  # rows of run-together digits split by their own total

    def cell(self, row: str, column: str) -> Cell | None:
        return self.cells.get((row, column))

    def row_cells(self, row: str) -> list[Cell]:
        return [cell for (row_key, _), cell in self.cells.items() if row_key == row]


# ---------------------------------------------------------------------------- cell values
_NA = regexcache.compile(r"^(?:无|暂无|[-—–－―]+|/|\\|&nbsp;?)$", re.IGNORECASE)
_NUMBER = regexcache.compile(
    r"^(?P<sign>[-+−]|减少|增加)?\s*(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?\s*"
    rf"(?P<unit>{UNITS})?$"
)


def parse_value(raw: str, money: bool = False) -> tuple[ValueClass, int | Decimal | None]:
    """The class and value of a cell's text. Money values are Decimal; counts are int (Decimal
    when written with a fraction, so that a domain check can flag it)."""
    text = fold(raw).strip()
    if not text:
        return ValueClass.BLANK, None
    if _NA.match(text):
        return ValueClass.NA, None
    match = _NUMBER.match(text)
    if match is None:
        return ValueClass.TEXT, None
    digits = match.group("digits").replace(",", "")
    fraction = match.group("fraction") or ""
    negative = match.group("sign") in ("-", "−", "减少")
    value: int | Decimal = Decimal(digits + fraction) if money or fraction else int(digits)
    if negative:
        value = -value
    return (ValueClass.ZERO if value == 0 else ValueClass.NUMBER), value


# ---------------------------------------------------------------------------- finding tables
def _anchor(report: Report, spec: TableSpec, squeezed: _LazySqueezed) -> tuple[int, int] | None:
    """The first anchor match inside a table region, else the first anywhere; failing that, a
    header row that opens the table (``header:``)."""
    matches = sorted(span for pattern in spec.anchors for span in _spans(report, pattern))
    matches = [span for span in matches if report.in_table(span[0]) or _caption_like(report, span[0])]
    in_region = [span for span in matches if report.in_table(span[0])]
    found = in_region or matches
    if found:
        return found[0]
    return _header_anchor(report, spec, squeezed) if spec.header is not None else None


def _spans(report: Report, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """The spans of ``pattern``'s matches in the folded text, found once per report (several tables
    share a header pattern). Do not modify the list."""
    memo: dict[re.Pattern[str], list[tuple[int, int]]] = report.cache.setdefault("tables.spans", {})
    found = memo.get(pattern)
    if found is None:
        document = report.document
        found = memo[pattern] = match_spans(document.index, pattern)
    return found


def _caption_like(report: Report, offset: int) -> bool:
    """Whether the line holding an anchor looks like a caption or a table line, not a sentence that
    mentions the table (如表三所示……): short, and not ending as a sentence does."""
    line = report.document.line(report.document.line_index_of(offset))
    return caption_like(line.folded.strip(), report.detection)


@record(eq=False, repr=False)
class _LazySqueezed:
    """The squeezed document text, built on first use (most reports without tables never need it)."""

    folded: str
    value: Squeezed | None = None

    def get(self) -> Squeezed:
        if self.value is None:
            self.value = Squeezed.of(self.folded)
        return self.value


def _header_anchor(report: Report, spec: TableSpec, squeezed: _LazySqueezed) -> tuple[int, int] | None:
    """A table whose caption is missing: the first header label (信息内容) followed, before the next
    one or the next top-level heading, by the table's columns and then one of its rows."""
    assert spec.header is not None
    folded = report.document.folded
    hits = _spans(report, spec.header)
    if not hits:
        return None
    headings = [report.document.line_starts[heading.line_index] for heading in report.outline
                if heading.parent is None]
    for index, (start, end) in enumerate(hits):
        following = [hit[0] for hit in hits[index + 1:index + 2]]
        limit = min([len(folded), *following, *[offset for offset in headings if offset > end]])
        if _opens_table(spec, squeezed.get(), end, limit):
            return start, end
    return None


def _opens_table(spec: TableSpec, squeezed: Squeezed, start: int, limit: int) -> bool:
    rows = [found for row in spec.data_rows if (found := squeezed.search(row.pattern, start, limit))]
    if not rows:
        return False
    first_row = min(found[0] for found in rows)
    return all(squeezed.search(column.pattern, start, first_row) for column in spec.columns if not column.optional)


def _boundaries(report: Report, starts: list[int]) -> list[int]:
    """Where each table (by start offset, sorted) ends: the next table or the next top-level heading."""
    document = report.document
    headings = [document.line_starts[heading.line_index] for heading in report.outline if heading.parent is None]
    ends = []
    for index, start in enumerate(starts):
        limits = [len(document.text)]
        if index + 1 < len(starts):
            limits.append(starts[index + 1])
        limits += [offset for offset in headings if offset > start]
        ends.append(min(limits))
    return ends


@record(eq=False, repr=False)
class _Builder:
    """Collects what is read of one table."""

    report: Report
    spec: TableSpec
    squeezed: Squeezed
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    row_labels: dict[str, tuple[int, int]] = field(default_factory=dict)
    column_labels: dict[str, tuple[int, int]] = field(default_factory=dict)
    last: int = 0
    header: HeaderMap | None = None
    column_names: dict[str, str] = field(default_factory=dict)  # labels written in fragments (grid)

    def text(self, start: int, end: int) -> str:
        return " ".join(self.report.document.text[start:end].split())

    def add_row(self, row: LabelSpec, raw_cells: list[RawCell], label: tuple[int, int]) -> None:
        """Cells in the statutory column order, or by header position when the header was read."""
        blank = RawCell("", label[0], label[1])
        if self.header is None:
            for index, column in enumerate(self.spec.columns):
                self.add(row, column, raw_cells[index] if index < len(raw_cells) else blank)
            return
        aligned = self.header.align(raw_cells)
        for column in self.spec.columns:
            if column.key not in self.header.positions:
                continue
            raw = self.header.cell(column.key, aligned)
            if raw is not None or len(self.header.positions[column.key]) == 1:
                self.add(row, column, raw or blank)
            elif any(position in aligned for position in self.header.positions[column.key]):
                self.column_labels.pop(column.key, None)  # a merged column whose copies disagree

    def add(self, row: LabelSpec, column: LabelSpec, raw: RawCell) -> None:
        text = self.report.document.text[raw.start:raw.end] if raw.text else ""
        value_class, value = parse_value(text, money=column.money or row.money)
        row_span = self.row_labels.get(row.key)
        column_span = self.column_labels.get(column.key)
        self.cells[(row.key, column.key)] = Cell(
            table=self.spec.id, row=row.key, column=column.key,
            row_label=self.text(*row_span) if row_span else row.label,
            column_label=self.column_names.get(column.key)
            or (self.text(*column_span) if column_span else column.label),
            raw=text, value_class=value_class, value=value, start=raw.start, end=raw.end, unit=raw.unit,
        )
        self.last = max(self.last, raw.end)


def _find_columns(builder: _Builder, start: int, end: int) -> None:
    for column in builder.spec.columns:
        found = builder.squeezed.search(column.pattern, start, end)
        if found:
            builder.column_labels[column.key] = found
            builder.last = max(builder.last, found[1])


def _stop_rule(spec: TableSpec, index: int) -> StopRule:
    """Which lone cells end row ``index`` in a one-value-per-line table: a row label, except that a
    label which is also a column label (其他, 总计) ends it only if its row comes next in order."""
    soon = {row.key for row in spec.rows[index + 1:index + 3]}
    candidates = [row.pattern for row in spec.rows if not row.ambiguous or row.key in soon]

    def stop(line: str) -> bool:
        if not has_label(spec.any_row_label, line):
            return False
        squeezed = Squeezed.of(line)
        return any(squeezed.search(pattern, 0, len(line)) for pattern in candidates)
    return stop


def _first_row(builder: _Builder, start: int, end: int) -> int | None:
    for row in builder.spec.rows:
        found = builder.squeezed.search(row.pattern, start, end)
        if found is not None:
            return found[0]
    return None


def _read_header(builder: _Builder, cursor: Cursor, start: int, first_row: int | None) -> None:
    """Column labels in the header; their positions when the header is a grid of cells."""
    header_end = first_row if first_row is not None else cursor.end
    _find_columns(builder, start, header_end)
    if first_row is None:
        return
    builder.header = header_map(builder.spec, cursor.folded, start, header_end, set(builder.column_labels))
    if builder.header is not None:
        builder.column_labels = dict(builder.header.spans)


def _read_rows(builder: _Builder, cursor: Cursor, start: int) -> None:
    folded = cursor.folded
    spec = builder.spec
    position = start
    _read_header(builder, cursor, start, _first_row(builder, start, cursor.end))
    header = builder.header
    count = len(spec.columns) if header is None else max(len(spec.columns), header.width - header.first)
    for index, row in enumerate(spec.rows):
        found = builder.squeezed.search(row.pattern, position, cursor.end)
        if found is None:
            continue
        label_end = found[1]
        builder.row_labels[row.key] = found
        builder.last = max(builder.last, label_end)
        position = label_end
        if row.group and not row.subtotal:
            continue
        line_end = folded.find("\n", label_end)
        rest = folded[label_end:line_end if line_end != -1 else len(folded)]
        if has_label(spec.any_row_label, row.pattern.sub(" ", rest)):
            raw_cells: list[RawCell] = []
        else:
            raw_cells = read_after(cursor, spec, label_end, count, stop=_stop_rule(spec, index),
                                   trim=header is None)
        if row.group and not raw_cells:
            continue
        builder.add_row(row, raw_cells, found)


def _data_start(builder: _Builder, cursor: Cursor, start: int) -> int | None:
    """Vector layout: the first line after the header lines that carries no header label."""
    folded = cursor.folded
    header_seen = False
    offset = folded.rfind("\n", 0, start) + 1
    while offset < cursor.end:
        line_end = folded.find("\n", offset)
        line_end = cursor.end if line_end == -1 else min(line_end, cursor.end)
        line = folded[offset:line_end]
        stripped = line.strip()
        if has_label(builder.spec.any_header_label, line):
            header_seen = True
        elif header_seen and stripped and not (PIPE_RUN.match(line) or MARKDOWN_RULE.match(line)):
            return offset
        offset = line_end + 1
    return None


def _read_vector(builder: _Builder, cursor: Cursor, start: int) -> None:
    spec = builder.spec
    data_start = _data_start(builder, cursor, start)
    header_end = data_start if data_start is not None else cursor.end
    for row in spec.rows:
        found = builder.squeezed.search(row.pattern, start, header_end)
        if found:
            builder.row_labels[row.key] = found
    _find_columns(builder, start, header_end)
    if data_start is None:
        return
    data_rows = spec.data_rows
    raw_cells = read_stream(cursor, spec, data_start, len(data_rows) * len(spec.columns))
    for index, raw in enumerate(raw_cells):
        row = data_rows[index // len(spec.columns)]
        builder.add(row, spec.columns[index % len(spec.columns)], raw)


def _from_grid(builder: _Builder, read: GridRead) -> None:
    document = builder.report.document
    builder.row_labels.update(read.row_labels)
    builder.column_labels.update(read.column_labels)
    builder.column_names.update(read.column_names)
    builder.last = max(builder.last, read.last)
    for placed in read.placed:
        cell = placed.cell
        if cell is None:
            raw = RawCell("", placed.label.start_offset, placed.label.end_offset)
        elif cell.text.strip():
            raw = RawCell(cell.text.strip(), cell.start_offset, cell.end_offset)
        else:
            raw = RawCell("", *blank_offsets(document, cell))
        builder.add(placed.row, placed.column, raw)


def _all_columns_located(spec: TableSpec, read: GridRead) -> bool:
    return bool(read.placed) and all(column.key in read.column_labels for column in spec.columns if not column.optional)


def _read_table(report: Report, spec: TableSpec, anchor: tuple[int, int], end: int, squeezed: Squeezed) -> Table:
    builder = _Builder(report, spec, squeezed, last=anchor[1])
    # A Markdown table is text typed by hand (pipe rows in the text, no spans): it is read as text is,
    # not from the Markdown reader's grid, which keeps its ragged rows as they were typed.
    grid = None if report.document.source_format == "md" else grid_at(report.document, anchor[0], end)
    # A table without one merged cell (a Word table typed plainly) is laid out as text is: a group label
    # in the first of its columns, the rest empty; its spans are inferred the same way.
    plain = grid is not None and all(cell.row_span == 1 and cell.column_span == 1 for cell in grid.cells)
    read = read_grid(spec, grid, anchor[0], end, infer_spans=plain) if grid is not None else None
    source = "grid"
    if grid is None and (typed := text_grid(report.document, anchor[0], end)) is not None:
        read = read_grid(spec, typed, anchor[0], end, infer_spans=True)
        source = "text-grid"
        if read is not None and not _all_columns_located(spec, read):
            read = None  # not every column located by position: the text reader below decides
    if read is not None:
        _from_grid(builder, read)
        return _table(spec, builder, anchor, source,
                      tuple((cell.start_offset, cell.end_offset) for cell in read.unplaced))
    detection = report.detection
    cursor = Cursor(report.document.folded, end, detection.region_max_label_length)
    if spec.layout == "vector":
        _read_vector(builder, cursor, anchor[0])
    else:
        _read_rows(builder, cursor, anchor[0])
    if builder.header is not None:  # a merged column whose copies disagree somewhere: none of its cells
        builder.cells = {key: cell for key, cell in builder.cells.items() if key[1] in builder.column_labels}
    return _table(spec, builder, anchor, "text", ())


def _split_row(builder: _Builder, row: LabelSpec, run: Cell, lengths: tuple[int, ...]) -> RecoveredRow:
    """Replace a run-together row's cells by the numbers of its one valid cut."""
    position = 0
    for column, length in zip(builder.spec.columns, lengths, strict=True):
        start = run.start + position
        builder.add(row, column, RawCell(run.raw[position:position + length], start, start + length))
        position += length
    values = tuple(builder.cells[(row.key, column.key)].value or 0 for column in builder.spec.columns)
    return RecoveredRow(row.key, run.row_label, run.raw, tuple(int(value) for value in values), run.start, run.end)


def _settle(builder: _Builder) -> tuple[tuple[tuple[int, int], ...], tuple[RecoveredRow, ...]]:
    """Rows whose cells ran together (auditor/structure/run_together.py): split by their own total
    when exactly one cut satisfies it, else the table's unreadable cells."""
    spec = builder.spec
    unreadable: list[tuple[int, int]] = []
    recovered: list[RecoveredRow] = []
    keys = [column.key for column in spec.columns]
    for row in spec.data_rows:
        cells = [builder.cells.get((row.key, key)) for key in keys]
        index = run_together([cell.raw if cell is not None else "" for cell in cells])
        if index is None:
            continue
        run = cells[index]
        assert run is not None
        written = sum(1 for cell in cells if cell is not None and cell.raw.strip())
        digits = digits_of(run.raw) or ""
        lengths = (one_split(digits, len(keys), keys.index(spec.row_total))
                   if written == 1 and run.raw == digits and spec.row_total in keys else None)
        if lengths is None:
            unreadable.append((run.start, run.end))
        else:
            recovered.append(_split_row(builder, row, run, lengths))
    return tuple(unreadable), (() if unreadable else tuple(recovered))


def _table(spec: TableSpec, builder: _Builder, anchor: tuple[int, int], source: str,
           unplaced: tuple[tuple[int, int], ...]) -> Table:
    run_together_cells, recovered = _settle(builder)
    unreadable = unplaced + run_together_cells
    present_rows = set(builder.row_labels) | {row for row, _ in builder.cells}
    missing_rows = tuple(row.key for row in spec.rows if row.key not in present_rows and not row.optional
                         and not row.group)
    missing_columns = tuple(column.key for column in spec.columns
                            if column.key not in builder.column_labels and not column.optional)
    return Table(
        id=spec.id, title=spec.title, start=anchor[0], end=max(builder.last, anchor[1]),
        missing_rows=missing_rows, missing_columns=missing_columns, anchor_end=anchor[1],
        row_labels=builder.row_labels, column_labels=builder.column_labels, source=source,
        unreadable=unreadable, cells=({} if unreadable else builder.cells), recovered=recovered,
    )


@record(eq=False, repr=False)
class TableReading:
    """The tables of a report: those read cell by cell, by id, and those found but of another format
    (fewer of their required rows found than the definition's ``min_rows_found``: not read cell by
    cell, so that no finding lists their dozens of rows as missing)."""

    tables: dict[str, Table]
    other_format: tuple[Table, ...] = ()


def _rows_found(spec: TableSpec, table: Table) -> int:
    return sum(1 for row in spec.data_rows if row.key in table.row_labels)


# a line of the table carrying a row: a label (three Han characters in a row) and a digit
_VALUE_ROW = regexcache.compile(r"(?=.*[\u3400-\u9fff]{3})(?=.*\d)")


def _rows_recognised(report: Report, table: Table, end: int) -> float:
    """The share of the lines under the caption, up to where the table must end, that carry a label
    and a number (a row with its values) and hold a row label found: 1.0 when there is no such line."""
    document = report.document
    first = document.line_index_of(table.anchor_end) + 1
    last = document.line_index_of(max(end - 1, table.anchor_end))
    rows = [index for index in range(first, last + 1) if _VALUE_ROW.match(document.line(index).folded)]
    if not rows:
        return 1.0
    found = {document.line_index_of(start) for start, _ in table.row_labels.values()}
    return sum(1 for index in rows if index in found) / len(rows)


def other_format(report: Report, spec: TableSpec, table: Table, end: int) -> bool:
    """Whether the table is of another format than its definition: fewer of the definition's rows
    found than ``min_rows_found`` (below 1 a share of the required rows, from 1 a number of rows),
    and fewer of the table's own rows (lines with a label and a number) recognised than
    ``min_lines_recognised`` (a part of a table of the format, whose every row is known, is that
    format, not another)."""
    threshold = spec.min_rows_found
    if threshold is None:
        return False
    if threshold >= 1:
        too_few = _rows_found(spec, table) < threshold
    else:
        required = [row for row in spec.data_rows if not row.optional]
        too_few = bool(required) and (len(required) - len(table.missing_rows)) / len(required) < threshold
    return too_few and _rows_recognised(report, table, end) < spec.min_lines_recognised


def _caption_only(spec: TableSpec, table: Table, following: list[int], end: int) -> bool:
    return (spec.min_rows_found is not None and not any(row.key in table.row_labels for row in spec.data_rows)
            and following == [end])


def read_all_tables(report: Report, definitions: Mapping[str, Any]) -> TableReading:
    """Every table of ``definitions`` that applies to the report's era and is found in it. Definitions
    anchored at the same place (a national and a local table under one caption) are alternatives:
    the one with more of its rows found is kept."""
    anchored = []
    lazy = _LazySqueezed(report.document.folded, None)
    for spec in table_specs(definitions, report.era):
        anchor = _anchor(report, spec, lazy)
        if anchor is not None:
            anchored.append((anchor, spec))
    if not anchored:
        return TableReading({}, ())
    anchored.sort(key=lambda item: item[0][0])  # stable: equal anchors keep the rulebook's order
    starts = sorted({anchor[0] for anchor, _ in anchored})
    ends = dict(zip(starts, _boundaries(report, starts), strict=True))
    squeezed = lazy.get()
    best: dict[int, tuple[int, TableSpec, Table]] = {}
    for anchor, spec in anchored:
        table = _read_table(report, spec, anchor, ends[anchor[0]], squeezed)
        found = _rows_found(spec, table)
        if anchor[0] not in best or found > best[anchor[0]][0]:
            best[anchor[0]] = (found, spec, table)
    # a table of another format none of whose rows is found, right before another table, is only
    # that table's caption (a local table's header anchors it a line below the national caption)
    kept = [best[start] for index, start in enumerate(starts)
            if not _caption_only(*best[start][1:], starts[index + 1:index + 2], ends[start])]
    other = {table.id for _, spec, table in kept if other_format(report, spec, table, ends[table.start])}
    tables = {table.id: table for _, _, table in kept if table.id not in other}
    others = tuple(table for _, _, table in kept if table.id in other)
    return TableReading(tables, others)


def specs_of(report: Report) -> dict[str, TableSpec]:
    """The table definitions that apply to the report's era, by table id."""
    rulebook = report.cache.get("rulebook")
    if rulebook is None:
        return {}
    return {spec.id: spec for spec in table_specs(rulebook.tables, report.era)}


def _reading(report: Report) -> TableReading:
    cached = report.cache.get("table_reading")
    if cached is None:
        rulebook = report.cache.get("rulebook")
        cached = read_all_tables(report, rulebook.tables) if rulebook is not None else TableReading({}, ())
        report.cache["table_reading"] = cached
    return cached


def tables_of(report: Report) -> dict[str, Table]:
    """The report's tables, read once and cached in ``report.cache["tables"]``."""
    cached = report.cache.get("tables")
    if cached is None:
        cached = _reading(report).tables
        report.cache["tables"] = cached
    return cached


def other_format_tables(report: Report) -> tuple[Table, ...]:
    """Tables found by their caption or header whose rows are mostly not those of their definition."""
    return _reading(report).other_format
