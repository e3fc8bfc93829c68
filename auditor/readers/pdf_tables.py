"""Ruled tables of a PDF: found by their visible lines, joined across page breaks.

A table is ruled when its cell borders are drawn: stroked lines and rectangles, or thin filled
rectangles (how Word draws borders), in any colour but white. Invisible shapes are not borders:
WPS lays every paragraph out in a one-column table frame drawn as white filled rectangles, and
those frames are prose, not tables. A ruled box with a single column (a bordered text box) is
prose too: its text is read as lines of the page.

A table that ends a page and one that starts the next page with the same left and right edges are
one table (``table_layout``). Columns are matched across the parts by their edges (a few points
of drift between pages are allowed), a header row repeated on the next page is left out, and a
row cut by the page break is joined again:

- a whole row split in two (its data cells empty on one side, its label wrapped onto the next
  page, as LibreOffice breaks a tall row) becomes one row again;
- a merged label cell (``三、本年度办理结果``, ``（四）无法提供``) whose rows continue on the next
  page keeps going: the empty top cell of its column on the next page, or the rest of its text
  (``（四）无`` / ``法提供``, when its last line on the first page filled the cell's width), is the
  same cell, which now spans rows on both pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditor.readers.layout import CellText, TableLayout
from auditor.records import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

Box = tuple[float, float, float, float]
# coordinates closer than this are the same grid line (points); columns of the parts of one table
# split by a page break may drift by a few points between pages
_SAME_LINE = 1.5
_SAME_COLUMN_EDGE = 4.0
_THIN = 3.0   # a filled rectangle at most this thick is a drawn line
_WHITE = 0.95
_NUMBER = re.compile(r"[-+−]?\d[\d,，]*(?:\.\d+)?%?")


# ----------------------------------------------------------------------------- visible lines
def _is_white(color: Any) -> bool:
    """Is a pdfplumber colour white (gray 1, RGB 1,1,1, CMYK 0,0,0,0)? ``None`` is black."""
    values = (color,) if isinstance(color, int | float) else color
    if not isinstance(values, tuple | list) or not all(isinstance(value, int | float) for value in values):
        return False
    if len(values) in (1, 3):
        return min(values) >= _WHITE
    if len(values) == 4:
        return max(values) <= 1 - _WHITE
    return False


def _visible_stroke(obj: dict[str, Any]) -> bool:
    return bool(obj.get("stroke", True)) and not _is_white(obj.get("stroking_color"))


def visible_edges(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The vertical and horizontal edges a reader of the page sees drawn."""
    from pdfplumber.utils import obj_to_edges

    edges: list[dict[str, Any]] = []
    for line in page.lines:
        if _visible_stroke(line):
            edges += obj_to_edges(line)
    for curve in page.curves:
        if _visible_stroke(curve):
            edges += obj_to_edges(curve)
    for rect in page.rects:
        thin_fill = (rect.get("fill") and not _is_white(rect.get("non_stroking_color"))
                     and min(rect["width"], rect["height"]) <= _THIN)
        if _visible_stroke(rect) or thin_fill:
            edges += obj_to_edges(rect)
    vertical = [edge for edge in edges if edge["orientation"] == "v"]
    horizontal = [edge for edge in edges if edge["orientation"] == "h"]
    horizontal += _closing_edges(vertical)
    return vertical + _open_sides(vertical, horizontal), horizontal


def _closing_edges(vertical: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges where two or more vertical borders end together: a table cut by a page
    break is often drawn without its bottom (or top) border, which would leave its last row open."""
    closing: list[dict[str, Any]] = []
    for key in ("top", "bottom"):
        ends = sorted(vertical, key=lambda edge: edge[key])
        group: list[dict[str, Any]] = []
        for edge in [*ends, None]:
            if edge is not None and (not group or edge[key] - group[0][key] <= _SAME_LINE):
                group.append(edge)
                continue
            if len(group) >= 2:
                y = sum(member[key] for member in group) / len(group)
                x0, x1 = min(member["x0"] for member in group), max(member["x1"] for member in group)
                closing.append({"object_type": "line", "orientation": "h", "x0": x0, "x1": x1, "top": y,
                                "bottom": y, "width": x1 - x0, "height": 0.0, "doctop": y})
            group = [edge] if edge is not None else []
    return closing


def _open_sides(vertical: list[dict[str, Any]], horizontal: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Vertical edges for tables drawn without their outer left or right border (only rules
    between the columns): where two or more horizontal rules of one table end together, away from
    any vertical rule of it. A table is the set of rules that cross each other."""
    sides: list[dict[str, Any]] = []
    for rules in _crossing_groups(vertical, horizontal):
        columns = [edge["x0"] for edge in rules if edge["orientation"] == "v"]
        rows = [edge for edge in rules if edge["orientation"] == "h"]
        for key in ("x0", "x1"):
            ends: dict[float, list[dict[str, Any]]] = {}
            for rule in rows:
                x = next((known for known in ends if abs(known - rule[key]) <= _SAME_LINE), rule[key])
                ends.setdefault(x, []).append(rule)
            x, group = max(ends.items(), key=lambda item: len(item[1]), default=(0.0, []))
            if len(group) < 2 or any(abs(column - x) <= _SAME_COLUMN_EDGE for column in columns):
                continue
            top, bottom = min(rule["top"] for rule in group), max(rule["top"] for rule in group)
            sides.append({"object_type": "line", "orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom,
                          "width": 0.0, "height": bottom - top, "doctop": top})
    return sides


def _crossing_groups(vertical: list[dict[str, Any]], horizontal: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The rules grouped by crossing: a horizontal rule and a vertical one that meet are in one group."""
    parent = list(range(len(vertical) + len(horizontal)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    tolerance = _SAME_COLUMN_EDGE
    for row_index, rule in enumerate(horizontal, len(vertical)):
        for column_index, column in enumerate(vertical):
            if (rule["x0"] - tolerance <= column["x0"] <= rule["x1"] + tolerance
                    and column["top"] - tolerance <= rule["top"] <= column["bottom"] + tolerance):
                parent[root(row_index)] = root(column_index)
    groups: dict[int, list[dict[str, Any]]] = {}
    for index, rule in enumerate([*vertical, *horizontal]):
        groups.setdefault(root(index), []).append(rule)
    return list(groups.values())


# ----------------------------------------------------------------------------- one page
@record(frozen=True)
class CellLine:
    """One line of text inside a cell, with its horizontal extent and font size."""

    text: str
    x0: float
    x1: float
    size: float


@record(frozen=True)
class PartCell:
    box: Box
    lines: tuple[CellLine, ...]

    @property
    def text(self) -> str:
        return "".join("".join(line.text for line in self.lines).split())


@record(frozen=True)
class TablePart:
    """A ruled table as drawn on one page: its cell boxes with their text lines."""

    page_number: int
    bbox: Box
    cells: tuple[PartCell, ...]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    def continued_by(self, other: TablePart) -> bool:
        """Does ``other`` (at the top of the next page) continue this table: the same left and right edges?"""
        return (abs(self.bbox[0] - other.bbox[0]) <= _SAME_COLUMN_EDGE
                and abs(self.bbox[2] - other.bbox[2]) <= _SAME_COLUMN_EDGE)

    @property
    def padding(self) -> float:
        """The smallest inset of text from the left border of its cell: the cells' padding."""
        insets = [line.x0 - cell.box[0] for cell in self.cells for line in cell.lines]
        return max(min(insets, default=0.0), 0.0)


def _char_lines(chars: list[dict[str, Any]]) -> tuple[CellLine, ...]:
    """Characters grouped into lines (by top edge), each read left to right; a gap wider than a
    third of the font size is a space (dropped later between two CJK characters)."""
    lines: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda char: char["top"]):
        if lines and char["top"] - lines[-1][0]["top"] <= 0.5 * max(char.get("size", 0.0), 2.0):
            lines[-1].append(char)
        else:
            lines.append([char])
    result: list[CellLine] = []
    for line in lines:
        line.sort(key=lambda char: char["x0"])
        pieces: list[str] = []
        for previous, char in zip([None, *line], line, strict=False):
            if previous is not None and char["x0"] - previous["x1"] > 0.3 * char.get("size", 9.0):
                pieces.append(" ")
            pieces.append(char["text"])
        sizes = [char.get("size", 9.0) for char in line]
        result.append(CellLine("".join(pieces), line[0]["x0"], line[-1]["x1"], max(sizes)))
    return tuple(result)


def _inside(char: dict[str, Any], box: Box) -> bool:
    x0, top, x1, bottom = box
    return x0 <= (char["x0"] + char["x1"]) / 2 <= x1 and top <= (char["top"] + char["bottom"]) / 2 <= bottom


def _cluster(values: Iterable[float], tolerance: float = _SAME_LINE) -> list[float]:
    clustered: list[float] = []
    for value in sorted(values):
        if not clustered or value - clustered[-1] > tolerance:
            clustered.append(value)
    return clustered


def ruled_tables(page: Any, page_number: int) -> list[TablePart]:
    """The ruled tables of ``page`` with two columns or more, top to bottom."""
    vertical, horizontal = visible_edges(page)
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    tables = page.find_tables({"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                               "explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal})
    parts: list[TablePart] = []
    chars = page.chars
    for table in tables:
        boxes: list[Box] = [tuple(cell) for cell in table.cells]  # type: ignore[misc]
        if len(_cluster([box[0] for box in boxes] + [box[2] for box in boxes])) < 3:
            continue  # a single column: a bordered text box, read as lines of the page
        cells = tuple(PartCell(box, _char_lines([char for char in chars if _inside(char, box)])) for box in boxes)
        parts.append(TablePart(page_number, tuple(table.bbox), cells))  # type: ignore[arg-type]
    return sorted(parts, key=lambda part: part.top)


# ----------------------------------------------------------------------------- across pages
@record
class _Placed:
    """A cell on the table's grid; a cell cut by a page break gathers the pieces of both pages."""

    row: int
    column: int
    row_span: int
    column_span: int
    pieces: list[tuple[tuple[CellLine, ...], int]] = field(default_factory=list)  # (lines, page)
    wrapped: bool = False  # the last line of the last piece fills the cell's width

    @property
    def text(self) -> str:
        return "".join("".join(line.text.split()) for lines, _page in self.pieces for line in lines)

    @property
    def is_number(self) -> bool:
        return bool(_NUMBER.fullmatch(self.text))

    def covers(self, row: int, column: int) -> bool:
        return self.row <= row < self.row + self.row_span and self.column <= column < self.column + self.column_span

    def absorb(self, other: _Placed, extra_rows: int) -> None:
        self.pieces += other.pieces
        self.row_span += extra_rows
        self.wrapped = other.wrapped


class _ColumnEdges:
    """The column edges of a table, shared by its parts: an edge within a few points of a known one is that one."""

    def __init__(self) -> None:
        self.edges: list[float] = []

    def add(self, values: Iterable[float]) -> None:
        for value in _cluster(values):
            if not any(abs(value - edge) <= _SAME_COLUMN_EDGE for edge in self.edges):
                self.edges.append(value)
        self.edges.sort()

    def index(self, value: float) -> int:
        return min(range(len(self.edges)), key=lambda index: abs(self.edges[index] - value))


def _wrapped(cell: PartCell, padding: float) -> bool:
    if not cell.lines:
        return False
    last = cell.lines[-1]
    return cell.box[2] - last.x1 < padding + last.size  # no room left for one more character


def _place(part: TablePart, columns: _ColumnEdges, first_row: int) -> list[_Placed]:
    """The cells of ``part`` on the shared column edges, rows numbered from ``first_row``."""
    ys = _cluster([cell.box[1] for cell in part.cells] + [cell.box[3] for cell in part.cells])
    padding = part.padding
    placed: dict[tuple[int, int], _Placed] = {}
    for cell in part.cells:
        row = min(range(len(ys)), key=lambda index: abs(ys[index] - cell.box[1]))
        last = min(range(len(ys)), key=lambda index: abs(ys[index] - cell.box[3]))
        column, end = columns.index(cell.box[0]), columns.index(cell.box[2])
        placed.setdefault((row, column), _Placed(first_row + row, column, max(last - row, 1), max(end - column, 1),
                                                 [(cell.lines, part.page_number)], _wrapped(cell, padding)))
    return sorted(placed.values(), key=lambda cell: (cell.row, cell.column))


def _row(cells: list[_Placed], row: int) -> list[_Placed]:
    return [cell for cell in cells if cell.row == row]


def _covering(cells: list[_Placed], row: int, column: int) -> _Placed | None:
    return next((cell for cell in cells if cell.covers(row, column)), None)


def _drop_repeated_header(table: list[_Placed], continuation: list[_Placed], first_row: int) -> list[_Placed]:
    """``continuation`` without its leading rows that repeat the table's leading rows (a header
    repeated on each page); never all of its rows."""
    def texts(cells: list[_Placed], row: int) -> list[tuple[int, int, str]]:
        return [(cell.column, cell.column_span, cell.text) for cell in _row(cells, row)]

    top = min((cell.row for cell in table), default=0)
    last = max((cell.row for cell in continuation), default=first_row)
    repeated = 0
    while (first_row + repeated < last and texts(continuation, first_row + repeated)
           and texts(continuation, first_row + repeated) == texts(table, top + repeated)):
        repeated += 1
    if not repeated:
        return continuation
    kept = [cell for cell in continuation if cell.row >= first_row + repeated]
    for cell in kept:
        cell.row -= repeated
    return kept


def _joinable(above: _Placed | None, below: _Placed) -> bool:
    """Can ``below`` (at the top of a page) be the rest of ``above`` (at the bottom of the previous page)?"""
    if above is None or (above.column, above.column_span) != (below.column, below.column_span):
        return False
    if not above.text or not below.text:
        return True
    return above.wrapped and not above.is_number and not below.is_number


def _join_split_row(table: list[_Placed], continuation: list[_Placed], last_row: int) -> bool:
    """A row cut in two by the page break: no number on the new page's first row, and each of its
    cells is the rest of the cell above. Joins them and returns True."""
    first = _row(continuation, last_row + 1)
    pairs = [(_covering(table, last_row, cell.column), cell) for cell in first]
    if not first or not all(_joinable(above, below) for above, below in pairs):
        return False
    if not any(below.text and above is not None and above.text for above, below in pairs) and not any(
            not below.text and above is not None and above.is_number for above, below in pairs):
        return False  # nothing says the row was cut: neither a continued text nor a row of blanks under numbers
    for above, below in pairs:
        assert above is not None
        above.absorb(below, below.row_span - 1)
        continuation.remove(below)
    for cell in continuation:
        cell.row -= 1
    return True


def _join_merged_labels(table: list[_Placed], continuation: list[_Placed], last_row: int) -> None:
    """Merged label cells cut by the page break: from the left, the label cells of the new page's
    first row (those before its first number, but not the row's own label next to the numbers)
    that continue the cell above are that cell, now spanning rows on both pages."""
    first = _row(continuation, last_row + 1)
    labels: list[_Placed] = []
    for cell in first:
        if cell.is_number:
            break
        labels.append(cell)
    if len(labels) == len(first):
        return  # no number in the row: nothing tells its own label from a continued one
    for below in labels[:-1]:
        above = _covering(table, last_row, below.column)
        if not _joinable(above, below):
            return
        assert above is not None
        above.absorb(below, below.row_span)
        continuation.remove(below)


def table_layout(parts: list[TablePart]) -> TableLayout:
    """One table from its parts on consecutive pages (see the module docstring)."""
    columns = _ColumnEdges()
    for part in parts:
        columns.add(edge for cell in part.cells for edge in (cell.box[0], cell.box[2]))
    cells = _place(parts[0], columns, 0)
    for part in parts[1:]:
        last_row = max(cell.row + cell.row_span for cell in cells) - 1
        continuation = _drop_repeated_header(cells, _place(part, columns, last_row + 1), last_row + 1)
        if not _join_split_row(cells, continuation, last_row):
            _join_merged_labels(cells, continuation, last_row)
        cells += continuation
    return _layout(cells)


def _layout(cells: list[_Placed]) -> TableLayout:
    """Rows of CellText in reading order, every grid position covered (a gap is an empty cell)."""
    height = max((cell.row + cell.row_span for cell in cells), default=0)
    width = max((cell.column + cell.column_span for cell in cells), default=0)
    origins = {(cell.row, cell.column): cell for cell in cells}
    covered = {(row, column) for cell in cells for row in range(cell.row, cell.row + cell.row_span)
               for column in range(cell.column, cell.column + cell.column_span)}
    layout = TableLayout()
    page = cells[0].pieces[0][1] if cells else 0
    for row in range(height):
        texts: list[CellText] = []
        for column in range(width):
            cell = origins.get((row, column))
            if cell is not None:
                texts.append(_cell_text(cell))
                page = cell.pieces[0][1]
            elif (row, column) not in covered:
                texts.append(CellText(anchor={"page": page}))
        layout.rows.append(texts)
        layout.row_anchors.append({"page": page})
    return layout


def _cell_text(cell: _Placed) -> CellText:
    text = CellText(row_span=cell.row_span, column_span=cell.column_span, anchor={"page": cell.pieces[0][1]})
    for lines, page in cell.pieces:
        anchor = {"page": page}
        for line in lines:
            text.add(line.text, [anchor] * len(line.text))
            text.break_here()
    return text
