"""The shared vocabulary: a Document (text, line index, source map), Span and Position.

Every reader produces a Document; every check consumes one. Offsets are indices into
``Document.text`` (code points). ``Document.folded`` has exactly the same length, so an offset
found by matching the folded text is also an offset into the original text, and the source map
turns it into a line and column of the file the user opened.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections import namedtuple
from collections.abc import Iterator
from functools import cached_property

from auditor.records import field, record
from auditor.textfold import fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any, Protocol

    from auditor.textscan import TextIndex


@record(frozen=True, order=True, repr=False)
class Position:
    """A 1-based line and column (columns count code points) in the source file."""

    line: int
    column: int

    def __init__(self, line: int, column: int) -> None:  # written out: made dozens of times per report
        self.__dict__.update(line=line, column=column)

    def to_json(self) -> dict[str, int]:
        return {"line": self.line, "column": self.column}


@record(frozen=True, repr=False)
class Span:
    """A range in the source file; ``end`` is exclusive (one past the last character)."""

    start: Position
    end: Position
    start_offset: int = -1
    end_offset: int = -1

    def __init__(self, start: Position, end: Position, start_offset: int = -1, end_offset: int = -1) -> None:
        self.__dict__.update(start=start, end=end, start_offset=start_offset, end_offset=end_offset)  # as Position

    def to_json(self) -> dict[str, dict[str, int]]:
        return {"start": self.start.to_json(), "end": self.end.to_json()}

    def numbers(self) -> tuple[int, int, int, int, int, int]:
        """(start line, start column, end line, end column, start offset, end offset): the span as
        plain numbers, which pickle far cheaper than the records (see ``Span.of_numbers``)."""
        start, end = self.start, self.end
        return (start.line, start.column, end.line, end.column, self.start_offset, self.end_offset)

    @staticmethod
    def of_numbers(numbers: tuple[int, int, int, int, int, int]) -> Span:
        """The span whose ``numbers`` these are."""
        line, column, end_line, end_column, start_offset, end_offset = numbers
        return Span(Position(line, column), Position(end_line, end_column), start_offset, end_offset)


if TYPE_CHECKING:  # interfaces for the type checker only

    class SourceMap(Protocol):
        """Maps an offset of ``Document.text`` to a position in the source file."""

        def position(self, offset: int) -> Position: ...

    class Locator(Protocol):
        """Maps an offset of ``Document.text`` to a JSON ``location`` object for formats whose lines
        are not the user's lines (docx paragraphs and table cells, PDF pages), or None."""

        def locate(self, offset: int) -> dict[str, Any] | None: ...


@record(frozen=True, repr=False)
class LineMap:
    """Identity map: the document text has the same lines as the source (txt, md)."""

    line_starts: tuple[int, ...]

    def position(self, offset: int) -> Position:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return Position(index + 1, offset - self.line_starts[index] + 1)


@record(frozen=True, repr=False)
class SegmentMap:
    """Piecewise map for extracted text (HTML, ...): each segment of the text starts at a
    known source position and runs on within one source line."""

    text_offsets: tuple[int, ...]
    source_positions: tuple[Position, ...]

    def position(self, offset: int) -> Position:
        index = max(bisect.bisect_right(self.text_offsets, offset) - 1, 0)
        anchor = self.source_positions[index]
        return Position(anchor.line, anchor.column + offset - self.text_offsets[index])


@record(frozen=True, repr=False)
class GridCell:
    """A cell of a table that the reader found as a real grid (HTML <td>, docx cell)."""

    row: int
    column: int
    text: str
    start_offset: int
    end_offset: int
    row_span: int = 1
    column_span: int = 1

    def __init__(self, row: int, column: int, text: str, start_offset: int, end_offset: int, row_span: int = 1,
                 column_span: int = 1) -> None:  # written out, as Position's: a table has dozens
        self.__dict__.update(row=row, column=column, text=text, start_offset=start_offset, end_offset=end_offset,
                             row_span=row_span, column_span=column_span)


@record(frozen=True, repr=False)
class Grid:
    """A table as the source laid it out, merged cells already expanded by the reader."""

    cells: tuple[GridCell, ...]
    start_offset: int
    end_offset: int


def line_starts_of(text: str) -> tuple[int, ...]:
    return _starts_of_lines(text.split("\n"))


def _starts_of_lines(lines: list[str]) -> tuple[int, ...]:
    """The offsets where ``lines`` (a text split at its line breaks) start, all in C."""
    return tuple(itertools.accumulate(map((1).__add__, map(len, lines)), initial=0))[:-1]


class Line(namedtuple("Line", ["number", "start", "end", "text", "folded"])):
    """One line of the document text: ``number`` (int, 1-based in the text), ``start`` and ``end``
    (offsets without the newline), ``text`` and ``folded`` (str). A named tuple rather than a
    record: as immutable, three times cheaper to make (and ``collections.namedtuple``, not
    ``typing.NamedTuple``: a one-report check does not import ``typing``)."""

    __slots__ = ()


@record(frozen=True, repr=False)
class Document:
    """A report as text, with everything needed to point back into the file the user opened."""

    path: str
    text: str
    source_format: str = "txt"
    encoding: str = "utf-8"
    source_map: SourceMap | None = None
    source_text: str | None = None
    grids: tuple[Grid, ...] = ()
    locator: Locator | None = None
    folded: str = field(default="", compare=False)
    line_starts: tuple[int, ...] = field(default=(), compare=False)

    def __init__(self, path: str, text: str, source_format: str = "txt", encoding: str = "utf-8",
                 source_map: SourceMap | None = None, source_text: str | None = None, grids: tuple[Grid, ...] = (),
                 locator: Locator | None = None, folded: str = "", line_starts: tuple[int, ...] = ()) -> None:
        # written out, as Position's: readers make a Document with keywords, the shared __init__'s slow path
        self.__dict__.update(path=path, text=text, source_format=source_format, encoding=encoding,
                             source_map=source_map, source_text=source_text, grids=grids, locator=locator,
                             folded=folded, line_starts=line_starts)
        self.__post_init__()

    def __post_init__(self) -> None:
        if not self.folded:
            object.__setattr__(self, "folded", fold(self.text))
        if not self.line_starts:
            lines = self.text.split("\n")
            self.__dict__["text_lines"] = lines  # the value of the cached property: split once
            object.__setattr__(self, "line_starts", _starts_of_lines(lines))
        if self.source_map is None:
            object.__setattr__(self, "source_map", LineMap(self.line_starts))

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its TextIndex (``index``): a cache of this process, built again on use."""
        state = dict(self.__dict__)
        state.pop("index", None)
        return state

    # -- positions -----------------------------------------------------------------------
    def position(self, offset: int) -> Position:
        assert self.source_map is not None
        return self.source_map.position(max(0, min(offset, len(self.text))))

    def span(self, start_offset: int, end_offset: int) -> Span:
        """The source span of ``text[start_offset:end_offset]`` (end exclusive)."""
        end_offset = max(end_offset, start_offset)
        start = self.position(start_offset)
        if end_offset > start_offset:
            last = self.position(end_offset - 1)
            end = Position(last.line, last.column + 1)
        else:
            end = start
        return Span(start, end, start_offset, end_offset)

    def line_span(self, line: Line) -> Span:
        """The span of a line without its leading and trailing blanks."""
        stripped = line.text.strip()
        if not stripped:
            return self.span(line.start, line.start)
        lead = len(line.text) - len(line.text.lstrip())
        return self.span(line.start + lead, line.start + lead + len(stripped))

    # -- lines ---------------------------------------------------------------------------
    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_index_of(self, offset: int) -> int:
        """0-based index of the text line holding ``offset``."""
        return bisect.bisect_right(self.line_starts, offset) - 1

    @cached_property
    def text_lines(self) -> list[str]:
        """``text.split("\\n")``, split once per document (do not modify it)."""
        return self.text.split("\n")

    @cached_property
    def folded_lines(self) -> list[str]:
        """``folded.split("\\n")``, split once per document (do not modify it)."""
        return self.folded.split("\n")

    @cached_property
    def all_lines(self) -> tuple[Line, ...]:
        """Every line of the text, built once per document."""
        # all in C: tuple.__new__(Line, fields) makes the same Line as Line(*fields), without the
        # Python-level __new__ a NamedTuple has (a report has hundreds of lines)
        texts = self.text_lines
        ends = map(operator.add, self.line_starts, map(len, texts))
        fields = zip(itertools.count(1), self.line_starts, ends, texts, self.folded_lines)
        return tuple(map(tuple.__new__, itertools.repeat(Line), fields))

    @cached_property
    def index(self) -> TextIndex:
        """The TextIndex of ``folded`` (auditor.textscan), built once per document and shared by the
        structure passes and every check, so that each string's presence and lines are found once."""
        from auditor.textscan import TextIndex  # textscan imports this module

        return TextIndex(self.folded, self.line_starts)

    def line(self, index: int) -> Line:
        return self.all_lines[index]

    def lines(self) -> Iterator[Line]:
        return iter(self.all_lines)

    def source_lines(self) -> list[str]:
        """The lines of the file the user opened, for code frames."""
        return (self.source_text if self.source_text is not None else self.text).split("\n")
