"""Rows whose cells ran together: honest failure, or the one split the row's own total allows.

A crawler that drops the separators between cells turns ``7 | 0 | 0 | 0 | 0 | 0 | 7`` into
``7000007``: one cell of digits where the row should have several, the others blank or missing.
Such a row cannot be read. For every data row of a table read so far (auditor/structure/tables.py):

- a row is *run together* when at least two of its cells are blank or missing, at most half of
  them are written, and one written cell is a run of digits longer than the number of blank
  cells (more digits than the row has room for as separate cells);
- when the row holds nothing but that one run, and the table declares ``row_total`` (the column
  that is the sum of the others, rulebook data), every way of cutting the digits into one number per
  column is tried; when exactly ONE cut satisfies the row's own total, the row is read that way
  and reported as recovered (``RecoveredRow``), with each number's span inside the run;
- otherwise the table is unreadable: no cell of it is kept (its identities are not checkable)
  and the run is the example the finding quotes. Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from auditor.textfold import fold

MAX_SPLIT_DIGITS = 24  # longer runs are not tried (the number of cuts grows too fast)


def digits_of(raw: str) -> str | None:
    text = fold(raw).strip()
    return text if text.isdigit() else None


def run_together(raws: Sequence[str]) -> int | None:
    """The index of the run of digits in a row whose cells ran together, else None. ``raws``: the
    text of each column's cell in order, ``""`` for a blank or missing one."""
    written = [index for index, raw in enumerate(raws) if raw.strip()]
    blanks = len(raws) - len(written)
    if blanks < 2 or not written or len(written) * 2 > len(raws):
        return None
    return next((index for index in written if (digits := digits_of(raws[index])) and len(digits) > blanks), None)


def _cuts(digits: str, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way of cutting ``digits`` into ``parts`` numbers, none with a leading zero."""
    if parts == 1:
        if digits and (digits == "0" or not digits.startswith("0")):
            yield (len(digits),)
        return
    longest = 1 if digits.startswith("0") else len(digits) - parts + 1
    for length in range(1, max(longest, 0) + 1):
        for rest in _cuts(digits[length:], parts - 1):
            yield (length, *rest)


def one_split(digits: str, parts: int, total_index: int) -> tuple[int, ...] | None:
    """The lengths of the only cut of ``digits`` into ``parts`` numbers whose ``total_index``
    number is the sum of the others; None when there is none or more than one."""
    if len(digits) > MAX_SPLIT_DIGITS or len(digits) < parts:
        return None
    found: tuple[int, ...] | None = None
    for lengths in _cuts(digits, parts):
        values, position = [], 0
        for length in lengths:
            values.append(int(digits[position:position + length]))
            position += length
        if values[total_index] * 2 == sum(values):
            if found is not None:
                return None
            found = lengths
    return found
