"""The report itself as readable HTML: title, headings, paragraphs and tables laid out as grids.

Table regions (``Report.regions``) become ``<table>`` grids: a real grid of the reader
(``Document.grids``, from HTML or docx) is used as it is; text lines are split into cells at ``|``
(pipe tables) or tabs; one-label-per-line regions pair a label with the numbers that follow it.
Every cell keeps the offsets of its text, so a diagnostic that points at a cell marks that cell.
Any region that cannot be laid out is shown as preformatted text, still highlighted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from html import escape

from auditor.document import Document, Grid, GridCell, Line
from auditor.records import field, record
from auditor.render.html_marks import MarkIndex, paint
from auditor.structure import Report
from auditor.structure.regions import Region
from auditor.structure.table_reader import PIPE_RUN, split_cells

_NUMBER = re.compile(r"[-+]?\d[\d,.]*%?|[—–-]+")
_SEPARATOR_ROW = re.compile(r"[\s|:\-]+")


@record(frozen=True)
class TextCell:
    """A cell of a text table: offsets of its (stripped) content in the document text."""

    start: int
    end: int
    column_span: int = 1


@record
class Layout:
    """Rendering state of one document: its marks, the id prefix and the line anchors written."""

    report: Report
    marks: MarkIndex
    prefix: str
    line_ids: dict[int, str]

    @property
    def document(self) -> Document:
        return self.report.document

    def line_id(self, line_index: int) -> str:
        anchor = f"{self.prefix}-L{line_index + 1}"
        self.line_ids[line_index] = anchor
        return anchor

    def paint(self, start: int, end: int) -> str:
        return paint(self.document.text, start, end, self.marks)


def split_line(line: Line) -> list[TextCell]:
    """The cells of one table line, split as the table reader splits them (pipes, tabs, runs of
    spaces); an empty cell is an empty range where it stands."""
    return [TextCell(cell.start, cell.end if cell.text else cell.start)
            for cell in split_cells(line.text, line.start, after_label=False)] or [TextCell(line.start, line.end)]


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text.strip()))


def _value_like(line: Line, cells: list[TextCell]) -> bool:
    """A one-cell line holding a number, nothing, or a dash: a value of the row above it."""
    if len(cells) != 1:
        return False
    text = line.text[cells[0].start - line.start:cells[0].end - line.start].strip()
    return not text or _is_number(text) or text == "无"


def text_rows(lines: Sequence[Line]) -> list[tuple[Line, list[TextCell]]]:
    """Rows of a run of table lines. A label line followed by one-value lines becomes one row (one
    label or value per line, and one cell per line ending in ``|``, where ``||…`` ends a row)."""
    rows: list[tuple[Line, list[TextCell]]] = []
    row_open = False
    for line in lines:
        stripped = line.text.strip()
        if not stripped or (_SEPARATOR_ROW.fullmatch(stripped) and "-" in stripped):
            continue
        if PIPE_RUN.fullmatch(stripped):
            row_open = False
            continue
        cells = split_line(line)
        if row_open and rows and _value_like(line, cells) and _pairs_with(rows[-1]):
            rows[-1] = (rows[-1][0], [*rows[-1][1], cells[0]])
            continue
        rows.append((line, cells))
        row_open = True
    return rows


def _pairs_with(row: tuple[Line, list[TextCell]]) -> bool:
    """A one-per-line row grows while it is a label followed only by numbers."""
    first = row[0].text.strip()
    return not (first.startswith("|") or "\t" in row[0].text) and not _is_number(first.rstrip("| "))


class TableWriter:
    """Writes the ``<table>`` of one region."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    def cell(self, start: int, end: int, tag: str = "td", spans: str = "",
             copies: Sequence[tuple[int, int]] = ()) -> str:
        """A ``<td>`` of ``text[start:end]``; marks covering the cell or one of its ``copies`` (the
        positions a merged cell covers) mark it."""
        layout = self.layout
        classes = ["num"] if _is_number(layout.document.text[start:end]) else []
        attributes = ""
        covering = [mark for left, right in ((start, end), *copies) for mark in layout.marks.covering(left, right)]
        if covering:
            primary = [mark for mark in covering if mark.primary]
            classes.append("cell-pri" if primary else "cell-lbl")
            classes.append(f"cell-{max(covering, key=_severity_rank).severity}")
            keys = " ".join(dict.fromkeys(mark.key for mark in covering))
            attributes = f' data-d="{escape(keys)}"'
        class_attribute = f' class="{" ".join(classes)}"' if classes else ""
        return f"<{tag}{class_attribute}{attributes}{spans}>{layout.paint(start, end)}</{tag}>"

    def text_table(self, lines: Sequence[Line]) -> str:
        rows = text_rows(lines)
        if not rows:
            return ""
        width = max(len(cells) for _, cells in rows)
        body: list[str] = []
        for line, cells in rows:
            tds = [self.cell(cell.start, cell.end) for cell in cells[:-1]]
            last = cells[-1]
            extra = width - len(cells)
            tds.append(self.cell(last.start, last.end, spans=f' colspan="{extra + 1}"' if extra else ""))
            body.append(f'<tr id="{self.layout.line_id(line.number - 1)}">{"".join(tds)}</tr>')
        return f'<table class="grid">{"".join(body)}</table>'

    def grid_table(self, grid: Grid) -> str:
        rows = merged_layout(grid)
        if not rows:
            return ""
        html_rows = ["<tr>" + "".join(self._merged_cell(placed) if placed else "<td></td>" for placed in row) + "</tr>"
                     for row in rows]
        anchor = self.layout.line_id(self.layout.document.line_index_of(grid.start_offset))
        return f'<table class="grid" id="{anchor}">{"".join(html_rows)}</table>'

    def _merged_cell(self, placed: PlacedCell) -> str:
        spans = (f' rowspan="{placed.row_span}"' if placed.row_span > 1 else "") + (
            f' colspan="{placed.column_span}"' if placed.column_span > 1 else "")
        limit = len(self.layout.document.text)
        start = max(0, min(placed.cell.start_offset, limit))
        copies = [(max(0, min(copy.start_offset, limit)), max(0, min(copy.end_offset, limit)))
                  for copy in placed.copies]
        return self.cell(start, max(start, placed.cell.end_offset), spans=spans, copies=copies)


@record
class PlacedCell:
    """A cell of the drawn table: the grid cell at its top-left position, how far it spans, and the
    grid's copies of it at the other positions it covers (their text offsets carry marks too)."""

    cell: GridCell
    row: int
    column: int
    row_span: int
    column_span: int
    copies: list[GridCell] = field(default_factory=list)


def _is_value(text: str) -> bool:
    stripped = text.strip()
    return not stripped or _is_number(stripped) or stripped in ("无", "/", "／")


def merged_layout(grid: Grid) -> list[list[PlacedCell | None]]:
    """The grid's rows as drawn: one PlacedCell per merged cell at its top-left position (None for
    an empty position); positions a merged cell covers are left out of the rows.

    Readers expand merged cells into copies at every position they cover, each copy carrying the
    merged cell's ``row_span``/``column_span``: the first copy met in reading order is the cell,
    the rest are covered. A vertically merged Word cell (``vMerge``) comes as a copy without a row
    span: a label cell with the same text and width right below a cell extends it downwards
    (numbers and blanks never do, so equal values stay separate cells)."""
    placed_at: dict[tuple[int, int], GridCell] = {}
    for cell in grid.cells:
        placed_at.setdefault((cell.row, cell.column), cell)
    if not placed_at:
        return []
    top, height = min(row for row, _ in placed_at), max(row for row, _ in placed_at) + 1
    left = min(column for _, column in placed_at)
    width = max(column + 1 for _, column in placed_at)
    alone = [cell for cell in grid.cells if sum(1 for row, _ in placed_at if row == cell.row) == 1]
    width = max([width, *(cell.column + max(cell.column_span, 1) for cell in alone)])
    owner: dict[tuple[int, int], PlacedCell] = {}
    rows: list[list[PlacedCell | None]] = []
    for row in range(top, height):
        drawn: list[PlacedCell | None] = []
        for column in range(left, width):
            cell = placed_at.get((row, column))
            if (row, column) in owner:
                if cell is not None:
                    owner[(row, column)].copies.append(cell)
                continue
            if cell is None:
                drawn.append(None)
                continue
            column_span = min(max(cell.column_span, 1), width - column)
            above = owner.get((row - 1, column))
            if (above is not None and above.column == column and above.column_span == column_span
                    and above.row + above.row_span == row and above.cell.text == cell.text
                    and not _is_value(cell.text)):
                above.row_span += 1
                above.copies.append(cell)
                owner.update(((row, column + across), above) for across in range(column_span))
                continue
            placed = PlacedCell(cell, row, column, min(max(cell.row_span, 1), height - row), column_span)
            owner.update(((row + down, column + across), placed)
                         for down in range(placed.row_span) for across in range(column_span))
            drawn.append(placed)
        rows.append(drawn)
    return rows


def _severity_rank(mark: object) -> int:
    return {"error": 2, "warning": 1, "info": 0}.get(getattr(mark, "severity", ""), 0)


def _region_pieces(layout: Layout, region: Region) -> Iterator[Grid | list[Line]]:
    """The region as grids of the reader and runs of text lines between them."""
    document = layout.document
    start = document.line_starts[region.first]
    end = document.all_lines[region.last].end
    grids = sorted((grid for grid in document.grids if start <= grid.start_offset <= end),
                   key=lambda grid: grid.start_offset)
    run: list[Line] = []
    index = region.first
    while index <= region.last:
        line = document.all_lines[index]
        grid = next((grid for grid in grids if grid.start_offset <= line.end and grid.end_offset > line.start), None)
        if grid is None:
            run.append(line)
            index += 1
            continue
        if run:
            yield run
            run = []
        yield grid
        grids.remove(grid)
        while index <= region.last and document.all_lines[index].start < grid.end_offset:
            index += 1
    if run:
        yield run


def table_html(layout: Layout, region: Region) -> str:
    """A region as grids; preformatted text if it cannot be laid out."""
    writer = TableWriter(layout)
    try:
        parts = [writer.grid_table(piece) if isinstance(piece, Grid) else writer.text_table(piece)
                 for piece in _region_pieces(layout, region)]
    except (IndexError, ValueError):
        parts = []
    if not any(parts):
        return preformatted(layout, region)
    return "".join(parts)


def preformatted(layout: Layout, region: Region) -> str:
    document = layout.document
    start = document.line_starts[region.first]
    end = document.all_lines[region.last].end
    return f'<pre class="region" id="{layout.line_id(region.first)}">{layout.paint(start, end)}</pre>'
