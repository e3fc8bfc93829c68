"""Reading the cells that follow a label, whatever the text form of the table.

The reader works on the folded document text (same offsets as the original) and understands:
- pipe rows: ``| label | 12 | | 0 |`` (Markdown, and the HTML/DOCX linearisation) — merged cells
  expanded by repetition or left empty are tolerated by taking the *last* cells of the row;
- one cell per line ending in `` |`` (seed 001): a lone ``|`` is an empty cell, a run of two or
  more ``|`` ends a row;
- tab-separated rows, rows aligned with runs of two or more spaces, a label followed by its
  values on the same line (split at spaces);
- one label or value per line, with blank lines between, and units (万元, 人次) on their own line;
  a row ends at the next row label (a label wrapped over two lines included; ``stop`` rules let a
  lone cell equal to a row label that is also a column label, 其他, go on unless its row is next).
A table ends at a line that is neither a value nor one of its labels: a heading-shaped line or
page furniture (the table's ``ends`` in the rulebook), or a lone cell longer than MAX_VALUE_LENGTH.
A sign written apart from its number (``减少 45``, ``- 8``) is one cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from auditor import regexcache
from auditor.records import record
from auditor.structure.table_spec import TableSpec, has_label

# value syntax (spec §6): a unit written on its own, never a label
UNITS = "万元|亿元|元|件次|件|条|个|人次|人|次|篇|项|家|份|场|期"
UNIT_ONLY = regexcache.compile(rf"^\s*(?:{UNITS})\s*$")
PIPE_RUN = regexcache.compile(r"^\s*\|{2,}\s*$")
MARKDOWN_RULE = regexcache.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_SPACE_RUN = regexcache.compile(r"\s{2,}")
_ONE_SPACE = regexcache.compile(r"\s+")
# a sign written apart from its number (``减少 45``, ``- 8``): one cell, never two
_SIGN_ONLY = regexcache.compile(r"^(?:[-+−]|减少|增加)$")
_DIGIT_FIRST = regexcache.compile(r"^\d")
_PROSE_END = regexcache.compile(r"[。;]\s*$")
MAX_VALUE_LENGTH = 24  # a lone cell longer than this (no separators in it) is prose, not a value


@record(eq=False, repr=False)
class RawCell:
    """A cell as found: its text (stripped) and offsets into the document text."""

    text: str
    start: int
    end: int
    unit: str = ""

    def __init__(self, text: str, start: int, end: int, unit: str = "") -> None:  # written out: dozens a table
        self.text, self.start, self.end, self.unit = text, start, end, unit


def _piece(line: str, base: int, start: int, end: int) -> RawCell:
    """The cell ``line[start:end]`` stripped; an empty one points at the pipe that closes it."""
    chunk = line[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    text = chunk.strip()
    if text:
        return RawCell(text, base + start + lead, base + start + lead + len(text))
    closing = end if end < len(line) else max(start - 1, 0)
    return RawCell("", base + closing, base + closing + 1)


def _split_on(line: str, base: int, separator: str, drop_first: bool) -> list[RawCell]:
    bounds: list[tuple[int, int]] = []
    position = 0
    for part in line.split(separator):
        bounds.append((position, position + len(part)))
        position += len(part) + len(separator)
    if drop_first:
        bounds = bounds[1:]
    if bounds and not line[bounds[-1][0]:bounds[-1][1]].strip():
        bounds = bounds[:-1]
    return [_piece(line, base, start, end) for start, end in bounds]


def _split_spaces(line: str, base: int, pattern: re.Pattern[str]) -> list[RawCell]:
    cells: list[RawCell] = []
    position = 0
    for match in [*pattern.finditer(line), None]:
        end = match.start() if match else len(line)
        if line[position:end].strip():
            cells.append(_piece(line, base, position, end))
        position = match.end() if match else len(line)
    return _attach_units(_join_signs(cells, line, base))


def _join_signs(cells: list[RawCell], line: str, base: int) -> list[RawCell]:
    """A sign token followed, one space apart, by a number is one cell (``减少 45``, ``- 8``)."""
    joined: list[RawCell] = []
    for cell in cells:
        previous = joined[-1] if joined else None
        if (previous is not None and _SIGN_ONLY.match(previous.text) and _DIGIT_FIRST.match(cell.text)
                and not line[previous.end - base:cell.start - base].strip()
                and cell.start - previous.end == 1):
            joined[-1] = RawCell(line[previous.start - base:cell.end - base], previous.start, cell.end)
            continue
        joined.append(cell)
    return joined


def _attach_units(cells: list[RawCell]) -> list[RawCell]:
    """In space-separated text a unit is its own token: join it to the value before it."""
    joined: list[RawCell] = []
    pending_unit = ""
    for cell in cells:
        if UNIT_ONLY.match(cell.text):
            if joined:
                last = joined[-1]
                joined[-1] = RawCell(last.text, last.start, last.end, cell.text)
            else:
                pending_unit = cell.text
            continue
        joined.append(RawCell(cell.text, cell.start, cell.end, pending_unit))
        pending_unit = ""
    return joined


def split_cells(line: str, base: int, after_label: bool) -> list[RawCell]:
    """The cells of one line (``base`` is its offset). ``after_label``: the line is the rest of a
    label's line, whose first piece (before the first separator) belongs to the label cell."""
    if "|" in line:
        stripped = line.strip()
        if stripped == "|":
            return [_piece(line, base, line.index("|"), line.index("|"))]
        starts_with_pipe = stripped.startswith("|")
        return _split_on(line, base, "|", drop_first=after_label or starts_with_pipe)
    if "\t" in line.strip() or (after_label and line.startswith("\t")):
        return _split_on(line, base, "\t", drop_first=after_label and not line[: line.find("\t")].strip())
    if _SPACE_RUN.search(line.strip()):
        return _split_spaces(line, base, _SPACE_RUN)
    return _split_spaces(line, base, _ONE_SPACE)


def _trim(cells: list[RawCell], count: int) -> list[RawCell]:
    """More cells than columns: drop unit-only cells and empty padding cells at the end of the row
    (a row padded to the width of a wider block), then keep the last ``count`` (the ones before
    are a merged label expanded by the linearisation)."""
    if len(cells) <= count:
        return cells
    cells = [cell for cell in cells if not UNIT_ONLY.match(cell.text)]
    while len(cells) > count and not cells[-1].text.strip():
        cells = cells[:-1]
    return cells[-count:] if len(cells) > count else cells


@record(eq=False, repr=False)
class Cursor:
    """Where a table lives in the folded text: ``end`` bounds all reading."""

    folded: str
    end: int
    max_label_length: int = 60


def _line_at(cursor: Cursor, offset: int) -> tuple[str, int, int]:
    """(line text, line start, line end) of the line holding ``offset``."""
    start = cursor.folded.rfind("\n", 0, offset) + 1
    end = cursor.folded.find("\n", offset)
    end = len(cursor.folded) if end == -1 else end
    return cursor.folded[start:end], start, end


StopRule = Callable[[str], bool]  # whether a line (a lone cell) ends the row being read


def read_after(cursor: Cursor, spec: TableSpec, label_end: int, count: int, *,
               stop_at_labels: bool = True, stop: StopRule | None = None, trim: bool = True) -> list[RawCell]:
    """Up to ``count`` cells following a label that ends at ``label_end``: on the same line if
    the line goes on, else on the following lines. ``trim=False``: every cell of the rest of the
    label's line, in place (for mapping by header position)."""
    _, _, end = _line_at(cursor, label_end)
    rest = cursor.folded[label_end:min(end, cursor.end)]
    inline = split_cells(rest, label_end, after_label=True) if rest.strip(" \t|") else []
    if inline:
        return _trim(inline, count) if trim else inline
    return read_stream(cursor, spec, end + 1, count, stop_at_labels=stop_at_labels, stop=stop)


def _holds_label(cursor: Cursor, spec: TableSpec, line: str, end: int, stop: StopRule | None) -> bool:
    """Whether a line starts a row: it holds a row label, or begins one wrapped onto the next line."""
    starts_row = stop or (lambda text: has_label(spec.any_row_label, text))
    if starts_row(line):
        return True
    following = _next_line(cursor, end)
    return bool(following.strip()) and not has_label(spec.any_row_label, following) \
        and starts_row(line.rstrip() + "\n" + following.lstrip())


def _next_line(cursor: Cursor, end: int) -> str:
    if end + 1 >= cursor.end:
        return ""
    line, start, line_end = _line_at(cursor, end + 1)
    return line[: max(0, min(line_end, cursor.end) - start)]


def _ends_table(spec: TableSpec, line: str) -> bool:
    """A line that is not a value nor a label of the table: a heading-shaped line or page furniture
    (the table's ``ends``), or a lone cell too long to be a value."""
    if has_label(spec.any_header_label, line):
        return False
    if any(pattern.search(line) for pattern in spec.ends):
        return True
    return len(line) > MAX_VALUE_LENGTH and not any(mark in line for mark in "|\t") and " " not in line


def read_stream(cursor: Cursor, spec: TableSpec, offset: int, count: int, *,
                stop_at_labels: bool = True, stop: StopRule | None = None) -> list[RawCell]:
    """Cells on the lines from ``offset`` on, until ``count`` cells, a row end, a label of the
    table (``stop`` decides which), a prose line or the end of the table."""
    cells: list[RawCell] = []
    unit = ""
    lines_used = 0
    while offset < cursor.end and len(cells) < count:
        line, start, end = _line_at(cursor, offset)
        line = line[: max(0, min(end, cursor.end) - start)]
        offset = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        if PIPE_RUN.match(line) or MARKDOWN_RULE.match(line):
            if cells:
                break
            continue
        if stop_at_labels and _holds_label(cursor, spec, line, end, stop):
            break
        if len(stripped) > cursor.max_label_length and _PROSE_END.search(stripped):
            break
        if _ends_table(spec, stripped):
            break
        if UNIT_ONLY.match(stripped):
            unit = stripped
            continue
        found = split_cells(line, start, after_label=False)
        lines_used += 1
        if unit and found:
            found[0] = RawCell(found[0].text, found[0].start, found[0].end, found[0].unit or unit)
            unit = ""
        cells.extend(found)
    if len(cells) > count:
        cells = _trim(cells, count) if lines_used == 1 else cells[:count]
    return cells
