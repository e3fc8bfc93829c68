"""Run-in text: a report whose line breaks were lost (a crawler, a copy from a PDF viewer) is cut
into lines before anything else reads its structure.

A line is *run-in* when it is at least ``run_in.min_length`` characters long and holds two or more
``run_in.signals`` matches (inline part headings, table captions, labels of 表三/表四): one paragraph
never holds two part headings. Pipe rows and the rows of a reader's grids are never cut. Such a line is cut

- before every ``before`` match (part headings, table captions, an ordinal after a sentence end),
- after every ``after`` match (a part heading's title, a caption, a sentence end),
- and, inside a table stretch (a piece that does not end a sentence and holds ``number`` tokens):
  before the first word after a number (a row ended), before a ``row_label`` word that precedes a
  number (a row starts with its label), and before a run of numbers that follows column names
  (a row without a label, as in 表四).

Cutting never moves a character: where the cut falls after a blank, the blank becomes the line
break; elsewhere a line break is inserted and the source map skips it, so every offset of the cut
text still points at its character in the file the user opened.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator

from auditor import regexcache
from auditor.document import Document, Grid, Line, Position
from auditor.records import record, replace
from auditor.structure.detection import Detection, RunInSettings
from auditor.textscan import candidate_lines

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

_TOKEN = regexcache.compile(r"\S+")
_SENTENCE_END = regexcache.compile(r"[。!?]\s*$")


@record(eq=False, repr=False)
class ShiftedMap:
    """Source map of a cut text: offsets skip the inserted line breaks, then ``base`` maps them."""

    base: Document
    inserted: tuple[int, ...]  # offsets, in the cut text, of the inserted line breaks

    def original(self, offset: int) -> int:
        return offset - bisect.bisect_right(self.inserted, offset)

    def position(self, offset: int) -> Position:
        return self.base.position(self.original(offset))


@record(eq=False, repr=False)
class ShiftedLocator:
    """The base document's ``location`` objects, reached through a ShiftedMap."""

    shifted: ShiftedMap

    def locate(self, offset: int) -> dict[str, Any] | None:
        locator = self.shifted.base.locator
        return locator.locate(self.shifted.original(offset)) if locator is not None else None


def _is_run_in(line: Line, settings: RunInSettings, grid_bounds: list[tuple[int, int]],
               signal_lines: list[set[int] | None]) -> bool:
    """Long, with two signals, and neither a pipe row nor a row of a reader's grid. ``signal_lines``
    holds, for each signal, the lines it can match (None: any line; see auditor.textscan)."""
    if len(line.text) < settings.min_length or line.folded.lstrip().startswith("|"):
        return False
    if any(start <= line.start < end for start, end in grid_bounds):
        return False
    index = line.number - 1
    return sum(len(pattern.findall(line.folded)) for pattern, lines in zip(settings.signals, signal_lines, strict=True)
               if lines is None or index in lines) >= 2


def _skip_blanks(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _pattern_cuts(folded: str, settings: RunInSettings) -> set[int]:
    cuts: set[int] = set()
    for pattern in settings.before:
        cuts.update(_skip_blanks(folded, match.start()) for match in pattern.finditer(folded))
    for pattern in settings.after:
        cuts.update(_skip_blanks(folded, match.end()) for match in pattern.finditer(folded))
    return {cut for cut in cuts if 0 < cut < len(folded)}


def _label_split(word: str, settings: RunInSettings, ordinals: tuple[re.Pattern[str], ...]) -> int:
    """Where a row label starts inside ``word`` (``现行有效件数规章``, ``三、本年度办理结果（一）予以公开``), or 0.
    Inside a word that is itself a row label, only an ordinal marker starts another one."""
    row_label = settings.row_label
    if row_label is None:
        return 0
    whole = row_label.match(word) is not None
    for index in range(len(word) - 1, 0, -1):
        rest = word[index:]
        if row_label.match(rest) and (not whole or any(pattern.match(rest) for pattern in ordinals)):
            return index
    return 0


def _tokens(piece: str, offset: int, settings: RunInSettings,
            ordinals: tuple[re.Pattern[str], ...]) -> list[tuple[int, str]]:
    """(start, text) of the blank-separated words of ``piece``; a number glued to the label of the
    next row (``288行政规范性文件``), a label glued to another (``现行有效件数规章``) and a column name glued
    to a value (``总计0``) are two words each."""
    found: list[tuple[int, str]] = []
    for match in _TOKEN.finditer(piece):
        word, start = match.group(), offset + match.start()
        glued = re.match(r"\d+(?:\.\d+)?(?=\D)", word)
        if glued and settings.row_label is not None and settings.row_label.match(word[glued.end():]):
            found.append((start, glued.group()))
            word, start = word[glued.end():], start + glued.end()
        split = _label_split(word, settings, ordinals)
        if split:
            found.append((start, word[:split]))
            word, start = word[split:], start + split
        trailing = re.search(r"(?<=[^\d.])\d+$", word)  # a column name glued to the first value: 总计0
        if trailing:
            found.append((start, word[:trailing.start()]))
            word, start = trailing.group(), start + trailing.start()
        found.append((start, word))
    return found


def _row_cuts(piece: str, offset: int, settings: RunInSettings,
              ordinals: tuple[re.Pattern[str], ...]) -> Iterator[int]:
    """Cuts inside a table stretch (see the module docstring)."""
    number, row_label = settings.number, settings.row_label
    if number is None or _SENTENCE_END.search(piece):
        return
    words = _tokens(piece, offset, settings, ordinals)
    numeric = [number.match(word) is not None for _start, word in words]
    if not any(numeric):
        return
    for index in range(1, len(words)):
        if numeric[index - 1] and not numeric[index]:
            yield words[index][0]
        elif numeric[index] and not numeric[index - 1]:
            label_start, label = words[index - 1]
            if row_label is not None and row_label.match(label):
                if index - 1 > 0:
                    yield label_start
            else:
                yield words[index][0]


def _line_cuts(line: Line, settings: RunInSettings, ordinals: tuple[re.Pattern[str], ...]) -> set[int]:
    local = sorted(_pattern_cuts(line.folded, settings))
    cuts = {line.start + cut for cut in local}
    bounds = [0, *local, len(line.folded)]
    for start, end in itertools.pairwise(bounds):
        cuts.update(_row_cuts(line.folded[start:end], line.start + start, settings, ordinals))
    return {cut for cut in cuts if line.start < cut < line.end}


def _shift_grid(grid: Grid, new_offset: Any) -> Grid:
    cells = tuple(replace(cell, start_offset=new_offset(cell.start_offset), end_offset=new_offset(cell.end_offset))
                  for cell in grid.cells)
    return Grid(cells, new_offset(grid.start_offset), new_offset(grid.end_offset))


def _cut(document: Document, cuts: list[int]) -> Document:
    text = document.text
    pieces: list[str] = []
    inserted_old: list[int] = []
    previous = 0
    for cut in cuts:
        if text[cut - 1] in " \t\u3000":
            pieces.append(text[previous:cut - 1] + "\n")
        else:
            pieces.append(text[previous:cut] + "\n")
            inserted_old.append(cut)
        previous = cut
    pieces.append(text[previous:])
    inserted = tuple(old + number for number, old in enumerate(inserted_old))
    shifted = ShiftedMap(document, inserted)

    def new_offset(old: int) -> int:
        return old + bisect.bisect_right(inserted_old, old)

    return Document(
        path=document.path, text="".join(pieces), source_format=document.source_format, encoding=document.encoding,
        source_map=shifted, source_text=document.source_text if document.source_text is not None else document.text,
        grids=tuple(_shift_grid(grid, new_offset) for grid in document.grids),
        locator=ShiftedLocator(shifted) if document.locator is not None else None,
    )


def _signalled_lines(document: Document, signal_lines: list[set[int] | None]) -> Iterable[Line]:
    """The lines a signal can match, in order: only they can be run-in."""
    if any(lines is None for lines in signal_lines):
        return document.all_lines
    return [document.line(index) for index in sorted(set().union(*signal_lines))]


def segment_run_in(document: Document, detection: Detection) -> Document:
    """``document`` with its run-in lines cut into lines, or ``document`` itself when it has none."""
    settings = detection.run_in
    if settings is None:
        return document
    ordinals = tuple(pattern.pattern for pattern in detection.headings)
    cuts: set[int] = set()
    grid_bounds = [(grid.start_offset, grid.end_offset) for grid in document.grids]
    index = document.index
    signal_lines = [candidate_lines(index, pattern, counted=False) for pattern in settings.signals]
    for line in _signalled_lines(document, signal_lines):
        if _is_run_in(line, settings, grid_bounds, signal_lines):
            cuts |= _line_cuts(line, settings, ordinals)
    return _cut(document, sorted(cuts)) if cuts else document
