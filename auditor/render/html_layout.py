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
from dataclasses import dataclass
from html import escape

from auditor.document import Document, Grid, GridCell, Line
from auditor.render.html_marks import MarkIndex, paint
from auditor.structure import Report
from auditor.structure.regions import Region
from auditor.structure.table_reader import PIPE_RUN, split_cells

_NUMBER = re.compile(r"[-+]?\d[\d,.]*%?|[—–-]+")
_SEPARATOR_ROW = re.compile(r"[\s|:\-]+")


@dataclass(frozen=True)
class TextCell:
    """A cell of a text table: offsets of its (stripped) content in the document text."""

    start: int
    end: int
    column_span: int = 1


@dataclass
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

    def cell(self, start: int, end: int, tag: str = "td", spans: str = "") -> str:
        layout = self.layout
        classes = ["num"] if _is_number(layout.document.text[start:end]) else []
        attributes = ""
        covering = layout.marks.covering(start, end)
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
        placed: dict[tuple[int, int], GridCell] = {}
        for cell in grid.cells:
            placed.setdefault((cell.row, cell.column), cell)
        if not placed:
            return ""
        height = max(cell.row + max(cell.row_span, 1) for cell in grid.cells)
        width = max(cell.column + max(cell.column_span, 1) for cell in grid.cells)
        top = min(cell.row for cell in grid.cells)
        left = min(cell.column for cell in grid.cells)
        covered: set[tuple[int, int]] = set()
        rows: list[str] = []
        for row in range(top, height):
            tds = [self._grid_cell(placed.get((row, column)), row, column, covered)
                   for column in range(left, width)]
            rows.append(f"<tr>{''.join(tds)}</tr>")
        anchor = self.layout.line_id(self.layout.document.line_index_of(grid.start_offset))
        return f'<table class="grid" id="{anchor}">{"".join(rows)}</table>'

    def _grid_cell(self, cell: GridCell | None, row: int, column: int, covered: set[tuple[int, int]]) -> str:
        if (row, column) in covered:
            return ""
        if cell is None:
            return "<td></td>"
        row_span, column_span = max(cell.row_span, 1), max(cell.column_span, 1)
        covered.update((row + down, column + across) for down in range(row_span) for across in range(column_span))
        spans = (f' rowspan="{row_span}"' if row_span > 1 else "") + (
            f' colspan="{column_span}"' if column_span > 1 else "")
        start = max(0, min(cell.start_offset, len(self.layout.document.text)))
        return self.cell(start, max(start, cell.end_offset), spans=spans)


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
