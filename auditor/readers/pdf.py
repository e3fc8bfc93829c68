"""PDF files, read with pdfplumber.

Each page is read top to bottom: its text lines and its ruled tables (found from the visible cell
borders, ``auditor.readers.pdf_tables``), in the order of their top edges. A line that runs to the
right margin and does not end a sentence is joined with the next one, so a paragraph wrapped by
the page is one line of text again (a heading or a placeholder split by the wrap would otherwise be
missed). Tables without borders are found in the text lines of all pages, taken as one flow, from
the positions of their words (``auditor.readers.pdf_unruled``). Every table is one
``Document.grids`` entry and is written into the text as pipe rows with merged cells expanded, as
for HTML and docx (``auditor.readers.layout``).

Page furniture is left out: page numbers (``- 3 -``, ``第 3 页 共 7 页``, ``3/7``, a lone number) and
running headers or footers, recognised by place (the outermost lines of the page, in its top or
bottom margin band) and by content (a ``PAGE_NUMBER`` shape, or the same text in the same band and
size on two pages or more). A ruled table that ends a page and one that starts the next page with
the same left and right edges are one table split by the page break: they are read as one, on the
column edges of both parts, a header row repeated on the next page left out, a row or a merged
label cell cut by the break joined again.

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

from auditor.document import Document
from auditor.readers import ReadError, limits
from auditor.readers.layout import EXTRACTED_LINES, TextBuilder
from auditor.readers.pdf_tables import TablePart, ruled_tables, table_layout
from auditor.readers.pdf_unruled import FlowLine, Segment, UnruledTable, find_unruled_tables, segments_of
from auditor.records import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

EXTRACTOR_VERSION = "pdf-4"
SENTENCE_ENDS = "。！？；：!?;:"

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


@record(frozen=True)
class _Line:
    top: float
    x0: float
    x1: float
    size: float
    text: str
    bottom: float
    segments: tuple[Segment, ...] = ()


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
                            line["bottom"], segments_of(line.get("chars", []))))
    return result


def _joins(previous: _Line, line: _Line, right_edge: float, left_edge: float, next_page: bool = False) -> bool:
    """Was ``previous`` wrapped by the page into ``line`` (the first line of the next page when
    ``next_page``: a paragraph that runs on over the page break)?"""
    reaches_margin = previous.x1 >= right_edge - 1.5 * previous.size
    below = next_page or line.top - previous.top <= 2.5 * previous.size
    return (reaches_margin and bool(previous.text) and previous.text[-1] not in SENTENCE_ENDS
            and line.x0 <= left_edge + 2.5 * line.size and below)


# ----------------------------------------------------------------------------- pages
@record
class _Page:
    """What one page holds: its text lines and its tables (top edge, bottom edge, layout)."""

    number: int
    height: float
    lines: list[_Line]
    tables: list[TablePart]
    furniture: set[int] = field(default_factory=set)  # indexes into ``lines``
    edges: tuple[float, float] | None = None  # text_edges(), once furniture is marked

    def text_edges(self) -> tuple[float, float]:
        """The right and left edges of the page's text (furniture left out), measured once."""
        if self.edges is None:
            body = [line for index, line in enumerate(self.lines) if index not in self.furniture]
            self.edges = (max((line.x1 for line in body), default=0.0), min((line.x0 for line in body), default=0.0))
        return self.edges

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
    page = page.dedupe_chars()
    tables = ruled_tables(page, page_number)
    lines = _page_lines(page, [table.bbox for table in tables])
    return _Page(page_number, float(page.height), lines, tables)


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
@record(frozen=True)
class _Item:
    """A text line (with its line number on the page) or a ruled table part, in reading order."""

    page: _Page
    line: _Line | None = None
    number: int = 0
    table: TablePart | None = None
    first_on_page: bool = False


def _items(page: _Page) -> list[_Item]:
    """The page's lines (furniture left out, still counted in line numbers) and tables, by their top edges."""
    numbers = {id(line): number for number, line in enumerate(sorted(page.lines, key=lambda line: line.top), 1)}
    entries: list[tuple[float, int, _Item]] = [
        (line.top, 0, _Item(page, line=line, number=numbers[id(line)]))
        for index, line in enumerate(page.lines) if index not in page.furniture]
    entries += [(table.top, 1, _Item(page, table=table)) for table in page.tables]
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    items = [entry[2] for entry in entries]
    if items and items[0].table is not None:
        items[0] = _Item(page, table=items[0].table, first_on_page=True)
    return items


def _flow(items: list[_Item]) -> list[FlowLine | None]:
    """The text lines as the unruled-table finder sees them; a ruled table is a barrier (None)."""
    return [FlowLine(item.page.number, item.line.top, item.line.size, item.line.segments)
            if item.line is not None and item.line.segments else None for item in items]


class _Writer:
    """Writes the items of all pages into a TextBuilder: lines (wrapped lines joined), ruled
    tables (a table that ends a page and one that starts the next with the same left and right
    edges are one table split by the page break) and unruled tables."""

    def __init__(self) -> None:
        self.builder = TextBuilder()
        self.table_count = 0
        self.pending: list[TablePart] = []

    def table(self, part: TablePart, starts_page: bool) -> None:
        if not (self.pending and starts_page and self.pending[-1].continued_by(part)):
            self.flush()
        self.pending.append(part)

    def flush(self) -> None:
        if self.pending:
            self.table_count += 1
            self.builder.add_table(table_layout(self.pending), self.table_count)
            self.pending = []

    @staticmethod
    def _continues(previous: _Line, previous_page: _Page, item: _Item) -> bool:
        assert item.line is not None
        if previous_page is item.page:
            return _joins(previous, item.line, *item.page.text_edges())
        right_edge, _left = previous_page.text_edges()
        return _joins(previous, item.line, right_edge, item.page.text_edges()[1], next_page=True)

    def write(self, items: list[_Item], unruled: dict[int, UnruledTable]) -> None:
        previous: _Line | None = None
        previous_page: _Page | None = None
        index = 0
        while index < len(items):
            item = items[index]
            if index in unruled:
                self.flush()
                self.builder.end_line()
                self.table_count += 1
                self.builder.add_table(unruled[index].layout, self.table_count)
                index, previous = unruled[index].end, None
                continue
            index += 1
            if item.table is not None:
                self.builder.end_line()
                self.table(item.table, starts_page=item.first_on_page)
                previous = None
                continue
            assert item.line is not None
            self.flush()
            if previous is None or previous_page is None or not self._continues(previous, previous_page, item):
                self.builder.end_line()
            location = {"page": item.page.number, "line": item.number}
            self.builder.add(item.line.text, [location] * len(item.line.text))
            previous, previous_page = item.line, item.page
        self.flush()
        self.builder.end_line()


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
    items = [item for page in pages for item in _items(page)]
    writer = _Writer()
    writer.write(items, {table.start: table for table in find_unruled_tables(_flow(items))})
    builder = writer.builder
    text = builder.text()
    if not text.strip():
        what = "只有扫描图像" if images else "没有任何文字"
        raise ReadError(f"PDF {what}，没有文字层", kind="no_text_layer")
    return Document(path=path, text=text, source_format="pdf", encoding="pdf", source_text=text,
                    grids=tuple(builder.grids), locator=builder.locator(EXTRACTED_LINES))
