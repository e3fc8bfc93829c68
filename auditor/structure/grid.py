"""Tables read from a grid of cells: the contract with the readers, and label mapping over a grid.

The grid contract (what a reader puts in ``Document.grids``)
-------------------------------------------------------------
A reader that sees a real table (HTML ``<table>``, a Word table, a ruled PDF table, a PDF table
inferred from word positions) appends one ``Grid`` per table, in document order:

- ``GridCell.row`` / ``GridCell.column`` are 0-based *physical* positions: the position of the
  cell's top-left corner in the table with every merged cell expanded (as a browser lays it out).
  ``row_span`` / ``column_span`` are the cell's spans (``rowspan``/``colspan``, ``vMerge``/
  ``gridSpan``, a ruled PDF cell over several columns), at least 1.
- A merged cell is given once, at its top-left position. A reader MAY also give copies at the
  positions the merged cell covers (same text, same spans): they are recognised as covered and
  ignored, so the older expanded form is read the same. A position covered by no cell is empty.
- ``GridCell.text`` is the cell's text, whitespace-normalised, and ``start_offset`` ..
  ``end_offset`` are the offsets of exactly that text in ``Document.text`` (``Document.text[start:
  end] == text``), so that a finding on the cell points at it (docx/PDF ``location`` comes from
  the reader's Locator at those offsets). An empty cell has ``start_offset == end_offset``, at the
  place in the text where the cell is written (e.g. just before its closing ``|``).
- ``Grid.start_offset`` .. ``Grid.end_offset`` cover the table's text; grids do not overlap.
- A table continued on the next page is ONE grid (rows of both pages, a merged cell split by the
  page break joined into one cell); page furniture is not in a grid.
- A frame that only holds prose (one column of paragraphs) is not a grid.

The reader still writes each table into ``Document.text`` as one line per grid row (``| a | b |``)
so that spans, code frames and text checks see the cells; the structure layer never reads a
grid's table back from that text: a table whose anchor lies in or just above a grid is read from
the grid (``read_grid``). Tables written as text (pipes, tabs, aligned columns, one value per
line) are read by auditor/structure/table_reader.py.

Label mapping over a grid
-------------------------
Header rows are the rows above the first row that holds a row label of the table. Each physical
column gets its column label from the header cells stacked over it: the cell whose text is a
column label, or fragments of one label stacked over several rows (``商业 / 企业``) joined top to
bottom; a label over several physical columns (a colspan over a filler cell) owns all of them.
A data cell belongs to the column whose positions it overlaps; several cells under one column (a
filler cell beside the value) give the one that is written; copies of one value (a data cell
repeated across a colspan) agree; two different values under one column drop that column (it is
reported missing); a written cell spread over two columns cannot be placed: the table reports it
once (``GridRead.unplaced``, a ``table`` finding) and none of its cells is read. Never guessed.

Text has no spans: a grid parsed from pipe or tab rows (``text_grid``, rectangular rows only) lets
a header cell that is not itself a column label cover the empty cells after it in its row.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from auditor.document import Document, Grid, GridCell
from auditor.records import field, record
from auditor.structure.table_reader import MARKDOWN_RULE, PIPE_RUN
from auditor.structure.table_spec import LabelSpec, Squeezed, TableSpec, has_label
from auditor.textfold import fold


@record(frozen=True, repr=False)
class Slot:
    """A source cell on the physical grid: rows ``row``..``row + rows``, columns ``column``..``column + columns``."""

    cell: GridCell
    row: int
    column: int
    rows: int
    columns: int

    def __init__(self, cell: GridCell, row: int, column: int, rows: int, columns: int) -> None:
        # written out: a grid table has dozens (frozen: set through __dict__)
        self.__dict__.update(cell=cell, row=row, column=column, rows=rows, columns=columns)

    @property
    def text(self) -> str:
        return self.cell.text.strip()

    @property
    def last_column(self) -> int:
        return self.column + self.columns

    def covers(self, row: int, column: int) -> bool:
        return self.row <= row < self.row + self.rows and self.column <= column < self.last_column

    def overlaps(self, first: int, last: int) -> bool:
        return self.column < last and first < self.last_column


def slots_of(grid: Grid) -> list[Slot]:
    """The grid's source cells, each once (copies a reader gave at covered positions dropped)."""
    covered: set[tuple[int, int]] = set()
    slots: list[Slot] = []
    for cell in sorted(grid.cells, key=lambda item: (item.row, item.column)):
        if (cell.row, cell.column) in covered:
            continue
        slot = Slot(cell, cell.row, cell.column, max(cell.row_span, 1), max(cell.column_span, 1))
        slots.append(slot)
        covered.update((row, column) for row in range(slot.row, slot.row + slot.rows)
                       for column in range(slot.column, slot.last_column))
    return slots


def grid_at(document: Document, start: int, end: int) -> Grid | None:
    """The reader's grid holding offset ``start``, else the first grid that begins before ``end``
    with only blank lines or one caption line between ``start`` and it."""
    for grid in document.grids:
        if grid.start_offset <= start < grid.end_offset:
            return grid
    for grid in document.grids:
        if start <= grid.start_offset < end:
            between = document.text[start:grid.start_offset]
            return grid if between.count("\n") <= 2 else None
    return None


def squeeze(text: str) -> str:
    return "".join(fold(text).split())


@record(eq=False, repr=False)
class Placed:
    """A value cell placed under a row and a column; ``cell`` None: the row has nothing there."""

    row: LabelSpec
    column: LabelSpec
    cell: GridCell | None
    label: GridCell

    def __init__(self, row: LabelSpec, column: LabelSpec, cell: GridCell | None, label: GridCell) -> None:
        self.row, self.column, self.cell, self.label = row, column, cell, label  # written out, as Slot's


@record(eq=False, repr=False)
class GridRead:
    """What was read of one table from a grid."""

    placed: list[Placed] = field(default_factory=list)
    row_labels: dict[str, tuple[int, int]] = field(default_factory=dict)
    column_labels: dict[str, tuple[int, int]] = field(default_factory=dict)
    column_names: dict[str, str] = field(default_factory=dict)  # a label stacked in fragments, joined
    unplaced: list[GridCell] = field(default_factory=list)  # cells that cannot be told apart
    disagreeing: set[str] = field(default_factory=set)  # columns with two different values in a row
    last: int = 0

    def drop_disagreeing(self) -> GridRead:
        """A column whose copies disagree somewhere: none of its cells, and it is missing."""
        self.placed = [placed for placed in self.placed if placed.column.key not in self.disagreeing]
        for key in self.disagreeing:
            self.column_labels.pop(key, None)
        return self


def _region(slots: Sequence[Slot], start: int, end: int) -> list[Slot]:
    """Slots of the rows that lie between ``start`` and ``end`` (the table's own rows)."""
    rows = {slot.row for slot in slots if start <= slot.cell.start_offset < end}
    if not rows:
        return []
    first, last = min(rows), max(rows)
    return [slot for slot in slots if first <= slot.row <= last]


def blank_offsets(document: Document, cell: GridCell) -> tuple[int, int]:
    """Where an empty cell is shown: the first mark after its place on the same line (the ``|``
    that closes it in the text rendering), else its place."""
    text = document.text
    position = cell.start_offset
    while position < len(text) and text[position] in " \t\u3000":
        position += 1
    if position < len(text) and text[position] != "\n":
        return position, position + 1
    return cell.start_offset, cell.start_offset


def _first_label_row(spec: TableSpec, slots: Sequence[Slot]) -> int | None:
    rows = sorted({slot.row for slot in slots if slot.text and has_label(spec.any_row_label, fold(slot.text))
                   and not _column_key(spec.columns, slot.text)})
    return rows[0] if rows else None


def _column_key(columns: Sequence[LabelSpec], text: str) -> LabelSpec | None:
    squeezed = squeeze(text)
    return next((column for column in columns if squeezed and column.pattern.fullmatch(squeezed)), None)


@record(eq=False, repr=False)
class _Header:
    """One physical column's label: the spec entry, the row key (vector tables) and the label's span."""

    column: LabelSpec
    span: tuple[int, int]
    name: str
    row: LabelSpec | None = None
    row_span: tuple[int, int] = (0, 0)


def _stack_label(columns: Sequence[LabelSpec], stack: Sequence[Slot]) -> tuple[LabelSpec, int, int] | None:
    """The column label written in ``stack`` (header cells over one column, top to bottom): one
    cell, or fragments of one label over consecutive cells; the longest reading wins, then the lowest."""
    best: tuple[int, int, LabelSpec, int, int] | None = None
    for first in range(len(stack)):
        for last in range(first, len(stack)):
            text = "".join(slot.text for slot in stack[first:last + 1])
            column = _column_key(columns, text)
            if column is not None:
                rank = (len(squeeze(text)), last)
                if best is None or rank > best[:2]:
                    best = (*rank, column, first, last)
    return None if best is None else (best[2], best[3], best[4])


def _spread(spec: TableSpec, header: Sequence[Slot]) -> list[Slot]:
    """Text has no spans: a header cell that is not itself a column label (申请人情况, 法人或其他组织,
    行政复议) covers the empty cells after it in its row, as a colspan would."""
    by_row: dict[int, list[Slot]] = {}
    for slot in header:
        by_row.setdefault(slot.row, []).append(slot)
    spread: list[Slot] = []
    for slots in by_row.values():
        slots.sort(key=lambda slot: slot.column)
        for index, slot in enumerate(slots):
            columns = slot.columns
            if slot.text and _column_key(spec.columns, slot.text) is None:
                for following in slots[index + 1:]:
                    if following.text:
                        break
                    columns = following.last_column - slot.column
            spread.append(Slot(slot.cell, slot.row, slot.column, slot.rows, columns))
    return spread


def _headers(spec: TableSpec, header: Sequence[Slot], width: int, infer_spans: bool = False) -> dict[int, _Header]:
    found: dict[int, _Header] = {}
    if infer_spans:
        header = _spread(spec, header)
    for position in range(width):
        stack = sorted((slot for slot in header if slot.column <= position < slot.last_column and slot.text),
                       key=lambda slot: slot.row)
        label = _stack_label(spec.columns, stack)
        whole = {key.key for slot in stack if (key := _column_key(spec.columns, slot.text)) is not None}
        if label is None or len(whole) > 1:
            continue  # two column labels over one position: not a positional header, never guessed
        column, first, last = label
        span = (stack[last].cell.start_offset, stack[last].cell.end_offset)  # the bottom fragment
        name = "".join(slot.text for slot in stack[first:last + 1])
        row = next(((item, slot) for slot in stack for item in spec.rows if spec.layout == "vector"
                    and not item.group and squeeze(slot.text) and item.pattern.fullmatch(squeeze(slot.text))), None)
        found[position] = _Header(column, span, name, *((row[0], (row[1].cell.start_offset, row[1].cell.end_offset))
                                                  if row else (None, (0, 0))))  # every field: quick __init__
    return _one_owner_per_label(found)


def _one_owner_per_label(found: dict[int, _Header]) -> dict[int, _Header]:
    """A column label cell over several physical columns is one logical column: when the group above
    it changes inside its span (LibreOffice's 表四: 总计 of 行政复议 reaching one sliver under 行政诉讼),
    the group over its first column owns all of them."""
    first_of: dict[tuple[int, int], _Header] = {}
    for position in sorted(found):
        header = first_of.setdefault(found[position].span, found[position])
        if header.row is not None and found[position].row != header.row:
            found[position] = header
    return found


def _column_runs(headers: dict[int, _Header]) -> dict[tuple[str, str], tuple[int, int]]:
    """(row key or "", column key) -> the run of physical columns it owns; a label at two separate
    places is left out (its cells are missing, never taken from a neighbour)."""
    positions: dict[tuple[str, str], list[int]] = {}
    for position, header in sorted(headers.items()):
        positions.setdefault((header.row.key if header.row else "", header.column.key), []).append(position)
    return {key: (spots[0], spots[-1] + 1) for key, spots in positions.items()
            if spots[-1] - spots[0] == len(spots) - 1}


def _pick(slots: Sequence[Slot], first: int, last: int, read: GridRead, key: str) -> GridCell | None:
    """The value cell of a row under columns ``first``..``last``. Copies of one value agree; two
    different values under one column drop the column (``read.disagreeing``), never guessed."""
    under = [slot for slot in slots if slot.overlaps(first, last)]
    if not under:
        return None
    spread = [slot for slot in under if slot.column < first or slot.last_column > last]
    if spread and any(slot.text for slot in spread):
        read.unplaced.extend(slot.cell for slot in spread if slot.text)
        return None
    written = [slot for slot in under if slot.text]
    if not written:
        return under[0].cell
    if len({squeeze(slot.text) for slot in written}) > 1:
        read.disagreeing.add(key)
        return None
    return written[0].cell


def _label_span(pattern: re.Pattern[str], slot: Slot) -> tuple[int, int]:
    """The offsets of the label itself inside a cell (without its ordinal, 一、 or 1.)."""
    found = Squeezed.of(fold(slot.cell.text)).search(pattern, 0, len(slot.cell.text))
    start = slot.cell.start_offset
    return (start + found[0], start + found[1]) if found else (start, slot.cell.end_offset)


def _row_of(spec: TableSpec, labels: Sequence[Slot], position: int, used: set[str]) -> tuple[LabelSpec, Slot] | None:
    """The table row a grid row's label cells name: the rightmost label cell that is a row label,
    the next such row in the table's order preferred."""
    for slot in sorted(labels, key=lambda item: -item.column):
        if not slot.text:
            continue
        matches = [(index, row) for index, row in enumerate(spec.rows)
                   if row.key not in used and has_label(row.pattern, fold(slot.text))]
        if matches:
            after = [match for match in matches if match[0] >= position]
            return (after or matches)[0][1], slot
    return None


def read_grid(spec: TableSpec, grid: Grid, start: int, end: int, infer_spans: bool = False) -> GridRead | None:
    """The table ``spec`` from the rows of ``grid`` between offsets ``start`` and ``end``, or None
    when the grid holds no header with the table's columns. ``infer_spans``: the grid came from
    text, where a header cell's span is written as empty cells after it."""
    slots = _region(slots_of(grid), start, end)
    label_row = _first_label_row(spec, slots)
    if label_row is None and spec.layout != "vector":
        return None
    width = max((slot.last_column for slot in slots), default=0)
    if spec.layout == "vector":
        return _read_vector(spec, slots, width, infer_spans)
    header = [slot for slot in slots if slot.row < (label_row or 0)]
    headers = _headers(spec, header, width, infer_spans)
    runs = _column_runs(headers)
    if not runs:
        return None
    read = GridRead()
    for item in headers.values():
        if ("", item.column.key) not in runs:
            continue  # a label at two separate places: the column is missing
        read.column_labels.setdefault(item.column.key, item.span)
        read.column_names.setdefault(item.column.key, item.name)
        read.last = max(read.last, item.span[1])
    value_start = min(first for first, _ in runs.values())
    _read_rows(spec, slots, label_row or 0, runs, value_start, read)
    return read.drop_disagreeing()


def _shifted(spec: TableSpec, own: Sequence[Slot], value_start: int) -> list[Slot]:
    """Label cells of a row that reach into the value columns (a page of a PDF table whose columns
    are shifted against the header's page, a label merged across into the first value column)."""
    return [slot for slot in own if slot.text and slot.last_column > value_start
            and (slot.column < value_start or has_label(spec.any_row_label, fold(slot.text)))]


def _place_shifted(spec: TableSpec, row: LabelSpec, label: Slot, values: Sequence[Slot],
                   runs: dict[tuple[str, str], tuple[int, int]], read: GridRead) -> None:
    """A shifted row: its value cells in order, when there are exactly as many as located columns
    (the header's order); otherwise they cannot be placed (one table finding, never guessed)."""
    columns = sorted((run[0], column) for column in spec.columns if (run := runs.get(("", column.key))))
    if len(values) != len(columns):
        read.unplaced.extend(slot.cell for slot in values if slot.text)
        return
    for (_, column), slot in zip(columns, values, strict=True):
        read.placed.append(Placed(row, column, slot.cell, label.cell))
        read.last = max(read.last, slot.cell.end_offset)


def _read_rows(spec: TableSpec, slots: Sequence[Slot], label_row: int, runs: dict[tuple[str, str], tuple[int, int]],
               value_start: int, read: GridRead) -> None:
    position = 0
    used: set[str] = set()
    rows = sorted({slot.row for slot in slots if slot.row >= label_row})
    for row_index in rows:
        own = [slot for slot in slots if slot.row == row_index]
        shifted = _shifted(spec, own, value_start)
        labels = [slot for slot in slots if slot.covers(row_index, slot.column) and slot.column < value_start]
        labels += [slot for slot in shifted if slot not in labels]
        for slot in own:
            if slot.column < value_start:
                for group in spec.rows:
                    if group.group and group.key not in read.row_labels and has_label(group.pattern, fold(slot.text)):
                        read.row_labels[group.key] = _label_span(group.pattern, slot)
        found = _row_of(spec, labels, position, used)
        if found is None:
            continue
        row, label = found
        used.add(row.key)
        position = spec.rows.index(row) + 1
        read.row_labels[row.key] = _label_span(row.pattern, label)
        read.last = max(read.last, label.cell.end_offset)
        boundary = max([value_start, *(slot.last_column for slot in shifted)])
        values = sorted((slot for slot in own if slot.column >= boundary), key=lambda slot: slot.column)
        if row.group and not (row.subtotal and any(slot.text for slot in values)):
            continue
        if shifted:
            _place_shifted(spec, row, label, [slot for slot in values if slot.text], runs, read)
            continue
        for column in spec.columns:
            run = runs.get(("", column.key))
            if run is None:
                continue
            cell = _pick(values, *run, read, column.key)
            read.placed.append(Placed(row, column, cell, label.cell))
            if cell is not None:
                read.last = max(read.last, cell.end_offset)


def _read_vector(spec: TableSpec, slots: Sequence[Slot], width: int, infer_spans: bool) -> GridRead | None:
    """One unlabelled data row under a header naming (row, column) for each physical column."""
    rows = sorted({slot.row for slot in slots})
    headers: dict[int, _Header] = {}
    data_row = None
    for row_index in rows:
        header = [slot for slot in slots if slot.row <= row_index]
        headers = _headers(spec, header, width, infer_spans)
        if any(item.row is not None for item in headers.values()):
            data_row = next((index for index in rows if index > row_index), None)
            below = [slot for slot in slots if slot.row == data_row]
            if below and not any(_column_key(spec.columns, slot.text) for slot in below):
                break
    if data_row is None or not headers:
        return None
    read = GridRead()
    runs = _column_runs(headers)
    values = [slot for slot in slots if slot.row == data_row]
    label = values[0].cell if values else None
    for item in headers.values():
        if (item.row.key if item.row else "", item.column.key) not in runs:
            continue
        read.column_labels.setdefault(item.column.key, item.span)
        read.column_names.setdefault(item.column.key, item.name)
        if item.row is not None:
            read.row_labels.setdefault(item.row.key, item.row_span)
        read.last = max(read.last, item.span[1])
    for row in spec.data_rows:
        for column in spec.columns:
            run = runs.get((row.key, column.key))
            if run is None or label is None:
                continue
            cell = _pick(values, *run, read, column.key)
            read.placed.append(Placed(row, column, cell, label))
            if cell is not None:
                read.last = max(read.last, cell.end_offset)
    return read.drop_disagreeing()


# ---------------------------------------------------------------------------- grids from text
def _pipe_cells(text: str, base: int) -> list[tuple[str, int, int]] | None:
    """``| a | b |`` -> the cells between its bars (text, start, end); None if not such a row."""
    stripped = text.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")) or stripped.count("|") < 2:
        return None
    bars = [index for index, char in enumerate(text) if char == "|"]
    cells = []
    for left, right in itertools.pairwise(bars):
        chunk = text[left + 1:right]
        lead = len(chunk) - len(chunk.lstrip())
        content = chunk.strip()
        start = base + left + 1 + (lead if content else 0)
        cells.append((content, start, start + len(content)))
    return cells


def _tab_cells(text: str, base: int) -> list[tuple[str, int, int]] | None:
    if "\t" not in text.strip():
        return None
    cells, position = [], 0
    for part in text.split("\t"):
        lead = len(part) - len(part.lstrip())
        content = part.strip()
        start = base + position + (lead if content else 0)
        cells.append((content, start, start + len(content)))
        position += len(part) + 1
    return cells


def text_grid(document: Document, start: int, end: int) -> Grid | None:
    """A table written as text rows of cells (pipe rows, tab-separated rows) between ``start`` and
    ``end``, as a Grid, when it is rectangular: every row has the same number of cells (a caption
    line above and Markdown rule lines are passed over). Other text forms (rows of different widths,
    one cell per line, a label followed by its values) give None and are read by table_reader."""
    rows: list[list[tuple[str, int, int]]] = []
    for line in document.all_lines[document.line_index_of(start):]:
        if line.start >= end or (rows and line.end > end):
            break
        if not line.text.strip() or MARKDOWN_RULE.match(line.text) or PIPE_RUN.match(line.text):
            continue
        cells = _pipe_cells(line.text, line.start) or _tab_cells(line.text, line.start)
        if cells is None:
            if rows:
                return None  # a line that is not a row inside the table: not one rectangular grid
            continue
        rows.append(cells)
    if len(rows) < 2 or len({len(row) for row in rows}) != 1 or len(rows[0]) < 2:
        return None
    grid_cells = tuple(GridCell(row_index, column, text, cell_start, cell_end)
                       for row_index, row in enumerate(rows) for column, (text, cell_start, cell_end) in enumerate(row))
    return Grid(grid_cells, rows[0][0][1], rows[-1][-1][2])
