"""Tables without drawn borders in a PDF, inferred from the positions of words.

A Word table without borders, exported to PDF, is just text placed in columns. A text line is cut
into *segments* where the gap between two characters is wider than a character: a line of prose
is one segment, a table row is several (``一、本年新收 | 4 | 13 | 21 …``). A *numeric line* has two
segments or more, one of them a number. Numeric lines that follow each other, whose numbers stand
in the same columns, are the body of one table (a prose paragraph in between ends it); the
lines between them (wrapped labels, label-only rows, block captions) belong to it. Above the body,
the header: lines of several segments, and single segments that fit in the label columns close
below each other (``数据的 / 勾稽关``); below it, the last label's wrapped lines. A table may run over
a page break: the lines of all pages are one flow.

The columns are the intervals covered by the segments of the numeric lines; a header segment over
several of them is a cell spanning them. Rows: each numeric line starts a row; a line that only
holds text in the label columns, close below the previous one, continues its labels (a label
wrapped in its cell); any other line is a row of its own. Each header line is a row of its own:
stacked fragments of one header cell (``商业企 / 业``) are joined by the structure layer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from auditor.readers.layout import CellText, TableLayout
from auditor.records import field, record

_NUMBER = re.compile(r"[-+−]?\d[\d,，]*(?:\.\d+)?%?")
_TOLERANCE = 3.0
_CLOSE = 1.6        # a line at most this many font sizes below the previous one is the next line of the same cell
_HEADER_GAP = 2.5   # a single header fragment is at most this many font sizes above the line below it
_PROSE_WIDTH = 0.6  # a single segment wider than this share of the text width is prose
SENTENCE_ENDS = "。！？；!?;"


@record(frozen=True)
class Segment:
    x0: float
    x1: float
    text: str

    @property
    def is_number(self) -> bool:
        return bool(_NUMBER.fullmatch(self.text.strip()))


@record(frozen=True)
class FlowLine:
    """A text line of the page flow: its page, vertical place, font size and segments."""

    page: int
    top: float
    size: float
    segments: tuple[Segment, ...]

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @property
    def is_numeric(self) -> bool:
        return len(self.segments) >= 2 and any(segment.is_number for segment in self.segments)


def segments_of(chars: Sequence[dict[str, object]]) -> tuple[Segment, ...]:
    """The line's characters cut where a gap is wider than a character (letter-spaced text, a
    justified line, keep their gaps well under a character)."""
    ordered = sorted(chars, key=lambda char: float(char["x0"]))  # type: ignore[arg-type]
    groups: list[list[dict[str, object]]] = []
    for char in ordered:
        size = float(char.get("size", 9.0) or 9.0)  # type: ignore[arg-type]
        if groups and float(char["x0"]) - float(groups[-1][-1]["x1"]) <= size:  # type: ignore[arg-type]
            groups[-1].append(char)
        else:
            groups.append([char])
    segments = tuple(Segment(float(group[0]["x0"]), float(group[-1]["x1"]),  # type: ignore[arg-type]
                             "".join(str(char["text"]) for char in group).strip()) for group in groups)
    return tuple(segment for segment in segments if segment.text)


# ----------------------------------------------------------------------------- columns
@record
class _Columns:
    """Column intervals of a table, from its numeric lines; ``data`` indexes hold numbers."""

    intervals: list[list[float]] = field(default_factory=list)
    data: set[int] = field(default_factory=set)

    def add(self, line: FlowLine) -> None:
        for segment in line.segments:
            self.intervals.append([segment.x0, segment.x1])
        self.intervals.sort()
        merged: list[list[float]] = []
        for interval in self.intervals:
            if merged and interval[0] <= merged[-1][1] + _TOLERANCE:
                merged[-1][1] = max(merged[-1][1], interval[1])
            else:
                merged.append(list(interval))
        self.intervals = merged

    def mark_data(self, lines: Sequence[FlowLine]) -> None:
        self.data = {self.index(segment.x0) for line in lines for segment in line.segments if segment.is_number}

    def index(self, x: float) -> int:
        """The column holding ``x``: the last whose interval starts at or before it."""
        found = 0
        for position, (start, _end) in enumerate(self.intervals):
            if x >= start - _TOLERANCE:
                found = position
        return found

    def fits(self, line: FlowLine) -> bool:
        """Do the numbers of ``line`` stand in known number columns?"""
        for segment in line.segments:
            if segment.is_number and not any(
                    segment.x0 <= end + _TOLERANCE and start - _TOLERANCE <= segment.x1
                    for position, (start, end) in enumerate(self.intervals) if position in self.data):
                return False
        return True

    @property
    def label_limit(self) -> float:
        """Where the first number column starts: text left of it is in the label columns."""
        first = min(self.data, default=len(self.intervals) - 1)
        return self.intervals[first][0] if self.intervals else 0.0


# ----------------------------------------------------------------------------- tables
@record(frozen=True)
class UnruledTable:
    """Lines ``start`` .. ``end`` (exclusive) of the flow form a table laid out as ``layout``."""

    start: int
    end: int
    layout: TableLayout


def _close(previous: FlowLine, line: FlowLine, sizes: float = _CLOSE) -> bool:
    """Is ``line`` at most ``sizes`` font sizes below ``previous`` (or on the next page)?"""
    return previous.page != line.page or line.top - previous.top <= sizes * max(previous.size, line.size)


def find_unruled_tables(flow: Sequence[FlowLine | None]) -> list[UnruledTable]:
    """The unruled tables of the flow (``None`` items are barriers: a ruled table)."""
    width = max((line.x1 for line in flow if line), default=0.0) - min((line.x0 for line in flow if line), default=0.0)
    tables: list[UnruledTable] = []
    index, done = 0, 0
    while index < len(flow):
        line = flow[index]
        if line is None or not line.is_numeric or index < done:
            index += 1
            continue
        body_end, columns = _body(flow, index, width)
        start = _header_start(flow, index, columns, done)
        end = _tail_end(flow, body_end, columns)
        lines = [item for item in flow[start:end] if item is not None]
        if _is_table(lines, index - start):
            tables.append(UnruledTable(start, end, _layout(lines, index - start, columns)))
            done = end
            index = end
        else:
            index += 1
    return tables


def _body(flow: Sequence[FlowLine | None], first: int, width: float) -> tuple[int, _Columns]:
    """The end (exclusive) of the body that starts at numeric line ``first``, and its columns."""
    columns = _Columns()
    first_line = flow[first]
    assert first_line is not None
    columns.add(first_line)
    columns.mark_data([first_line])
    numeric = [first_line]
    last = first
    for index in range(first + 1, len(flow)):
        line = flow[index]
        if line is None or (len(line.segments) == 1 and line.x1 - line.x0 > _PROSE_WIDTH * width):
            break
        if not line.is_numeric:
            continue
        if not columns.fits(line) or (abs(line.x0 - first_line.x0) > _TOLERANCE and not line.segments[0].is_number):
            break
        columns.add(line)
        numeric.append(line)
        columns.mark_data(numeric)
        last = index
    return last + 1, columns


def _header_start(flow: Sequence[FlowLine | None], first: int, columns: _Columns, floor: int) -> int:
    start = first
    below = flow[first]
    for index in range(first - 1, floor - 1, -1):
        line = flow[index]
        if line is None or below is None:
            break
        several = len(line.segments) >= 2
        in_one_place = line.x1 <= columns.label_limit + _TOLERANCE or _columns_of(line.segments[0], columns)[1] == 1
        fits = in_one_place and line.segments[-1].text[-1:] not in SENTENCE_ENDS
        if not (several or (fits and _close(line, below, _HEADER_GAP))):
            break
        start, below = index, line
    return start


def _tail_end(flow: Sequence[FlowLine | None], end: int, columns: _Columns) -> int:
    previous = flow[end - 1]
    while end < len(flow):
        line = flow[end]
        if line is None or previous is None or len(line.segments) != 1:
            break
        if not (line.x1 <= columns.label_limit + _TOLERANCE and _close(previous, line)):
            break
        previous = line
        end += 1
    return end


def _is_table(lines: list[FlowLine], header_rows: int) -> bool:
    """Enough to be a table: two numeric lines, or one with three numbers under a header of several segments."""
    numeric = [line for line in lines if line.is_numeric]
    numbers = sum(1 for line in numeric for segment in line.segments if segment.is_number)
    headed = any(len(line.segments) >= 2 for line in lines[:header_rows])
    return len(numeric) >= 2 or (numbers >= 3 and headed)


# ----------------------------------------------------------------------------- layout
@record
class _Cell:
    column: int
    span: int
    pieces: list[tuple[str, int]] = field(default_factory=list)  # (text, page)
    row_span: int = 1


def _columns_of(segment: Segment, columns: _Columns) -> tuple[int, int]:
    """The first column of ``segment`` and how many columns its text runs over."""
    first = columns.index(segment.x0)
    last = max(columns.index(segment.x1 - 2 * _TOLERANCE), first)
    return first, last - first + 1


def _place(row: list[_Cell], line: FlowLine, columns: _Columns, full_width: bool) -> None:
    """Put the line's segments in the row's cells; a last segment whose text runs over into the
    next column is a cell merged up to the right edge (a value heading over several columns)."""
    count = len(columns.intervals)
    for position, segment in enumerate(line.segments):
        first, span = _columns_of(segment, columns)
        if span > 1 and position == len(line.segments) - 1:
            span = count - first
        holder = next((cell for cell in row if cell.column <= first < cell.column + cell.span), None)
        if holder is None:
            holder = _Cell(first, count - first if full_width else min(span, count - first))
            row.append(holder)
        holder.pieces.append((segment.text, line.page))


@record
class _Fragment:
    """A header cell being read: its text so far, its first and last lines."""

    cell: _Cell
    first: FlowLine
    last: FlowLine


def _header(lines: list[FlowLine], columns: _Columns) -> list[list[_Cell]]:
    """Header rows: a segment right below one in the same columns continues that cell (a header
    label wrapped in its cell: ``商业企 / 业``, ``结 / 果 / 维 / 持``); cells that start level with
    each other are one row; a cell runs down over the rows that start beside it."""
    fragments: list[_Fragment] = []
    for line in lines:
        for segment in line.segments:
            first, span = _columns_of(segment, columns)
            fragment = next((item for item in reversed(fragments)
                             if (item.cell.column, item.cell.span) == (first, span)
                             and item.last is not line and _close(item.last, line)), None)
            if fragment is None:
                fragment = _Fragment(_Cell(first, span), line, line)
                fragments.append(fragment)
            fragment.cell.pieces.append((segment.text, line.page))
            fragment.last = line
    starts: list[tuple[int, float]] = []
    for fragment in sorted(fragments, key=lambda item: (item.first.page, item.first.top)):
        place = (fragment.first.page, fragment.first.top)
        if not starts or place[0] != starts[-1][0] or place[1] - starts[-1][1] > 0.5 * fragment.first.size:
            starts.append(place)
    rows: list[list[_Cell]] = [[] for _ in starts]
    for fragment in fragments:
        begin = (fragment.first.page, fragment.first.top)
        end = (fragment.last.page, fragment.last.top)
        row = max(index for index, start in enumerate(starts) if start <= begin)
        fragment.cell.row_span = 1 + sum(1 for start in starts[row + 1:] if start <= end)
        rows[row].append(fragment.cell)
    _widen_groups(rows[:-1], len(columns.intervals))
    return rows


def _widen_groups(rows: list[list[_Cell]], width: int) -> None:
    """A header cell above other header rows is a group heading: it runs on over the empty
    places of its row up to the next cell (``行政复议`` over its five columns), as a merged cell
    whose borders are not drawn."""
    covered: set[tuple[int, int]] = set()
    for row_index, row in enumerate(rows):
        row.sort(key=lambda cell: cell.column)
        for position, cell in enumerate(row):
            limit = row[position + 1].column if position + 1 < len(row) else width
            while (cell.column + cell.span < limit and (row_index, cell.column + cell.span) not in covered):
                cell.span += 1
        covered.update((row_index + down, cell.column + across) for cell in row
                       for down in range(cell.row_span) for across in range(cell.span))


def _layout(lines: list[FlowLine], header_rows: int, columns: _Columns) -> TableLayout:
    rows = _header(lines[:header_rows], columns)
    previous: FlowLine | None = None
    for position, line in enumerate(lines[header_rows:]):
        in_labels = line.x1 <= columns.label_limit + _TOLERANCE
        continues = (position > 0 and previous is not None and not line.is_numeric and in_labels
                     and _close(previous, line))
        if not continues:
            rows.append([])
        _place(rows[-1], line, columns, full_width=len(line.segments) == 1 and not in_labels)
        previous = line
    _widen_under(rows, len(columns.intervals))
    return _table_layout(rows, len(columns.intervals), lines[0].page)


def _widen_under(rows: list[list[_Cell]], width: int) -> None:
    """A row's last cell, with nothing right of it, under a cell of the row above that starts in
    the same column and runs to the right edge, runs to the right edge too (a value under a
    heading merged over the remaining columns: ``本年收费金额（单位：万元）`` / ``0``)."""
    for above, row in pairwise(rows):
        if not row or len(row) < 2:
            continue
        last = max(row, key=lambda cell: cell.column)
        wide = next((cell for cell in above if cell.column == last.column and cell.column + cell.span == width), None)
        if wide is not None and last.column + last.span < width:
            last.span = wide.span


def _table_layout(rows: list[list[_Cell]], width: int, page: int) -> TableLayout:
    layout = TableLayout()
    covered: set[tuple[int, int]] = set()
    for row_index, row in enumerate(rows):
        cells: list[CellText] = []
        by_column = {cell.column: cell for cell in row}
        for column in range(width):
            cell = by_column.get(column)
            if (row_index, column) in covered:
                continue
            if cell is None:
                cells.append(CellText(anchor={"page": page}))
                continue
            page = cell.pieces[0][1]
            text = CellText(row_span=cell.row_span, column_span=cell.span, anchor={"page": page})
            for piece, piece_page in cell.pieces:
                text.break_here()  # dropped between two CJK characters
                text.add(piece, [{"page": piece_page}] * len(piece))
            cells.append(text)
            covered.update((row_index + down, column + across) for down in range(cell.row_span)
                           for across in range(cell.span))
        layout.rows.append(cells)
        layout.row_anchors.append({"page": page})
    return layout
