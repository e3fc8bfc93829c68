"""PDF files, read with pdfplumber.

Each page is read top to bottom: its text lines and its ruled tables (found from the drawn cell
borders), in the order of their top edges. A line that runs to the right margin and does not end a
sentence is joined with the next one, so a paragraph wrapped by the page is one line of text
again (a heading or a placeholder split by the wrap would otherwise be missed). Tables become pipe
rows with merged cells expanded, as for HTML and docx (``auditor.readers.layout``).

Page furniture is left out: page numbers (``- 3 -``, ``第 3 页 共 7 页``, ``3/7``, a lone number) and
running headers or footers, recognised by place (the outermost lines of the page, in its top or
bottom margin band) and by content (a ``PAGE_NUMBER`` shape, or the same text in the same band and
size on two pages or more). A table that ends a page and a table that starts the next page with
the same left and right edges are one table split by the page break: they are read as one, on the
column edges of both parts, a header row repeated on the next page left out.

A PDF has no text lines a user can open: ``Document.source_text`` is the extracted text, the line
and column of a span are those of that text, and every diagnostic carries a JSON ``location``:
``{"page": p, "line": n}`` (1-based; the n-th text line of the page as seen, page furniture
counted, table rows not) or
``{"page": p, "table": t, "row": r, "column": c}`` for a table cell.

A PDF without any text (a scan) cannot be checked: it raises ReadError of kind ``no_text_layer``,
which the rulebook reports as its own rule.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from auditor.document import Document
from auditor.readers import ReadError, limits
from auditor.readers.layout import EXTRACTED_LINES, CellText, TableLayout, TextBuilder

EXTRACTOR_VERSION = "pdf-2"
SENTENCE_ENDS = "。！？；：!?;:"
_COORDINATE_TOLERANCE = 1.5

# Page furniture. A line is furniture when it is one of the ``_EDGE_LINES`` outermost lines of the
# page, lies in the top or bottom ``MARGIN_BAND`` (a fraction of the page height), and either has
# one of these page-number shapes or repeats on other pages (a running header or footer).
MARGIN_BAND = 0.12
_EDGE_LINES = 2
PAGE_NUMBER = re.compile(r"""^(?:
    [-—–－‐―~～·•\s]*\d{1,4}[-—–－‐―~～·•\s]*                         # 3   - 3 -   — 3 —   ·3·
  | 第\s*[\d一二三四五六七八九十百]+\s*页(?:\s*[,，/、]?\s*共\s*[\d一二三四五六七八九十百]+\s*页)?  # 第 3 页 共 7 页
  | 共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页                            # 共 7 页 第 3 页
  | \d{1,4}\s*/\s*\d{1,4}                                            # 3/7   3 / 7
  | (?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?                       # Page 3 of 7
)$""", re.VERBOSE | re.IGNORECASE)


@dataclass(frozen=True)
class _Line:
    top: float
    x0: float
    x1: float
    size: float
    text: str
    bottom: float


def _open(data: bytes) -> Any:
    import pdfplumber  # imported only when a PDF is read
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("不是有效的 PDF 文件（缺少 %PDF 文件头）")
    limits.start_pdf()  # bounded inflation, page count checked before pages are parsed
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        limits.check_pdf_pages(pdf.doc)
        _ = pdf.pages
    except ReadError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise ReadError("PDF 已加密，无法读取文字：请提供未加密的版本") from error
    except PDFSyntaxError as error:
        raise ReadError(f"PDF 文件已损坏，无法读取（{error}）") from error
    except Exception as error:  # pdfminer raises many kinds of errors on damaged files
        raise ReadError(f"PDF 文件无法读取（{type(error).__name__}）") from error
    return pdf


def _cluster(values: list[float]) -> list[float]:
    clustered: list[float] = []
    for value in sorted(values):
        if not clustered or value - clustered[-1] > _COORDINATE_TOLERANCE:
            clustered.append(value)
    return clustered


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda index: abs(edges[index] - value))


def _cell_text(chars: list[dict[str, Any]], bbox: tuple[float, float, float, float]) -> list[str]:
    from pdfplumber.utils import extract_text

    x0, top, x1, bottom = bbox
    inside = [char for char in chars
              if x0 <= (char["x0"] + char["x1"]) / 2 <= x1 and top <= (char["top"] + char["bottom"]) / 2 <= bottom]
    return str(extract_text(inside)).split("\n") if inside else []


Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class _TablePart:
    """A ruled table as drawn on one page: its cell boxes with their text lines."""

    page_number: int
    bbox: Box
    cells: tuple[tuple[Box, tuple[str, ...]], ...]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]

    def continued_by(self, other: _TablePart) -> bool:
        """Does ``other`` (at the top of the next page) continue this table: the same left and right edges?"""
        tolerance = 2 * _COORDINATE_TOLERANCE
        return abs(self.bbox[0] - other.bbox[0]) <= tolerance and abs(self.bbox[2] - other.bbox[2]) <= tolerance


def _table_part(table: Any, chars: list[dict[str, Any]], page_number: int) -> _TablePart:
    cells = tuple((box, tuple(_cell_text(chars, box))) for box in (tuple(cell) for cell in table.cells))
    return _TablePart(page_number, tuple(table.bbox), cells)  # type: ignore[arg-type]


def _part_layout(part: _TablePart, xs: list[float]) -> TableLayout:
    """Rows of cells of one part on the column edges ``xs``; spans from the grid lines each box crosses."""
    ys = _cluster([box[1] for box, _ in part.cells] + [box[3] for box, _ in part.cells])
    placed: dict[tuple[int, int], tuple[tuple[str, ...], int, int]] = {}
    for box, lines in part.cells:
        row, column = _index(ys, box[1]), _index(xs, box[0])
        row_span = max(_index(ys, box[3]) - row, 1)
        column_span = max(_index(xs, box[2]) - column, 1)
        placed.setdefault((row, column), (lines, row_span, column_span))
    layout = TableLayout()
    anchor = {"page": part.page_number}
    for row in range(len(ys) - 1):
        cells: list[CellText] = []
        for column in range(len(xs) - 1):
            if (row, column) not in placed:
                continue
            lines, row_span, column_span = placed[(row, column)]
            cell = CellText(row_span=row_span, column_span=column_span, anchor=anchor)
            for line in lines:
                cell.add(line, [anchor] * len(line))
                cell.break_here()
            cells.append(cell)
        if cells:
            layout.rows.append(cells)
            layout.row_anchors.append(anchor)
    return layout


def table_layout(parts: list[_TablePart]) -> TableLayout:
    """One table from its parts on consecutive pages, on the column edges of all parts (a part
    may lack some edges: a header row merged across columns); a later part's leading rows that
    repeat the first part's (a header repeated on each page) are left out."""
    boxes = [box for part in parts for box, _lines in part.cells]
    xs = _cluster([box[0] for box in boxes] + [box[2] for box in boxes])
    layout = _part_layout(parts[0], xs)
    for part in parts[1:]:
        continuation = _without_repeated_header(layout, _part_layout(part, xs))
        layout.rows.extend(continuation.rows)
        layout.row_anchors.extend(continuation.row_anchors)
    return layout


def _page_lines(page: Any, table_boxes: list[tuple[float, float, float, float]]) -> list[_Line]:
    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in table_boxes)

    lines = page.filter(outside).extract_text_lines(return_chars=True)
    result: list[_Line] = []
    for line in lines:
        sizes = [char.get("size", 0.0) for char in line.get("chars", [])] or [10.0]
        result.append(_Line(line["top"], line["x0"], line["x1"], max(sum(sizes) / len(sizes), 1.0), line["text"],
                            line["bottom"]))
    return result


def _joins(previous: _Line, line: _Line, right_edge: float, left_edge: float) -> bool:
    """Was ``previous`` wrapped by the page into ``line``?"""
    reaches_margin = previous.x1 >= right_edge - 1.5 * previous.size
    return (reaches_margin and bool(previous.text) and previous.text[-1] not in SENTENCE_ENDS
            and line.x0 <= left_edge + 2.5 * line.size and line.top - previous.top <= 2.5 * previous.size)


# ----------------------------------------------------------------------------- pages
@dataclass
class _Page:
    """What one page holds: its text lines and its tables (top edge, bottom edge, layout)."""

    number: int
    height: float
    lines: list[_Line]
    tables: list[_TablePart]
    furniture: set[int] = field(default_factory=set)  # indexes into ``lines``

    def edge_lines(self, band: str) -> list[int]:
        """Indexes of the up to ``_EDGE_LINES`` outermost lines in the top or bottom margin band,
        from the page edge inward, with no table between them and the edge."""
        if band == "top":
            limit = min([self.height * MARGIN_BAND] + [table.top for table in self.tables])
            order = sorted(range(len(self.lines)), key=lambda index: self.lines[index].top)
            return [index for index in order[:_EDGE_LINES] if self.lines[index].bottom <= limit]
        limit = max([self.height * (1 - MARGIN_BAND)] + [table.bottom for table in self.tables])
        order = sorted(range(len(self.lines)), key=lambda index: -self.lines[index].bottom)
        return [index for index in order[:_EDGE_LINES] if self.lines[index].top >= limit]


def _collect_page(page: Any, page_number: int) -> _Page:
    """Text lines and table layouts of ``page`` (the page's cached objects are released after)."""
    tables = page.find_tables()
    boxes = [tuple(table.bbox) for table in tables]
    lines = _page_lines(page, boxes)
    return _Page(page_number, float(page.height), lines, [_table_part(table, page.chars, page_number)
                                                           for table in tables])


def _furniture_key(band: str, line: _Line) -> tuple[str, str, int]:
    """What a running header or footer keeps from page to page: band, text (numbers aside), size."""
    return band, re.sub(r"\d+", "#", "".join(line.text.split())), round(line.size)


def mark_furniture(pages: list[_Page]) -> None:
    """Mark the page furniture of every page: the outermost lines of the top and bottom margin
    bands that are a page number (``PAGE_NUMBER``) or that repeat, in the same band and size, on
    two pages or more (a running header or footer). Marking goes from the page edge inward and
    stops at the first line that is not furniture."""
    seen: dict[tuple[str, str, int], set[int]] = {}
    for page in pages:
        for band in ("top", "bottom"):
            for index in page.edge_lines(band):
                seen.setdefault(_furniture_key(band, page.lines[index]), set()).add(page.number)
    for page in pages:
        for band in ("top", "bottom"):
            for index in page.edge_lines(band):
                line = page.lines[index]
                if not (PAGE_NUMBER.match(line.text.strip()) or len(seen[_furniture_key(band, line)]) >= 2):
                    break
                page.furniture.add(index)


# ----------------------------------------------------------------------------- the text
class _Writer:
    """Writes pages into a TextBuilder; a table that ends a page and a table that starts the next
    with the same left and right edges are one table split by the page break."""

    def __init__(self) -> None:
        self.builder = TextBuilder()
        self.table_count = 0
        self.pending: list[_TablePart] = []

    def table(self, part: _TablePart, starts_page: bool) -> None:
        if not (self.pending and starts_page and self.pending[-1].continued_by(part)):
            self.flush()
        self.pending.append(part)

    def flush(self) -> None:
        if self.pending:
            self.table_count += 1
            self.builder.add_table(table_layout(self.pending), self.table_count)
            self.pending = []

    def page(self, page: _Page) -> None:
        """The page's lines (furniture left out, still counted in line numbers) and tables, by
        their top edges; wrapped lines joined."""
        body = [line for index, line in enumerate(page.lines) if index not in page.furniture]
        right_edge = max((line.x1 for line in body), default=0.0)
        left_edge = min((line.x0 for line in body), default=0.0)
        numbers = {id(line): number for number, line in enumerate(sorted(page.lines, key=lambda line: line.top), 1)}
        items: list[tuple[float, int, Any]] = [(line.top, 0, line) for line in body]
        items += [(table.top, 1, table) for table in page.tables]
        items.sort(key=lambda item: (item[0], item[1]))
        previous: _Line | None = None
        for position, (_top, is_table, item) in enumerate(items):
            if is_table:
                self.builder.end_line()
                self.table(item, starts_page=position == 0)
                previous = None
                continue
            self.flush()
            if previous is None or not _joins(previous, item, right_edge, left_edge):
                self.builder.end_line()
            location = {"page": page.number, "line": numbers[id(item)]}
            self.builder.add(item.text, [location] * len(item.text))
            previous = item
        self.builder.end_line()


def _without_repeated_header(table: TableLayout, continuation: TableLayout) -> TableLayout:
    """``continuation`` without its leading rows that repeat the leading rows of ``table`` (a
    header row repeated on each page)."""
    def texts(row: list[CellText]) -> list[str]:
        return [cell.cleaned()[0] for cell in row]

    repeated = 0
    while (repeated < min(len(table.rows), len(continuation.rows)) - 1
           and texts(table.rows[repeated]) == texts(continuation.rows[repeated])):
        repeated += 1
    return TableLayout(continuation.rows[repeated:], continuation.row_anchors[repeated:])


def read_pdf_file(path: str, data: bytes) -> Document:
    pdf = _open(data)
    pages: list[_Page] = []
    images = 0
    try:
        for page_number, page in enumerate(pdf.pages, start=1):
            images += len(page.images)
            pages.append(_collect_page(page, page_number))
            page.close()
    except ReadError:
        raise
    except Exception as error:  # a damaged page stream
        raise ReadError(f"PDF 内容无法解析（{type(error).__name__}: {error}）") from error
    finally:
        pdf.close()
    mark_furniture(pages)
    writer = _Writer()
    for page in pages:
        writer.page(page)
    writer.flush()
    builder = writer.builder
    text = builder.text()
    if not text.strip():
        what = "只有扫描图像" if images else "没有任何文字"
        raise ReadError(f"PDF {what}，没有文字层", kind="no_text_layer")
    return Document(path=path, text=text, source_format="pdf", encoding="pdf", source_text=text,
                    grids=tuple(builder.grids), locator=builder.locator(EXTRACTED_LINES))
