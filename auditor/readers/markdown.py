"""Markdown (.md), parsed with markdown-it-py (CommonMark plus pipe tables); spans point at the source.

The report text is what the Markdown shows, without its markup: a heading ``## 一、总体情况`` is the
line ``一、总体情况``, ``**（一）主动公开。**`` is ``（一）主动公开。``, a link is its text, a bullet
loses its ``-``. Ordered-list markers (``1.``) are report numbering and stay. Each source line
of a paragraph or heading stays one line of text (a soft break ends the line, as in the .txt form
of the same report). A pipe table becomes one pipe row per table row, ``| 规章 | 0 | 0 |``, its cells
stripped of markup, and a ``Grid`` (``Document.grids``); the ``|---|`` delimiter row is left out.
Everything else (blank lines, HTML blocks and comments, code, rules) is kept line for line as
written.

Every character of the text is mapped back to the character of the Markdown source it came from
(``Document.source_map``; ``source_text`` is the Markdown), so lines, columns and code frames are
those of the file the user opened. Text that markdown-it changed (an escape ``\\*``, an entity
``&amp;``) is located character by character.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence

from auditor.document import Document, Grid, GridCell, Position, SegmentMap, line_starts_of
from auditor.readers.text import decode_text
from auditor.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

_SEARCH_WINDOW = 8  # how far ahead one changed character is looked for in the source
_DROPPED_INLINE = frozenset({"html_inline"})  # inline markup that is not report text
_SINGLE = re.compile(r"[!-/:-@\[-`{-~\s\u00a0\u3000]")  # ASCII punctuation and blanks: escaped or entities
_RUNS = re.compile(rf"{_SINGLE.pattern}|(?:(?!{_SINGLE.pattern}).)+", re.S)


@functools.cache  # one parser for the run: parse() keeps no state between documents
def _parser() -> Any:
    from markdown_it import MarkdownIt  # imported only when a Markdown file is read

    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    _plain_text_shortcut(parser)
    _opener_guards(parser)
    return parser


# The characters one of which markdown-it 4's block rules need first on the line they are tried at
# (after its indent): each rule's source returns False at once when it is not there. A table needs
# one of ``|-:`` first on the line after it (its delimiter row).
_OPENERS = {"fence": "~`", "blockquote": ">", "hr": "*-_", "list": "*-+0123456789", "reference": "[",
            "html_block": "<", "heading": "#"}
_DELIMITER_OPENERS = frozenset("|-:")


def _opener_guards(parser: Any) -> None:
    """Every line of a paragraph is tried with each rule that may interrupt it (table, fence,
    blockquote, hr, list, html_block, heading), twice (``lheading`` reads the paragraph first,
    looking for a setext underline): some 15 rule calls a line, each logging its entry, where a
    report's lines open with a Han character that no rule starts with. This puts a guard before
    each of those rules that tests the line's first character and calls the rule only when it may
    open there, so the tokens are the same. Left as it is when the installed markdown-it is not
    version 4 (whose rules' opening tests the guards copy) or its rules are not found."""
    import markdown_it

    ruler = parser.block.ruler
    rules = {rule.name: rule for rule in getattr(ruler, "__rules__", ())}
    if not markdown_it.__version__.startswith("4.") or not set(_OPENERS) | {"table"} <= set(rules):
        return
    for name, openers in _OPENERS.items():
        ruler.at(name, _guarded(rules[name].fn, frozenset(openers)), {"alt": list(rules[name].alt)})
    ruler.at("table", _table_guarded(rules["table"].fn), {"alt": list(rules["table"].alt)})


def _guarded(rule: Any, openers: frozenset[str]) -> Any:
    """``rule``, called only when the line's first character is one of ``openers``."""
    def guarded(state: Any, start_line: int, end_line: int, silent: bool) -> Any:
        first = state.bMarks[start_line] + state.tShift[start_line]
        if state.src[first:first + 1] not in openers:
            return False
        return rule(state, start_line, end_line, silent)
    return guarded


def _table_guarded(rule: Any) -> Any:
    """The table rule, called only when the next line may be a delimiter row."""
    def guarded(state: Any, start_line: int, end_line: int, silent: bool) -> Any:
        if start_line + 2 > end_line:
            return False
        first = state.bMarks[start_line + 1] + state.tShift[start_line + 1]
        if state.src[first:first + 1] not in _DELIMITER_OPENERS:
            return False
        return rule(state, start_line, end_line, silent)
    return guarded


def _plain_text_shortcut(parser: Any) -> None:
    """Most paragraphs of a report are plain text: markdown-it's inline parser turns such a paragraph,
    one without any of the characters its ``text`` rule stops at but line breaks, into text tokens
    and line breaks, after setting up its state and trying its rules at every break. This parser's
    inline ``parse`` makes those tokens directly (``_plain_tokens``) and parses everything else as
    before. Left as it is when the installed markdown-it does not expose that set of characters
    (``terminator_re``) or does not try ``text`` and then ``newline`` first."""
    inline = parser.inline
    terminator = getattr(inline, "terminator_re", None)
    names = [rule.__name__ for rule in inline.ruler.getRules("")]
    if terminator is None or names[:2] != ["text", "newline"]:
        return
    full = inline.parse

    def parse(src: str, md: Any, env: Any, tokens: list[Any]) -> list[Any]:
        lines = src.split("\n")
        if any(terminator.search(line) for line in lines):
            return full(src, md, env, tokens)
        tokens += _plain_tokens(lines)
        return tokens

    inline.parse = parse  # this parser instance only


def _plain_tokens(lines: list[str]) -> Iterator[Any]:
    """The tokens of markdown-it's inline parser for plain text lines: the text of each line, a
    ``softbreak`` after it, or a ``hardbreak`` after two or more trailing spaces; one trailing space
    is dropped, as are all before a hard break and the spaces and tabs that open a later line."""
    from markdown_it.token import Token

    last = len(lines) - 1
    for index, line in enumerate(lines):
        if index:
            line = line.lstrip(" \t")
        kind = "softbreak"
        if index < last and line.endswith("  "):
            line, kind = line.rstrip(" "), "hardbreak"
        elif index < last and line.endswith(" "):
            line = line[:-1]
        if line:
            token = Token("text", "", 0)
            token.content = line
            yield token
        if index < last:
            yield Token(kind, "br", 0)


@record(frozen=True)
class _Block:
    """Source lines [first, end) read as ``inline`` content (headings, paragraphs) or a table."""

    first: int
    end: int
    kind: str  # "inline" | "table"
    inlines: tuple[Any, ...]  # the inline token, or every cell's inline token of a table
    rows: tuple[tuple[int, int], ...] = ()  # table: (source line, number of cells) per row
    keep_marker: bool = False  # the first line starts with an ordered-list marker to keep


def _blocks(tokens: Sequence[Any]) -> Iterator[_Block]:
    ordered: list[bool] = []
    marker_pending = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in ("ordered_list_open", "bullet_list_open"):
            ordered.append(token.type == "ordered_list_open")
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            ordered.pop()
        elif token.type == "list_item_open":
            marker_pending = bool(ordered and ordered[-1])
        elif token.type == "inline" and token.map:
            # positional: a record's __init__ takes its quick path with every field given in order
            yield _Block(token.map[0], token.map[1], "inline", (token,), (), marker_pending)
            marker_pending = False
        elif token.type == "table_open" and token.map:
            index, block = _table(tokens, index)
            yield block
        index += 1


def _table(tokens: Sequence[Any], index: int) -> tuple[int, _Block]:
    opening = tokens[index]
    inlines: list[Any] = []
    rows: list[tuple[int, int]] = []
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open" and token.map:
            rows.append((token.map[0], 0))
        elif token.type == "inline" and rows:
            inlines.append(token)
            rows[-1] = (rows[-1][0], rows[-1][1] + 1)
        index += 1
    return index, _Block(opening.map[0], opening.map[1], "table", tuple(inlines), tuple(rows), False)


class _Writer:
    """The text being built, with the source offset of every character, kept as runs: ``runs`` holds
    [text offset, source offset, length] of each stretch of text whose characters come from
    consecutive characters of the source (a whole line, a piece of inline text)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.line_starts = line_starts_of(source)
        # where each line starts, and where it ends without its newline; past the last line, the source's end
        self.starts = (*self.line_starts, len(source))
        self.ends = (*(start - 1 for start in self.line_starts[1:]), len(source))
        self.pieces: list[str] = []
        self.length = 0
        self.runs: list[list[int]] = []
        self.grids: list[Grid] = []

    def line_start(self, line: int) -> int:
        starts = self.starts
        return starts[line] if line < len(starts) else starts[-1]

    def line_end(self, line: int) -> int:
        ends = self.ends
        return ends[line] if line < len(ends) else ends[-1]

    def put(self, text: str, anchors: Sequence[int]) -> None:
        """Append ``text``, whose i-th character comes from source offset ``anchors[i]``."""
        if len(anchors) == 1 and len(text) == 1:
            self.put_one(text, anchors[0])
            return
        self.pieces.append(text)
        if isinstance(anchors, range) and anchors.step == 1:
            self._anchor(self.length, anchors.start, len(anchors))
        else:
            for index, anchor in enumerate(anchors):
                self._anchor(self.length + index, anchor, 1)
        self.length += len(text)

    def _anchor(self, text_offset: int, source_offset: int, length: int) -> None:
        """``length`` characters from ``text_offset`` on come from the source from ``source_offset`` on."""
        if not length:
            return
        runs = self.runs
        if runs and runs[-1][1] + runs[-1][2] == source_offset:
            runs[-1][2] += length
        else:
            runs.append([text_offset, source_offset, length])

    def put_one(self, char: str, anchor: int) -> None:
        """``put`` of one character from source offset ``anchor``: a line break or a table's bar, the
        most frequent piece, written without a list of anchors (a run of text ends with it)."""
        self.pieces.append(char)
        runs = self.runs
        if runs and runs[-1][1] + runs[-1][2] == anchor:
            runs[-1][2] += 1
        else:
            runs.append([self.length, anchor, 1])
        self.length += 1

    def newline(self, anchor: int) -> None:
        self.put_one("\n", anchor)

    def verbatim(self, line: int) -> None:
        start, end = self.line_start(line), self.line_end(line)
        self.put(self.source[start:end], range(start, end))
        self.newline(end)

    # -- inline content -------------------------------------------------------------------
    def locate(self, content: str, cursor: int, limit: int) -> tuple[Sequence[int], int]:
        """Source offsets of ``content`` found from ``cursor`` on, and the cursor after it.

        Text that markdown-it changed (``\\*`` is ``*``, ``&amp;`` is ``&``) is not in the source as
        it is: it is then placed run by run, a run of ordinary characters anywhere ahead, a lone
        punctuation mark or blank only close by; what is not found takes the cursor's place."""
        found = self.source.find(content, cursor, limit)
        if found >= 0:
            return range(found, found + len(content)), found + len(content)
        anchors: list[int] = []
        for run in _RUNS.findall(content):
            window = limit if len(run) > 1 or not _SINGLE.fullmatch(run) else min(limit, cursor + _SEARCH_WINDOW)
            position = self.source.find(run, cursor, window)
            if position >= 0:
                anchors += range(position, position + len(run))
                cursor = position + len(run)
            else:
                anchors += [min(cursor, max(limit - 1, 0))] * len(run)
        return anchors, cursor

    def inline(self, token: Any, cursor: int, limit: int) -> Iterator[tuple[str, Sequence[int]]]:
        """(text, anchors) pieces of an inline token; a piece ``"\\n"`` is a line break."""
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                yield "\n", [cursor]
            elif child.type in _DROPPED_INLINE:
                found = self.source.find(child.content, cursor, limit)
                cursor = found + len(child.content) if found >= 0 else cursor
            elif child.type == "image":
                alt = "".join(grandchild.content for grandchild in child.children or ())
                anchors, cursor = self.locate(alt, cursor, limit)
                yield alt, anchors
            elif child.content:
                anchors, cursor = self.locate(child.content, cursor, limit)
                yield child.content, anchors

    def text_block(self, block: _Block) -> None:
        start, limit = self.line_start(block.first), self.line_end(block.end - 1)
        line = block.first
        pieces = list(self.inline(block.inlines[0], start, limit))
        if block.keep_marker:
            first = next((anchors[0] for _, anchors in pieces if anchors), limit)
            indent = len(self.source[start:first]) - len(self.source[start:first].lstrip())
            self.put(self.source[start + indent:first], range(start + indent, first))
        for text, anchors in pieces:
            if text == "\n":
                self.newline(self.line_end(line))
                line += 1
                continue
            self.put(text, anchors)
        for _ in range(line, block.end):
            self.newline(self.line_end(line))
            line += 1

    # -- tables ---------------------------------------------------------------------------
    def table(self, block: _Block) -> None:
        table_start = self.length
        cells: list[GridCell] = []
        inlines = iter(block.inlines)
        for row_index, (line, count) in enumerate(block.rows):
            cursor, limit = self.line_start(line), self.line_end(line)
            self.put_one("|", cursor)
            for column in range(count):
                text, anchors = self._cell(next(inlines), cursor, limit)
                bar = self.source.find("|", anchors[-1] + 1 if anchors else cursor + 1, limit)
                if not text and bar < 0 and column:
                    continue  # a cell markdown-it adds to a short row: not typed, so not written
                self.put(" ", [anchors[0] if anchors else cursor])
                start = self.length
                self.put(text, anchors)
                cells.append(GridCell(row_index, column, text, start, self.length))
                cursor = bar if bar >= 0 else (anchors[-1] + 1 if anchors else cursor)
                self.put(" |", [cursor, cursor])
            self.newline(limit)
        self.grids.append(Grid(tuple(cells), table_start, self.length))

    def _cell(self, token: Any, cursor: int, limit: int) -> tuple[str, list[int]]:
        """A cell's text without markup or surrounding blanks, and its source offsets."""
        text = ""
        anchors: list[int] = []
        for piece, piece_anchors in self.inline(token, cursor, limit):
            if piece != "\n":
                text += piece
                anchors += piece_anchors
        lead = len(text) - len(text.lstrip())
        stripped = text.strip()
        return stripped, anchors[lead:lead + len(stripped)]

    # -- result ---------------------------------------------------------------------------
    def drop_last(self) -> None:
        """Forget the last character written."""
        while not self.pieces[-1]:
            self.pieces.pop()
        self.pieces[-1] = self.pieces[-1][:-1]
        self.length -= 1
        self.runs[-1][2] -= 1
        if not self.runs[-1][2]:
            self.runs.pop()

    def segment_map(self) -> SegmentMap:
        """Runs of consecutive source offsets become one segment each, cut after each source newline
        (a segment stays on one source line)."""
        text_offsets: list[int] = []
        positions: list[Position] = []
        find = self.source.find
        for text_start, source_start, length in self.runs:
            text_offsets.append(text_start)
            positions.append(self._position(source_start))
            last = source_start + length - 1  # a newline there ends the run anyway
            newline = find("\n", source_start, last)
            while newline >= 0:
                text_offsets.append(text_start + newline + 1 - source_start)
                positions.append(self._position(newline + 1))
                newline = find("\n", newline + 1, last)
        return SegmentMap(tuple(text_offsets) or (0,), tuple(positions) or (Position(1, 1),))

    def _position(self, source_offset: int) -> Position:
        line_starts = self.line_starts
        line = max(0, min(len(line_starts) - 1, bisect.bisect_right(line_starts, source_offset) - 1))
        return Position(line + 1, source_offset - line_starts[line] + 1)


def read_markdown_file(path: str, data: bytes) -> Document:
    text, encoding = decode_text(data)
    writer = _Writer(text)
    line = 0
    for block in sorted(_blocks(_parser().parse(text)), key=lambda item: item.first):
        if block.first < line:
            continue  # a block inside one already written (defensive: markdown-it never nests them)
        while line < block.first:
            writer.verbatim(line)
            line += 1
        if block.kind == "table" and block.rows:
            writer.table(block)
        elif block.kind == "table":  # rows without source lines (never seen): keep the lines as written
            for table_line in range(block.first, block.end):
                writer.verbatim(table_line)
        else:
            writer.text_block(block)
        line = block.end
    while line < len(writer.line_starts):
        writer.verbatim(line)
        line += 1
    result = "".join(writer.pieces)
    if text.endswith("\n") and result.endswith("\n\n"):
        writer.drop_last()  # the source's final newline, not a line
        result = result[:-1]
    return Document(path=path, text=result, source_format="md", encoding=encoding,
                    source_map=writer.segment_map(), source_text=text, grids=tuple(writer.grids))
