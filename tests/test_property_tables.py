"""Property: a consistent report is clean, and changing any one number of table 三 or 四 is caught.

Random consistent 2019 and 2021 tables (二, 三, 四; spec §3–§5), with or without the optional subtotal
rows of table 三, are rendered in every supported text form (tests/reportgen.py) inside a minimal
report with the six headings, and run through the engine with the built-in rulebook:
- no `arithmetic` or `table` finding on the consistent report;
- after changing one numeric cell, some `arithmetic` finding has its primary span or a labelled
  span on that cell.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from reportgen import FORMS, LAYOUTS, Key, Rendered, consistent_values, render, subtotal_values

from auditor.diagnostics import Diagnostic
from auditor.document import Document
from auditor.engine import check_document
from auditor.rulebook import Rulebook, load_rulebook

RULEBOOK: Rulebook = load_rulebook()
ERAS = ("2019", "2021")
PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(rendered: Rendered, form: str) -> list[Diagnostic]:
    path = "report.md" if form == "markdown" else "report.txt"
    return check_document(Document(path, rendered.text), RULEBOOK).diagnostics


def _covers(diagnostic: Diagnostic, start: int, end: int) -> bool:
    spans = [diagnostic.span, *(label.span for label in diagnostic.labels)]
    return any(span is not None and span.start_offset < end and start < span.end_offset for span in spans)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("era", ERAS)
@PROFILE
@given(seed=st.integers(0, 10**6), with_subtotals=st.booleans(), layout=st.sampled_from(LAYOUTS))
def test_consistent_tables_raise_no_arithmetic_or_table_finding(era: str, form: str, seed: int,
                                                                 with_subtotals: bool, layout: str) -> None:
    values = consistent_values(seed, era)
    rendered = render(values, form, subtotals=subtotal_values(values) if with_subtotals else None, layout=layout)
    found = [(d.rule, d.message) for d in _check(rendered, form) if d.category in ("arithmetic", "table")]
    assert found == []


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("era", ERAS)
@PROFILE
@given(seed=st.integers(0, 10**6), pick=st.integers(0, 10**6), delta=st.integers(1, 9),
       with_subtotals=st.booleans(), layout=st.sampled_from(LAYOUTS))
def test_one_changed_cell_is_caught_at_that_cell(era: str, form: str, seed: int, pick: int, delta: int,
                                                 with_subtotals: bool, layout: str) -> None:
    values = consistent_values(seed, era)
    subtotals = subtotal_values(values) if with_subtotals else None
    cells = values.numeric_cells() + [("t3", group, column) for group, row in (subtotals or {}).items()
                                      for column in row]
    key: Key = cells[pick % len(cells)]
    if key[1] in (subtotals or {}):
        assert subtotals is not None
        subtotals[key[1]][key[2]] += delta
    else:
        values.set(key, values.get(key) + delta)
    rendered = render(values, form, subtotals=subtotals, layout=layout)
    start, end = rendered.offsets[key]
    arithmetic = [d for d in _check(rendered, form) if d.category == "arithmetic" and d.severity.label == "error"]
    assert any(_covers(diagnostic, start, end) for diagnostic in arithmetic), (
        f"{key} changed by {delta}: {[d.message for d in arithmetic]}")
