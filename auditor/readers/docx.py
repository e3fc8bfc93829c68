"""Word documents (.docx), read with python-docx.

The body is read in document order (paragraphs and tables interleaved, content controls opened).
Each paragraph becomes one line; each table row one pipe row line, merged cells expanded
(``gridSpan`` repeats a cell across columns, a ``vMerge`` continuation repeats the text of the cell
above; see ``auditor.readers.layout``). A cell's paragraphs are joined by a space (none between two
CJK characters).

A .docx has no lines of its own: ``Document.source_text`` is this linearised text, so the line and
column of a span are those of the linearised text (one line per paragraph or table row), and every
diagnostic also carries a JSON ``location``: ``{"paragraph": n}`` (1-based, counting the body's
paragraphs, empty ones included) or ``{"table": t, "row": r, "column": c}`` (1-based, after merged
cells are expanded).

Automatic numbering (Word's numbered and multilevel lists, the usual way clerks number headings)
is rendered and put before the paragraph's text, as Word shows it: ``一、总体情况`` even when the
paragraph holds only ``总体情况`` (see ``auditor.readers.docx_numbering``). The label has no source
of its own: it is located at its paragraph (or table cell), like the paragraph's first character.
"""

from __future__ import annotations

import io
import zipfile

from auditor.document import Document
from auditor.readers import ReadError
from auditor.readers.docx_numbering import Numbering
from auditor.readers.layout import EXTRACTED_LINES, CellText, TableLayout, TextBuilder
from auditor.readers.limits import TableBudget, cap_span, check_zip

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

EXTRACTOR_VERSION = "docx-2"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(data: bytes) -> Any:
    import docx  # imported only when a .docx is read
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError("不是有效的 .docx 文件（.docx 应是 ZIP 压缩包；"
                        "若是旧版 .doc 改了扩展名，请在 Word 中另存为 .docx）")
    check_zip(data)  # sizes and compression ratios, before anything is inflated
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ReadError(f"无法打开 .docx 文件（{error}）") from error
    except Exception as error:  # lxml and zip errors of a damaged package
        raise ReadError(f".docx 文件已损坏，无法读取（{type(error).__name__}）") from error


def _paragraph_text(element: Any) -> str:
    """Text of a ``w:p``: runs, hyperlinks, tabs and breaks, as Word shows it."""
    parts: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append(" ")
        elif tag == f"{_W}delText":
            continue
    return "".join(parts)


def _body_items(container: Any) -> list[Any]:
    """``w:p`` and ``w:tbl`` children in order, looking inside content controls (``w:sdt``)."""
    items: list[Any] = []
    for child in container:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            items.append(child)
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                items.extend(_body_items(content))
    return items


def _cell_properties(cell: Any) -> tuple[int, str | None]:
    properties = cell.find(f"{_W}tcPr")
    span, merge = 1, None
    if properties is not None:
        grid_span = properties.find(f"{_W}gridSpan")
        if grid_span is not None:
            try:
                span = cap_span(int(grid_span.get(f"{_W}val", "1")))
            except ValueError:
                span = 1
        v_merge = properties.find(f"{_W}vMerge")
        if v_merge is not None:
            merge = v_merge.get(f"{_W}val", "continue")
    return span, merge


def _table_layout(table: Any, table_number: int, numbering: Numbering, budget: TableBudget) -> TableLayout:
    """Rows of cells; a vMerge continuation cell takes the text of the cell above it. Numbered
    paragraphs in cells get their labels (counters advance in document order)."""
    layout = TableLayout()
    above: dict[int, CellText] = {}
    for row_index, row in enumerate(table.iter(f"{_W}tr")):
        if row.getparent() is not table:
            continue  # rows of a nested table are read as text of their cell
        cells: list[CellText] = []
        column = 0
        for cell in row.iter(f"{_W}tc"):
            if cell.getparent() is not row:
                continue
            span, merge = _cell_properties(cell)
            location = {"table": table_number, "row": len(layout.rows) + 1, "column": column + 1}
            if merge == "continue" and column in above:
                source = above[column]
                item = CellText(column_span=span, anchor=location)
                budget.merged(len(source.chars))
                item.add(source.chars, [location] * len(source.chars))
                for paragraph in cell.iter(f"{_W}p"):
                    numbering.label(paragraph)  # hidden under the merge, but it still counts
            else:
                item = CellText(column_span=span, anchor=location)
                for paragraph in cell.iter(f"{_W}p"):
                    text = numbering.label(paragraph) + _paragraph_text(paragraph)
                    item.add(text, [location] * len(text))
                    item.break_here()
            for covered in range(column, column + span):
                above[covered] = item
            cells.append(item)
            column += span
        layout.rows.append(cells)
        layout.row_anchors.append({"table": table_number, "row": row_index + 1})
    return layout


def read_docx_file(path: str, data: bytes) -> Document:
    document = _open(data)
    numbering = Numbering.of(document)
    builder = TextBuilder()
    budget = TableBudget()
    paragraph_number = table_number = 0
    for item in _body_items(document.element.body):
        if item.tag == f"{_W}p":
            paragraph_number += 1
            text = numbering.label(item) + _paragraph_text(item)
            location = {"paragraph": paragraph_number}
            builder.line_anchor = location
            builder.add(text, [location] * len(text))
            builder.end_line(keep_empty=True)
        else:
            table_number += 1
            builder.add_table(_table_layout(item, table_number, numbering, budget), table_number)
    text = builder.text()
    if not text.strip():
        raise ReadError("Word 文档中没有任何文字")
    locator = builder.locator(EXTRACTED_LINES)
    return Document(path=path, text=text, source_format="docx", encoding="docx", source_text=text,
                    grids=tuple(builder.grids), locator=locator)
