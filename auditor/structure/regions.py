"""Table regions: the line ranges of a document that hold tables, found before the outline so
that a table's row labels (``一、本年新收…``) never become headings.

Three signals, merged:
- pipe lines: a run of lines that begin or end with ``|`` (flattened cells, Markdown tables);
- tab lines: a run of lines with two or more tab-separated fields;
- anchored regions: a caption-like line (short, not a sentence; see ``caption_like``) matching one
  of the rulebook's ``table_regions.anchors`` opens a region
  of short label/value lines (one label or value per line) or of rows aligned with runs of spaces,
  which runs until a ``stops`` line, a line longer than ``max_label_length`` that is not such a
  row, or a ``prose`` match.
A document's real grids (HTML, docx) are regions too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from auditor import regexcache
from auditor.document import Document
from auditor.records import record
from auditor.structure.detection import Detection, LineSearch, line_search
from auditor.textscan import candidate_lines

_SPACE_RUN = regexcache.compile(r"\S\s{2,}(?=\S)")


@record(eq=False, repr=False)
class Region:
    """Lines ``first``..``last`` (0-based, inclusive) hold a table; ``form`` says how it is laid out."""

    first: int
    last: int
    form: str

    def contains_line(self, index: int) -> bool:
        return self.first <= index <= self.last


def _is_pipe(stripped: str) -> bool:
    return stripped.startswith("|") or stripped.endswith("|")


def _is_aligned(stripped: str) -> bool:
    """A row laid out in columns with runs of spaces: three or more fields."""
    return len(_SPACE_RUN.findall(stripped)) >= 2


def _is_tabbed(stripped: str) -> bool:
    return stripped.count("\t") >= 1 and sum(1 for field in stripped.split("\t") if field.strip()) >= 2


def _runs(flagged: list[int], lines: list[str], form: str, minimum: int) -> list[Region]:
    """Regions of ``minimum`` or more flagged lines (0-based indexes, ascending) with nothing but
    blank lines between them."""
    regions: list[Region] = []
    index = 0
    while index < len(flagged):
        first = last = flagged[index]
        count = 1
        index += 1
        while index < len(flagged) and not any(lines[between].strip() for between in range(last + 1, flagged[index])):
            last = flagged[index]
            count += 1
            index += 1
        if count >= minimum:
            regions.append(Region(first, last, form))
    return regions


def _flagged(document: Document, char: str, test: Callable[[str], bool]) -> list[int]:
    """The lines, ascending, whose stripped folded text passes ``test``; ``test`` holds only for a
    line holding ``char``, so only those lines are tried."""
    folded_lines = document.folded_lines
    candidates = document.index.lines_holding(frozenset((char,)))
    return [index for index in sorted(candidates) if test(folded_lines[index].strip())]


_SENTENCE_END = regexcache.compile(r"[。;,]\s*$")


def caption_like(stripped: str, detection: Detection) -> bool:
    """A line that can open a table: a row of cells, or a short line that does not end as a
    sentence does (a caption, a header cell), never a sentence that mentions the table."""
    if _is_pipe(stripped) or _is_tabbed(stripped) or _is_aligned(stripped):
        return True
    if len(stripped) > detection.region_max_label_length or _SENTENCE_END.search(stripped):
        return False
    return detection.region_prose is None or not line_search(detection.region_prose)(stripped)


def _searches(document: Document, patterns: Iterable[re.Pattern[str]]) -> list[tuple[LineSearch, set[int] | None]]:
    """Each pattern's search of a line, with the lines it can match (see auditor.textscan; None: any)."""
    index = document.index
    return [(line_search(pattern), candidate_lines(index, pattern, counted=False)) for pattern in patterns]


def _openers(line_count: int, anchors: list[tuple[LineSearch, set[int] | None]]) -> Iterable[int]:
    """The lines some anchor can match, in order."""
    if any(lines is None for _, lines in anchors):
        return range(line_count)
    return sorted(set().union(*(lines for _, lines in anchors)))  # type: ignore[misc]


def _hit(searches: list[tuple[LineSearch, set[int] | None]], index: int, line: str) -> bool:
    """Does one of ``searches`` match ``line`` (line ``index``)? Each is tried only on its own candidate lines."""
    return any(search(line) for search, lines in searches if lines is None or index in lines)


def _anchored(document: Document, detection: Detection) -> list[Region]:
    """Regions opened by an anchor on a line that it matches (only a few lines can)."""
    folded_lines = document.folded_lines
    regions: list[Region] = []
    anchors = _searches(document, detection.region_anchors)
    # (stops are tried on the few lines of a region as they are: finding their candidate lines would
    # cost a pass over the text per word)
    stops = [line_search(stop) for stop in detection.region_stops]
    prose = line_search(detection.region_prose) if detection.region_prose is not None else None
    index = 0  # the first line after the last region
    count = len(folded_lines)
    for opener in _openers(count, anchors):
        line = folded_lines[opener]
        if opener < index or not _hit(anchors, opener, line) or not caption_like(line.strip(), detection):
            continue
        first = last = opener
        cursor = opener + 1
        while cursor < count:
            text = folded_lines[cursor].strip()
            if not text:
                cursor += 1
                continue
            if any(search(text) for search in stops):
                break
            if len(text) > detection.region_max_label_length and not (_is_pipe(text) or _is_aligned(text)):
                break
            if prose is not None and prose(text):
                break
            last = cursor
            cursor += 1
        regions.append(Region(first, last, "labels"))
        index = max(cursor, opener + 1)
    return regions


def _merge(regions: list[Region]) -> tuple[Region, ...]:
    merged: list[Region] = []
    for region in sorted(regions, key=lambda item: (item.first, -item.last)):
        if merged and region.first <= merged[-1].last + 1:
            previous = merged[-1]
            form = previous.form if previous.form == region.form else "mixed"
            merged[-1] = Region(previous.first, max(previous.last, region.last), form)
        else:
            merged.append(region)
    return tuple(merged)


def find_regions(document: Document, detection: Detection) -> tuple[Region, ...]:
    regions: list[Region] = []
    # a pipe line holds a bar and a tab line a tab: only those lines are tried
    regions += _runs(_flagged(document, "|", _is_pipe), document.text_lines, "pipe", 2)
    regions += _runs(_flagged(document, "\t", _is_tabbed), document.text_lines, "tab", 2)
    regions += _anchored(document, detection)
    for grid in document.grids:
        regions.append(Region(document.line_index_of(grid.start_offset),
                              document.line_index_of(max(grid.start_offset, grid.end_offset - 1)), "grid"))
    return _merge(regions)
