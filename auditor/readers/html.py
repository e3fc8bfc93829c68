"""HTML pages (.html, .htm, .shtml) as government sites publish them.

Decoding: a BOM wins, then the charset the page declares (``<meta charset=gbk>`` or the
http-equiv ``content-type``; GB2312 and GBK are read as their superset GB18030), then UTF-8,
GB18030 and charset-normalizer as for plain text. A page whose declared charset is wrong (a UTF-8
page that says ``gb2312``) is read as UTF-8 when it is valid UTF-8.

Only the article body is checked: the first of the usual CMS content containers (``#zoom``,
``.TRS_Editor``, ``.pages_content``, ``#content``, ``.article``, ...) that holds text, else the element
with the most paragraph and table text. Navigation, headers and footers around it are the site,
not the report; furniture pasted *inside* the body stays and is found by the debris rules. When the
article title sits above the body (an ``<h1>`` outside ``#zoom``) it becomes the first line.

Block elements (``p``, ``div``, ``h1``…, ``li``, ``br``) end lines. An ``<ol>`` item starts with the
number a browser shows for it (``1.``, ``2.``…, from ``start``, ``value`` and ``type``): office suites
export automatically numbered part headings as list items whose text has no number. Tables are linearised one row
per line as pipe rows with merged cells expanded (see ``auditor.readers.layout``); ``<br/>`` inside a
cell becomes a space (none between two CJK characters) and ``&nbsp;`` cells are empty; Word's
zero-height row of empty cells that only sets column widths is not a row. The expanded tables are
also ``Document.grids`` (a merged cell at every position it covers, with its spans; filler cells kept).

Spans point at the HTML source: every character of the text is traced to the offset of its
characters (or entity) in the page, so a finding in the body is reported at the HTML line and
column, and ``Document.source_text`` is the page for code frames. lxml builds the tree (fast,
tolerant of broken markup); a cursor walks the source alongside it to recover exact columns.
"""

from __future__ import annotations

import codecs
import functools
import html as html_lib
import re
from collections.abc import Iterator

from auditor.document import Document
from auditor.readers import ReadError
from auditor.readers.layout import CellText, TableLayout, TextBuilder
from auditor.readers.limits import check_html_tree
from auditor.readers.text import decode_bom, decode_bytes, normalise_newlines
from auditor.records import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

EXTRACTOR_VERSION = "html-4"

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
            "big5": "big5hkscs", "utf8": "utf-8", "unicode": "utf-8"}

# Content containers of government CMS pages, in order of preference: ("id" | "class", name).
BODY_CONTAINERS: tuple[tuple[str, str], ...] = (
    ("id", "zoom"), ("id", "Zoom"), ("id", "UCAP-CONTENT"), ("class", "TRS_Editor"), ("class", "TRS_UEDITOR"),
    ("class", "pages_content"), ("id", "fontzoom"), ("class", "article-content"), ("class", "article_content"),
    ("id", "content"), ("class", "content"), ("class", "article"), ("id", "article"), ("class", "zw"),
    ("class", "detail"), ("id", "detail"),
)
MIN_BODY_TEXT = 40

_BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
    "section", "article", "header", "footer", "nav", "aside", "center", "form", "fieldset", "address", "figure",
    "figcaption", "hr", "main", "caption", "body", "html",
})
_SCORED = frozenset({"p", "table", "h1", "h2", "h3", "h4", "pre", "blockquote"})
# wrappers that do not make a text block of their own: a paragraph inside an office suite's list item
# (``<ol><li><p>``) or font soup counts for the block around them
_TRANSPARENT = frozenset({"li", "ol", "ul", "dl", "dd", "dt", "font", "span", "b", "strong", "i", "em", "u", "a",
                          "center", "small", "big", "sup", "sub"})
_RAW_CONTENT = frozenset({"script", "style", "textarea", "xmp"})
_SILENT = frozenset({"head", "title", "script", "style", "noscript", "template", "iframe", "object", "select",
                     "button", "svg", "textarea", "xmp"})
_MARKUP = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_TAG_END = re.compile(r"""(?:"[^"]*"|'[^']*'|[^'">])*>""")


# ------------------------------------------------------------------------------- decoding
def declared_charset(data: bytes) -> str | None:
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding) of an HTML page: BOM, declared charset, then plain-text detection."""
    with_bom = decode_bom(data)
    if with_bom is not None:
        return with_bom
    declared = declared_charset(data)
    if declared is not None:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                # a wrong or partly broken declaration: decode what we can, the mojibake rule reports the rest
                return data.decode(declared, errors="replace"), declared
    return decode_bytes(data)


# ------------------------------------------------------------------------------- source cursor
@functools.cache
def _closing_tag(tag: str) -> re.Pattern[str]:
    return re.compile(rf"</{tag}\s*>", re.IGNORECASE)



class SourceCursor:
    """Walks the page source in step with lxml's tree to recover offsets of tags and text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.position = 0

    def _next_markup(self, start: int) -> int:
        match = _MARKUP.search(self.source, start)
        return match.start() if match else len(self.source)

    def _skip_declaration(self) -> bool:
        """Consume the next markup if it is a comment, doctype or processing instruction."""
        at = self._next_markup(self.position)
        if self.source.startswith("<!--", at):
            end = self.source.find("-->", at + 4)
            self.position = len(self.source) if end < 0 else end + 3
        elif self.source.startswith(("<!", "<?"), at):
            end = self.source.find(">", at)
            self.position = len(self.source) if end < 0 else end + 1
        else:
            return False
        return True

    def _skip_declarations(self) -> None:
        """Skip doctype, comments and processing instructions that the tree does not hold."""
        while self._skip_declaration():
            pass

    def open_tag(self, tag: str) -> int | None:
        """Consume ``<tag ...>`` if it is the next markup; return its offset (None if implied)."""
        self._skip_declarations()
        at = self._next_markup(self.position)
        name_end = at + 1 + len(tag)
        if self.source[at + 1:name_end].lower() != tag or (
                name_end < len(self.source) and (self.source[name_end].isalnum() or self.source[name_end] in "-:_")):
            return None
        match = _TAG_END.match(self.source, name_end)
        self.position = match.end() if match else len(self.source)
        return at

    def close_tag(self, tag: str) -> None:
        at = self._next_markup(self.position)
        if self.source[at:at + 2 + len(tag)].lower() == f"</{tag}":
            end = self.source.find(">", at)
            self.position = len(self.source) if end < 0 else end + 1

    def comment(self) -> None:
        self._skip_declaration()

    def skip_raw(self, tag: str) -> None:
        """Jump over the content of ``<script>``-like elements (which may contain ``<``)."""
        match = _closing_tag(tag).search(self.source, self.position)
        self.position = match.start() if match else len(self.source)

    def text(self, expected: str) -> tuple[str, list[int]]:
        """The text node ``expected`` (as lxml decoded it) with the source offset of each character."""
        end = self._next_markup(self.position)
        raw_start = self.position
        chars: list[str] = []
        anchors: list[int] = []
        cursor = raw_start
        for match in _ENTITY.finditer(self.source, raw_start, end):
            for offset in range(cursor, match.start()):
                chars.append(self.source[offset])
                anchors.append(offset)
            decoded = html_lib.unescape(match.group())
            chars.extend(decoded)
            anchors.extend([match.start()] * len(decoded))
            cursor = match.end()
        for offset in range(cursor, end):
            chars.append(self.source[offset])
            anchors.append(offset)
        decoded_text = "".join(chars)
        if _squash(decoded_text) == _squash(expected):
            self.position = end
            return decoded_text, anchors
        # the tree moved text (broken markup): keep lxml's text, anchored where we stand
        return expected, [raw_start] * len(expected)


def _squash(text: str) -> str:
    return "".join(text.split())


# ------------------------------------------------------------------------------- tree walk
@record
class _TableState:
    layout: TableLayout = field(default_factory=TableLayout)
    row: list[CellText] | None = None
    cell: CellText | None = None
    spacer: bool = False  # the open row is Word's zero-height column-width row (<tr height=0>)


_LIST_STYLES = {"a": "abcdefghijklmnopqrstuvwxyz", "A": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def list_marker(number: int, style: str | None) -> str:
    """The marker a browser shows for item ``number`` of an ``<ol type=style>`` (decimal by default)."""
    letters = _LIST_STYLES.get(style or "")
    if letters is not None and 1 <= number <= len(letters):
        return f"{letters[number - 1]}."
    return f"{number}."


@record
class _Walk:
    cursor: SourceCursor
    builder: TextBuilder
    emit_roots: tuple[Any, ...]
    tables: list[_TableState] = field(default_factory=list)
    table_count: int = 0
    lists: list[list[Any]] = field(default_factory=list)  # per open list: [next number, type] or [] for <ul>
    marker: tuple[str, int] | None = None  # an <li>'s number, written before its first text

    def _list_item(self, element: Any, anchor: int) -> None:
        if not self.lists or not self.lists[-1]:
            return
        counter = self.lists[-1]
        number = _number(element.get("value"), counter[0])
        counter[0] = number + 1
        self.marker = (list_marker(number, counter[1]), anchor)

    def sink(self, text: str, anchors: list[int]) -> None:
        if self.marker is not None and text.strip():
            marker, anchor = self.marker
            self.marker = None
            text, anchors = marker + text, [anchor] * len(marker) + list(anchors)
        if self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell.add(text, anchors)
        else:
            self.builder.add(text, anchors)

    def line_break(self) -> None:
        if self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell.break_here()
        else:
            self.builder.end_line()

    def walk(self, element: Any, emitting: bool) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comment or processing instruction
            self.cursor.comment()
            self._tail(element, emitting)
            return
        tag = tag.lower()
        emitting_here = (emitting or any(element is root for root in self.emit_roots)) and tag not in _SILENT
        offset = self.cursor.open_tag(tag)
        anchor = offset if offset is not None else self.cursor.position
        if tag in _RAW_CONTENT:
            self.cursor.skip_raw(tag)
            self.cursor.close_tag(tag)
            self._tail(element, emitting)
            return
        if emitting_here:
            self._open(tag, element, anchor)
        if element.text:
            text, anchors = self.cursor.text(element.text)
            if emitting_here:
                self.sink(text, anchors)
        for child in element:
            self.walk(child, emitting_here)
        self.cursor.close_tag(tag)
        if emitting_here:
            self._close(tag)
        self._tail(element, emitting)

    def _tail(self, element: Any, emitting: bool) -> None:
        if element.tail:
            text, anchors = self.cursor.text(element.tail)
            if emitting:
                self.sink(text, anchors)

    def _open(self, tag: str, element: Any, anchor: int) -> None:
        if tag == "table":
            self.line_break()
            self.tables.append(_TableState())
        elif tag == "tr" and self.tables:
            state = self.tables[-1]
            state.row = []
            state.spacer = (element.get("height") or "").strip() == "0"
            state.layout.rows.append(state.row)
            state.layout.row_anchors.append(anchor)
        elif tag in ("td", "th") and self.tables:
            state = self.tables[-1]
            if state.row is None:
                state.row = []
                state.layout.rows.append(state.row)
                state.layout.row_anchors.append(anchor)
            state.cell = CellText(row_span=_span(element.get("rowspan")), column_span=_span(element.get("colspan")),
                                  anchor=anchor)
            state.row.append(state.cell)
        elif tag == "br" or tag in _BLOCKS:
            self.line_break()
            if tag == "ol":
                self.lists.append([_number(element.get("start"), 1), element.get("type")])
            elif tag == "ul":
                self.lists.append([])
            elif tag == "li":
                self._list_item(element, anchor)

    def _close(self, tag: str) -> None:
        if tag == "table" and self.tables:
            state = self.tables.pop()
            self.table_count += 1
            if self.tables and self.tables[-1].cell is not None:
                # a table nested in a cell: its text joins the cell
                for row in state.layout.rows:
                    for cell in row:
                        self.tables[-1].cell.add(cell.chars, cell.anchors)
                        self.tables[-1].cell.break_here()
            else:
                self.builder.add_table(state.layout, self.table_count)
        elif tag in ("td", "th") and self.tables:
            self.tables[-1].cell = None
        elif tag == "tr" and self.tables:
            state = self.tables[-1]
            empty = state.row is not None and not "".join("".join(cell.chars) for cell in state.row).strip()
            if state.spacer and empty:
                # Word's <![if !supportMisalignedColumns]> row of empty cells that only sets column widths
                state.layout.rows.pop()
                state.layout.row_anchors.pop()
            state.row, state.cell, state.spacer = None, None, False
        elif tag in _BLOCKS:
            self.line_break()
            if tag in ("ol", "ul") and self.lists:
                self.lists.pop()


def _number(value: str | None, default: int) -> int:
    try:
        return max(int(str(value).strip()), 0) if value else default
    except ValueError:
        return default


def _span(value: str | None) -> int:
    try:
        return min(max(int(str(value).strip()), 1), 1000) if value else 1
    except ValueError:
        return 1


# ------------------------------------------------------------------------------- body finding
def _text_length(element: Any) -> int:
    return len(_squash(element.text_content()))


def _iter_elements(root: Any) -> Iterator[Any]:
    return (element for element in root.iter() if isinstance(element.tag, str))


def find_body(root: Any) -> Any:
    """The article body: a known CMS container with text, else the densest text block."""
    for attribute, name in BODY_CONTAINERS:
        if attribute == "id":
            matches = [element for element in _iter_elements(root) if element.get("id") == name]
        else:
            matches = [element for element in _iter_elements(root)
                       if name in (element.get("class") or "").split()]
        matches = [element for element in matches if _text_length(element) >= MIN_BODY_TEXT]
        if matches:
            return max(matches, key=_text_length)
    scores: dict[Any, int] = {}
    for element in _iter_elements(root):
        parent = element.getparent()
        while parent is not None and parent.tag in _TRANSPARENT and parent.getparent() is not None:
            parent = parent.getparent()
        if element.tag in _SCORED and parent is not None:
            scores[parent] = scores.get(parent, 0) + _text_length(element)
    if scores:
        return max(scores, key=lambda element: scores[element])
    body = root.find(".//body")
    return body if body is not None else root


def find_title(root: Any, body: Any) -> Any | None:
    """The article title when it stands above the body: the nearest preceding h1–h3 or
    ``*title*`` element, unless the body opens with a heading of its own."""
    first = next((element for element in body.iter() if isinstance(element.tag, str) and element is not body
                  and _text_length(element) > 0), None)
    if first is not None and first.tag in ("h1", "h2", "h3"):
        return None
    opening = _squash(body.text_content())[:120]
    candidate = None
    for element in _iter_elements(root):
        if element is body:
            break
        if any(element is ancestor for ancestor in body.iterancestors()):
            continue
        named = "title" in (element.get("class") or "").lower() or "title" in (element.get("id") or "").lower()
        if (element.tag in ("h1", "h2", "h3") or named) and element.tag not in ("title", "head") \
                and 6 <= _text_length(element) <= 80:
            candidate = element
    if candidate is not None and opening.startswith(_squash(candidate.text_content())):
        return None  # the body repeats the title itself
    return candidate


# ------------------------------------------------------------------------------- reader
def _parse(source: str) -> Any:
    import lxml.html  # imported only when an HTML file is read

    declaration = _XML_DECLARATION.match(source)
    parse_text = source if not declaration else " " * declaration.end() + source[declaration.end():]
    try:
        return lxml.html.document_fromstring(parse_text)
    except (ValueError, lxml.etree.ParserError) as error:
        raise ReadError(f"网页无法解析（{error}）") from error


def read_html_file(path: str, data: bytes) -> Document:
    decoded, encoding = decode_html(data)
    source = normalise_newlines(decoded)
    root = _parse(source)
    check_html_tree(root)
    body = find_body(root)
    title = find_title(root, body)
    roots = (body,) if title is None else (title, body)
    builder = TextBuilder(keep_word_gaps=True)
    walker = _Walk(SourceCursor(source), builder, roots)
    walker.walk(root, emitting=False)
    text = builder.text()
    if not text.strip():
        raise ReadError("网页中没有找到正文文字")
    return Document(path=path, text=text, source_format="html", encoding=encoding,
                    source_map=builder.segment_map(source), source_text=source, grids=tuple(builder.grids),
                    locator=builder.locator() if builder.cell_spans else None)
