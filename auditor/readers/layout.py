"""Building a Document from extracted pieces (HTML, docx, PDF): lines, pipe rows, grids, maps.

Readers of laid-out formats do not have a text file to point into. They feed a ``TextBuilder``
characters tagged with where each came from (a source offset for HTML, a paragraph or table cell
for docx, a page line for PDF); the builder produces the Document text, a ``SegmentMap`` back to
the source, a ``SegmentLocator`` for the JSON ``location`` object, and the expanded ``Grid``s.

Tables are linearised one row per line as Markdown-style pipe rows ``| a | b | c |``. Merged cells
are expanded: every grid position a merged cell covers (its ``colspan`` and ``rowspan`` copies)
repeats the cell's text, so the bottom header row names every column (``自然人 | 商业企业 | … |
总计``) and every data row carries its own group labels (``三、本年度办理结果 | （三）不予公开 |
1.属于国家秘密``): a reader that goes by labels finds the same row whatever the layout. One
exception: a row that is a single merged cell across the whole table (a caption such as
``第二十条第（一）项``, a label-only group row such as ``（三）不予公开``) is written as one cell,
``| （三）不予公开 |``, so that its copies are never read as the values of the row.
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections.abc import Sequence
from typing import Any

from auditor.document import Grid, GridCell, Position, SegmentMap
from auditor.records import field, record

EXTRACTED_LINES = (("span_lines", "extracted"),)
MAX_COLUMNS = 256

# A source anchor: where a character came from. For HTML an int offset into the source text;
# for docx/PDF a location dict (paragraph, page line, table cell). ``None``: synthetic character.
Anchor = Any


@record(frozen=True)
class SegmentLocator:
    """Maps an offset of the document text to a JSON ``location`` (paragraph, page line, cell)."""

    text_offsets: tuple[int, ...]
    locations: tuple[dict[str, Any], ...]
    cells: tuple[tuple[int, int, int, int, int], ...] = ()  # (start, end, table, row, column), 1-based numbers
    # said of every location: for docx and PDF, ``{"span_lines": "extracted"}``: the span's lines are
    # those of the extracted text (one per paragraph, page line or table row), not of the file
    common: tuple[tuple[str, str], ...] = ()

    @functools.cached_property
    def _cell_starts(self) -> list[int]:
        """The cells' start offsets, built once (not on every ``locate``: linear, not quadratic)."""
        return [cell[0] for cell in self.cells]

    def locate(self, offset: int) -> dict[str, Any] | None:
        location: dict[str, Any] = {}
        if self.text_offsets:
            index = bisect.bisect_right(self.text_offsets, offset) - 1
            if index >= 0:
                location.update(self.locations[index])
        position = bisect.bisect_right(self._cell_starts, offset) - 1
        if position >= 0:
            start, end, table, row, column = self.cells[position]
            if start <= offset < max(end, start + 1):
                location.update({"table": table, "row": row, "column": column})
        if location:
            location.update(self.common)
        return location or None


def is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef" \
        or "\u3000" <= char <= "\u303f"


def is_blank(char: str) -> bool:
    return char.isspace() or char in "\u200b\ufeff" or unicodedata.category(char) == "Zs"


@record
class CellText:
    """The characters of one table cell with their anchors, and how far the cell spans."""

    chars: list[str] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    row_span: int = 1
    column_span: int = 1
    anchor: Anchor = None  # where the cell itself starts (for an empty cell)

    def add(self, text: str, anchors: Sequence[Anchor]) -> None:
        self.chars.extend(text)
        self.anchors.extend(anchors)

    def break_here(self) -> None:
        """A line break inside the cell (``<br/>``, a second paragraph): a space, later dropped
        between two CJK characters (``本年新<br/>制作数量`` reads ``本年新制作数量``)."""
        if self.chars and self.chars[-1] != " ":
            self.chars.append(" ")
            self.anchors.append(self.anchors[-1])

    def cleaned(self) -> tuple[str, list[Anchor]]:
        return squeeze(self.chars, self.anchors)


def _word_gap(out_chars: Sequence[str], chars: Sequence[str], index: int, wrapped: bool) -> bool:
    """A typed blank (no line break in it) between two CJK words of two or more letters each
    (``信息内容 本年制发件数``): a separator the author meant, unlike a wrapped line or a letter-spaced
    title (``政 府 信 息``)."""
    if wrapped or len(out_chars) < 2:
        return False
    following = chars[index + 1] if index + 1 < len(chars) else " "
    return all(_is_letter(char) for char in (out_chars[-2], out_chars[-1], chars[index], following))


def _is_letter(char: str) -> bool:
    """A CJK ideograph (not CJK punctuation nor a full-width form)."""
    return ("\u2e80" <= char <= "\u9fff" and not "\u3000" <= char <= "\u303f") or "\uf900" <= char <= "\ufaff"


def squeeze(chars: Sequence[str], anchors: Sequence[Anchor],
            keep_word_gaps: bool = False) -> tuple[str, list[Anchor]]:
    """Collapse blank runs to one space, drop blanks at the ends and between two CJK characters
    (with ``keep_word_gaps``, except a typed blank between two CJK words: see ``_word_gap``)."""
    out_chars: list[str] = []
    out_anchors: list[Anchor] = []
    pending: Anchor | None = None
    has_pending = False
    wrapped = False
    for index, (char, anchor) in enumerate(zip(chars, anchors, strict=True)):
        if is_blank(char) or char in "\r\n\t":
            if out_chars and not has_pending:
                pending, has_pending, wrapped = anchor, True, False
            wrapped = wrapped or char in "\r\n"
            continue
        if has_pending and (not (is_cjk(out_chars[-1]) and is_cjk(char))
                            or (keep_word_gaps and _word_gap(out_chars, chars, index, wrapped))):
            out_chars.append(" ")
            out_anchors.append(pending)
        has_pending = False
        out_chars.append(char)
        out_anchors.append(anchor)
    return "".join(out_chars), out_anchors


@record
class TableLayout:
    """Rows of cells as the source gives them, before spans are expanded."""

    rows: list[list[CellText]] = field(default_factory=list)
    row_anchors: list[Anchor] = field(default_factory=list)

    def expand(self) -> list[list[tuple[CellText, int, int, bool]]]:
        """Grid positions -> (cell, origin row, origin column, is_origin), merged cells repeated."""
        grid: dict[tuple[int, int], tuple[CellText, int, int, bool]] = {}
        height = len(self.rows)
        for row_index, row in enumerate(self.rows):
            column = 0
            for cell in row:
                while (row_index, column) in grid:
                    column += 1
                # spans never reach past the table's last row nor beyond MAX_COLUMNS (hostile markup)
                for row_offset in range(min(max(cell.row_span, 1), height - row_index)):
                    for column_offset in range(min(max(cell.column_span, 1), MAX_COLUMNS - column)):
                        key = (row_index + row_offset, column + column_offset)
                        grid.setdefault(key, (cell, row_index, column, row_offset == 0 and column_offset == 0))
                column += max(cell.column_span, 1)
        width = max((column + 1 for (row, column) in grid if row < height), default=0)
        return [[grid.get((row, column), (CellText(), row, column, True)) for column in range(width)]
                for row in range(height)]


class TextBuilder:
    """Accumulates lines of text with per-character anchors, then builds maps and grids."""

    def __init__(self, keep_word_gaps: bool = False) -> None:
        self.keep_word_gaps = keep_word_gaps  # running text keeps typed blanks between CJK words (squeeze)
        self.chars: list[str] = []
        self.anchors: list[Anchor] = []
        self.line_chars: list[str] = []
        self.line_anchors: list[Anchor] = []
        self.line_anchor: Anchor = None
        self.grids: list[Grid] = []
        self.cell_spans: list[tuple[int, int, int, int, int]] = []

    # -- running text ---------------------------------------------------------------------
    def add(self, text: str, anchors: Sequence[Anchor]) -> None:
        if not self.line_chars:
            self.line_anchor = anchors[0] if anchors else self.line_anchor
        self.line_chars.extend(text)
        self.line_anchors.extend(anchors)

    def end_line(self, keep_empty: bool = False) -> None:
        """Finish the current line; an empty one is dropped unless ``keep_empty``."""
        text, anchors = squeeze(self.line_chars, self.line_anchors, self.keep_word_gaps)
        self.line_chars, self.line_anchors = [], []
        if text or keep_empty:
            self._append(text, anchors, self.line_anchor)

    def _append(self, text: str, anchors: Sequence[Anchor], line_anchor: Anchor) -> None:
        self.chars.extend(text)
        self.anchors.extend(anchors)
        self.chars.append("\n")
        self.anchors.append(anchors[-1] if anchors else line_anchor)

    @property
    def offset(self) -> int:
        return len(self.chars)

    # -- tables ---------------------------------------------------------------------------
    def add_table(self, table: TableLayout, table_number: int) -> None:
        """Append ``table`` as pipe rows, one line per grid row, and record its Grid."""
        from auditor.readers.limits import check_table

        self.end_line()
        check_table(table.rows, table_number)  # grid size and repeated text, before expanding
        expanded = table.expand()
        if not expanded or not any(row for row in expanded):
            return
        table_start = self.offset
        cells: list[GridCell] = []
        texts = {id(cell): cell.cleaned() for row in expanded for cell, *_ in row}
        for row_index, row in enumerate(expanded):
            row_anchor = table.row_anchors[row_index] if row_index < len(table.row_anchors) else None
            self.chars.append("|")
            self.anchors.append(row_anchor)
            if len({id(cell) for cell, *_origin in row}) == 1:
                row = row[:1]  # one cell across the whole row (a caption, a label-only group row)
            for column_index, (cell, *_origin) in enumerate(row):
                text, anchors = texts[id(cell)]
                self.chars.append(" ")
                self.anchors.append(cell.anchor if cell.anchor is not None else row_anchor)
                start = self.offset
                self.chars.extend(text)
                self.anchors.extend(anchors)
                end = self.offset
                self.chars.extend(" |")
                self.anchors.extend([cell.anchor if cell.anchor is not None else row_anchor] * 2)
                cells.append(GridCell(row_index, column_index, text, start, end,
                                      max(cell.row_span, 1), max(cell.column_span, 1)))
                # the cell owns its padding and closing bar: a blank cell is reported at its " |"
                self.cell_spans.append((start - 1, end + 2, table_number, row_index + 1, column_index + 1))
            self.chars.append("\n")
            self.anchors.append(row_anchor)
        self.grids.append(Grid(tuple(cells), table_start, self.offset))

    # -- results --------------------------------------------------------------------------
    def text(self) -> str:
        self.end_line()
        return "".join(self.chars)

    def segment_map(self, source_text: str) -> SegmentMap:
        """For anchors that are offsets into ``source_text``: a SegmentMap to its lines and columns."""
        from auditor.document import line_starts_of

        fallback = Position(1, 1)
        line_starts = line_starts_of(source_text)
        text_offsets: list[int] = []
        positions: list[Position] = []
        previous: int | None = None
        last_position = fallback
        for index, anchor in enumerate(self.anchors):
            if not isinstance(anchor, int):
                position = Position(last_position.line, last_position.column)
                text_offsets.append(index)
                positions.append(position)
                previous = None
                continue
            continues = previous is not None and anchor == previous + 1 and source_text[previous] != "\n"
            if not continues:
                line_index = bisect.bisect_right(line_starts, anchor) - 1
                last_position = Position(line_index + 1, anchor - line_starts[line_index] + 1)
                text_offsets.append(index)
                positions.append(last_position)
            previous = anchor
        if not text_offsets:
            text_offsets, positions = [0], [fallback]
        return SegmentMap(tuple(text_offsets), tuple(positions))

    def locator(self, common: tuple[tuple[str, str], ...] = ()) -> SegmentLocator:
        """For anchors that are location dicts: a SegmentLocator (runs of equal anchors merged)."""
        text_offsets: list[int] = []
        locations: list[dict[str, Any]] = []
        for index, anchor in enumerate(self.anchors):
            if isinstance(anchor, dict) and (not locations or locations[-1] != anchor):
                text_offsets.append(index)
                locations.append(anchor)
        return SegmentLocator(tuple(text_offsets), tuple(locations), tuple(self.cell_spans), common)
