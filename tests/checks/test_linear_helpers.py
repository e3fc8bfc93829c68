"""The linear-time helpers (issue 11) give exactly what the quadratic code they replace gave."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.checks.narrative import SENTENCE_END, sentence_bounds
from auditor.checks.pattern import _Excepted
from auditor.readers.layout import SegmentLocator

TEXT = st.text(alphabet="ab。;!?\n", max_size=60)


def _old_sentence_bounds(text: str, start: int, end: int, ends: str) -> tuple[int, int]:
    left = max(text.rfind(char, 0, start) for char in ends) + 1
    rights = [position for position in (text.find(char, end) for char in ends) if position != -1]
    return left, min(rights, default=len(text))


@settings(max_examples=300, derandomize=True)
@given(TEXT, st.integers(0, 60), st.integers(0, 10), st.sampled_from([SENTENCE_END, "。", "\n;"]))
def test_sentence_bounds_as_before(text: str, start: int, width: int, ends: str) -> None:
    start = min(start, len(text))
    end = min(start + width, len(text))
    assert sentence_bounds(text, start, end, ends) == _old_sentence_bounds(text, start, end, ends)


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet="aXb", max_size=40), st.integers(0, 40), st.integers(0, 5))
def test_exception_overlap_as_before(line: str, start: int, width: int) -> None:
    exceptions = (re.compile("aX+"), re.compile("b?"), re.compile("XX"))
    end = start + width
    old = any(other.start() < end and start < other.end()
              for exception in exceptions for other in exception.finditer(line))
    assert _Excepted.of(line, exceptions).overlaps(start, end) == old


def test_segment_locator_builds_its_cell_starts_once() -> None:
    locator = SegmentLocator((0, 10), ({"paragraph": 1}, {"paragraph": 2}), ((12, 15, 1, 1, 1), (15, 18, 1, 1, 2)))
    assert locator.locate(13) == {"paragraph": 2, "table": 1, "row": 1, "column": 1}
    assert locator.locate(16)["column"] == 2  # type: ignore[index]
    assert locator.locate(5) == {"paragraph": 1}
    assert locator.__dict__["_cell_starts"] == [12, 15]
