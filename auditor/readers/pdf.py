"""PDF files, read with pdfplumber.

Each page is read top to bottom: its text lines and its ruled tables (found from the drawn cell
borders), in the order of their top edges. A line that runs to the right margin and does not end a
sentence is joined with the next one, so a paragraph wrapped by the page is one line of text
again (a heading or a placeholder split by the wrap would otherwise be missed). Tables become pipe
rows with merged cells expanded, as for HTML and docx (``auditor.readers.layout``).

A PDF has no text lines a user can open: ``Document.source_text`` is the extracted text, the line
and column of a span are those of that text, and every diagnostic carries a JSON ``location``:
``{"page": p, "line": n}`` (1-based; the n-th text line of the page, table rows not counted) or
``{"page": p, "table": t, "row": r, "column": c}`` for a table cell.

A PDF without any text (a scan) cannot be checked: it raises ReadError of kind ``no_text_layer``,
which the rulebook reports as its own rule.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from auditor.document import Document
from auditor.readers import ReadError
from auditor.readers.layout import EXTRACTED_LINES, CellText, TableLayout, TextBuilder

EXTRACTOR_VERSION = "pdf-1"
SENTENCE_ENDS = "。！？；：!?;:"
_COORDINATE_TOLERANCE = 1.5


@dataclass(frozen=True)
class _Line:
    top: float
    x0: float
    x1: float
    size: float
    text: str


def _open(data: bytes) -> Any:
    import pdfplumber  # imported only when a PDF is read
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("不是有效的 PDF 文件（缺少 %PDF 文件头）")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages
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


def _table_layout(table: Any, chars: list[dict[str, Any]], page_number: int) -> TableLayout:
    """Rows of cells from the drawn cell boxes; spans from the grid lines each box crosses."""
    boxes = [tuple(cell) for cell in table.cells]
    xs = _cluster([box[0] for box in boxes] + [box[2] for box in boxes])
    ys = _cluster([box[1] for box in boxes] + [box[3] for box in boxes])
    placed: dict[tuple[int, int], tuple[tuple[float, float, float, float], int, int]] = {}
    for box in boxes:
        row, column = _index(ys, box[1]), _index(xs, box[0])
        row_span = max(_index(ys, box[3]) - row, 1)
        column_span = max(_index(xs, box[2]) - column, 1)
        placed.setdefault((row, column), (box, row_span, column_span))
    layout = TableLayout()
    anchor = {"page": page_number}
    for row in range(len(ys) - 1):
        cells: list[CellText] = []
        for column in range(len(xs) - 1):
            if (row, column) not in placed:
                continue
            box, row_span, column_span = placed[(row, column)]
            cell = CellText(row_span=row_span, column_span=column_span, anchor=anchor)
            for line in _cell_text(chars, box):
                cell.add(line, [anchor] * len(line))
                cell.break_here()
            cells.append(cell)
        if cells:
            layout.rows.append(cells)
            layout.row_anchors.append(anchor)
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
        result.append(_Line(line["top"], line["x0"], line["x1"], max(sum(sizes) / len(sizes), 1.0), line["text"]))
    return result


def _joins(previous: _Line, line: _Line, right_edge: float, left_edge: float) -> bool:
    """Was ``previous`` wrapped by the page into ``line``?"""
    reaches_margin = previous.x1 >= right_edge - 1.5 * previous.size
    return (reaches_margin and bool(previous.text) and previous.text[-1] not in SENTENCE_ENDS
            and line.x0 <= left_edge + 2.5 * line.size and line.top - previous.top <= 2.5 * previous.size)


def _read_page(page: Any, page_number: int, builder: TextBuilder, table_count: int) -> int:
    tables = page.find_tables()
    boxes = [tuple(table.bbox) for table in tables]
    lines = _page_lines(page, boxes)
    right_edge = max((line.x1 for line in lines), default=0.0)
    left_edge = min((line.x0 for line in lines), default=0.0)
    items: list[tuple[float, int, Any]] = [(line.top, 0, line) for line in lines]
    items += [(table.bbox[1], 1, table) for table in tables]
    items.sort(key=lambda item: (item[0], item[1]))
    line_number = 0
    previous: _Line | None = None
    for _top, is_table, item in items:
        if is_table:
            table_count += 1
            builder.add_table(_table_layout(item, page.chars, page_number), table_count)
            previous = None
            continue
        line_number += 1
        if previous is None or not _joins(previous, item, right_edge, left_edge):
            builder.end_line()
        location = {"page": page_number, "line": line_number}
        builder.add(item.text, [location] * len(item.text))
        previous = item
    builder.end_line()
    return table_count


def read_pdf_file(path: str, data: bytes) -> Document:
    pdf = _open(data)
    builder = TextBuilder()
    table_count = 0
    images = 0
    try:
        for page_number, page in enumerate(pdf.pages, start=1):
            images += len(page.images)
            table_count = _read_page(page, page_number, builder, table_count)
    except ReadError:
        raise
    except Exception as error:  # a damaged page stream
        raise ReadError(f"PDF 内容无法解析（{type(error).__name__}: {error}）") from error
    finally:
        pdf.close()
    text = builder.text()
    if not text.strip():
        what = "只有扫描图像" if images else "没有任何文字"
        raise ReadError(f"PDF {what}，没有文字层", kind="no_text_layer")
    return Document(path=path, text=text, source_format="pdf", encoding="pdf", source_text=text,
                    grids=tuple(builder.grids), locator=builder.locator(EXTRACTED_LINES))
