"""Columns by header position: where each column of a table is, read from its header row(s).

A report may drop, reorder or add columns (a 法人或其他组织 subtotal, a 备注 column). When the
header is written as rows of cells (pipe rows, tab-separated or space-aligned rows), each header
cell has a position; a column is at the position of its label, taking for each position the
bottom-most non-empty header cell (a multi-row header names the value columns in its last row;
merged cells repeated across their span by the HTML/DOCX linearisation agree with that). Value
cells of a data row are then assigned by position (see ``align``).

Never guess. ``header_map`` returns None (the caller falls back to the statutory order) when the
header is not a grid of cells: a column label on a line of its own (one-label-per-line forms), a
column label covered by another column's label (a compacted header that dropped its empty cells),
or a column label found in the header text that no header cell holds exactly (a label split over
cells). A column label repeated over adjacent positions is one merged column (the linearisation
repeats a merged cell's text, and the data cell under it likewise); a column whose label sits at two
separate positions is left out of the map: its cells are missing.
"""

from __future__ import annotations

from auditor.records import record
from auditor.structure.table_reader import MARKDOWN_RULE, PIPE_RUN, RawCell, split_cells
from auditor.structure.table_spec import LabelSpec, TableSpec


@record(eq=False, repr=False)
class HeaderMap:
    """Column key -> its positions in the header grid (one, or a run of adjacent positions for a
    merged column); ``width`` positions, value columns from ``first``."""

    positions: dict[str, tuple[int, ...]]
    spans: dict[str, tuple[int, int]]
    width: int
    first: int

    def align(self, cells: list[RawCell]) -> dict[int, RawCell]:
        """The value cells of a data row (the cells after its label, in order) by header position.
        A row at least as wide as the value columns is aligned on the right (cells before are merged
        label cells); a shorter row on the left (its trailing cells were not written)."""
        slots = self.width - self.first
        if len(cells) >= slots:
            offset = len(cells) - self.width
            return {position: cells[position + offset] for position in range(self.width)
                    if 0 <= position + offset < len(cells)}
        return {self.first + index: cell for index, cell in enumerate(cells)}

    def cell(self, key: str, aligned: dict[int, RawCell]) -> RawCell | None:
        """The cell of column ``key`` in an aligned row; for a merged column, its copies must agree
        (else None: the value is not guessed)."""
        found = [aligned[position] for position in self.positions.get(key, ()) if position in aligned]
        if not found:
            return None
        return found[0] if len({cell.text for cell in found}) == 1 else None


def _column_of(columns: tuple[LabelSpec, ...], text: str) -> str | None:
    squeezed = "".join(text.split())
    for column in columns:
        if column.pattern.fullmatch(squeezed):
            return column.key
    return None


def _grid_lines(folded: str, start: int, end: int) -> list[tuple[str, int]]:
    """(line, offset) of the non-blank lines from the line holding ``start`` to ``end``."""
    lines = []
    offset = folded.rfind("\n", 0, start) + 1
    while offset < end:
        line_end = folded.find("\n", offset)
        line_end = end if line_end == -1 else min(line_end, end)
        line = folded[offset:line_end]
        if line.strip() and not (PIPE_RUN.match(line) or MARKDOWN_RULE.match(line)):
            lines.append((line, offset))
        offset = line_end + 1
    return lines


@record(eq=False, repr=False)
class _Grid:
    """Bottom-most non-empty header cell per position: (column key or None, cell)."""

    bottom: dict[int, tuple[str | None, RawCell]]
    width: int = 0
    consistent: bool = True

    def put(self, position: int, key: str | None, cell: RawCell) -> None:
        above = self.bottom.get(position)
        if above is not None and above[0] is not None and key is not None and above[0] != key:
            self.consistent = False  # a column over another column: not a positional grid
        self.bottom[position] = (key, cell)


def _read_grid(spec: TableSpec, folded: str, start: int, end: int) -> _Grid | None:
    grid = _Grid({})
    for line, offset in _grid_lines(folded, start, end):
        cells = split_cells(line, offset, after_label=False)
        keys = [_column_of(spec.columns, cell.text) for cell in cells]
        if len(cells) < 2:
            if any(keys):
                return None  # one label per line: no positions
            continue
        grid.width = max(grid.width, len(cells))
        for position, (cell, key) in enumerate(zip(cells, keys, strict=True)):
            if cell.text:
                grid.put(position, key, cell)
    return grid if grid.consistent else None


def header_map(spec: TableSpec, folded: str, start: int, end: int, found: set[str]) -> HeaderMap | None:
    """The positions of the columns in the header between ``start`` and ``end`` (the first row
    label), or None when the header is not a grid of cells. ``found``: the column keys whose label
    occurs in the header text at all; each must be located, or the grid is not trusted."""
    grid = _read_grid(spec, folded, start, end)
    if grid is None:
        return None
    located: dict[str, list[int]] = {}
    for position, (key, _) in grid.bottom.items():
        if key is not None:
            located.setdefault(key, []).append(position)
    if not located or not found <= set(located):
        return None
    positions = {key: tuple(spots) for key, spots in located.items() if spots[-1] - spots[0] == len(spots) - 1}
    spans = {key: (grid.bottom[spots[0]][1].start, grid.bottom[spots[0]][1].end) for key, spots in positions.items()}
    return HeaderMap(positions, spans, grid.width, min(min(spots) for spots in located.values()))
