"""The JSON ``location`` of an offset, and its words: where a finding is in the file as the user sees it.

The reader's locator gives it for docx (paragraph or table cell) and PDF (page line or cell), and
for the table cells of an HTML page. Text outside an HTML table has no locator entry: its place is
its paragraph, the n-th block of text of the page's body as a browser shows it (a title, a heading,
a paragraph; table rows not counted), which is one line of the extracted text.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from functools import cached_property

from auditor.document import Document

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

    Locate = Callable[[int], dict[str, Any] | None]

# formats whose text outside tables is located by paragraph here (their readers locate only cells)
PARAGRAPH_FORMATS = frozenset({"html"})



def locator_for(document: Document) -> Locate | None:
    """A function from a text offset to its location, or None when the document's own lines are
    what the user sees (txt, md)."""
    if document.source_format in PARAGRAPH_FORMATS:
        return _ParagraphLocator(document).locate
    if document.locator is not None:
        return document.locator.locate
    return None


class _ParagraphLocator:
    """Table cells from the document's locator; other text by paragraph (non-empty lines outside
    the grids, counted from 1)."""

    def __init__(self, document: Document) -> None:
        self.document = document

    @cached_property
    def paragraph_lines(self) -> list[int]:
        """Indices of the lines that are paragraphs (built on the first call: most documents need none)."""
        grids = sorted((grid.start_offset, grid.end_offset) for grid in self.document.grids)
        return [line.number - 1 for line in self.document.all_lines
                if line.text.strip() and not any(start <= line.start < end for start, end in grids)]

    def locate(self, offset: int) -> dict[str, Any] | None:
        document = self.document
        if document.locator is not None:
            found = document.locator.locate(offset)
            if found and "table" in found:
                return found
        line_index = document.line_index_of(offset)
        position = bisect.bisect_left(self.paragraph_lines, line_index)
        if position < len(self.paragraph_lines) and self.paragraph_lines[position] == line_index:
            return {"paragraph": position + 1}
        return None


def place_text(location: Mapping[str, Any] | None) -> str:
    """``第3页 表1 第2行 第3列``, ``第4段``, ``第3页 第5行``; empty when nothing is known."""
    if not location:
        return ""
    parts: list[str] = []
    if isinstance(location.get("page"), int):
        parts.append(f"第{location['page']}页")
    if isinstance(location.get("table"), int):
        cell = [f"表{location['table']}"]
        cell += [f"第{location[key]}{unit}" for key, unit in (("row", "行"), ("column", "列"))
                 if isinstance(location.get(key), int)]
        parts.append(" ".join(cell))
    elif isinstance(location.get("paragraph"), int):
        parts.append(f"第{location['paragraph']}段")
    elif isinstance(location.get("line"), int):
        parts.append(f"第{location['line']}行")
    return " ".join(parts)


def place_of(document: Document, offset: int) -> str:
    """The place of ``offset`` for a message: ``第55行`` of a text file (its source line), else the
    clerk's place in a docx, PDF or HTML file (``第12段``, ``第3页 第5行``, ``表2 第3行 第1列``)."""
    locate = locator_for(document)
    place = place_text(locate(offset) if locate is not None else None)
    return place or f"第{document.position(offset).line}行"
