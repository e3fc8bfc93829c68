"""PDFs as office suites make them: a generated 2021 report written as .docx (merged header cells,
label rows merged across the table) and exported to PDF by LibreOffice headless.

LibreOffice breaks table 三 over several pages and cuts tall rows in two at the page break. The
consistent report must give no arithmetic or table finding; changing one number (on the first page
of table 三, on a later page, in table 四) must give an arithmetic error whose span covers that cell.
The files are converted in one soffice call (about 2 s each). Skipped when LibreOffice is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from office_forms import export_pdfs, report_blocks, soffice, t3_label
from report_forms import to_docx
from reportgen import T3_COLUMNS, T4_COLUMNS, T4_GROUPS, Key, consistent_values

from auditor.diagnostics import Diagnostic
from auditor.document import Document, GridCell
from auditor.engine import FileResult, check_path
from auditor.rulebook import Rulebook

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")

SEED = 11
CHANGED: list[Key] = [("t3", "new", "natural"), ("t3", "c6_3", "commercial"), ("t4", "suit_after_review", "total")]
FORMS = ("ruled", "unruled")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(form, "clean" or the changed key's name) -> the PDF LibreOffice made."""
    folder = tmp_path_factory.mktemp("office")
    sources: dict[tuple[str, str], Path] = {}
    for form in FORMS:
        for name, key in [("clean", None), *(("-".join(key), key) for key in CHANGED)]:
            values = consistent_values(SEED, "2021")
            if key is not None:
                values.set(key, values.get(key) + 3)
            source = folder / f"{form}-{name}.docx"
            source.write_bytes(to_docx(report_blocks(values), ruled=form == "ruled"))
            sources[(form, name)] = source
    pdfs = export_pdfs(list(sources.values()), folder)
    return dict(zip(sources, pdfs, strict=True))


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _cell(document: Document, key: Key) -> GridCell:
    """The grid cell that holds ``key``'s number, found by the row label (table 三) or the position
    under the two-level header (table 四)."""
    values = consistent_values(SEED, "2021")
    if key[0] == "t3":
        label = _squeezed(t3_label(key, values))
        for grid in document.grids:
            row = next((cell.row for cell in grid.cells if cell.column == 0 and _squeezed(cell.text) == label), None)
            if row is not None:
                column = 1 + T3_COLUMNS.index(key[2])
                return next(cell for cell in grid.cells if (cell.row, cell.column) == (row, column))
    column = T4_GROUPS.index(key[1]) * len(T4_COLUMNS) + T4_COLUMNS.index(key[2])
    grid = next(grid for grid in document.grids if _squeezed(grid.cells[0].text) == "行政复议")
    return next(cell for cell in grid.cells if (cell.row, cell.column) == (3, column))


def _covers(diagnostic: Diagnostic, cell: GridCell) -> bool:
    spans = [diagnostic.span, *(label.span for label in diagnostic.labels)]
    return any(span is not None and span.start_offset < max(cell.end_offset, cell.start_offset + 1)
               and cell.start_offset <= span.end_offset for span in spans)


def _result(path: Path, rulebook: Rulebook) -> FileResult:
    result = check_path(str(path), rulebook)
    assert result.report is not None, result.read_error
    return result


@pytest.mark.parametrize("form", FORMS)
def test_a_consistent_report_exported_by_libreoffice_has_no_table_finding(
        exported: dict[tuple[str, str], Path], form: str, rulebook: Rulebook) -> None:
    result = _result(exported[(form, "clean")], rulebook)
    assert [(d.rule, d.message) for d in result.diagnostics if d.category in ("arithmetic", "table")] == []
    assert [d.rule for d in result.diagnostics if d.category == "structure"] == []
    document = result.report.document  # type: ignore[union-attr]
    assert document.locator is not None
    assert len(document.grids) == 3
    pages = {document.locator.locate(cell.start_offset)["page"] for cell in document.grids[1].cells}  # type: ignore[index]
    assert len(pages) >= 2, "table 三 should run over a page break"
    values = consistent_values(SEED, "2021")
    for key in values.numeric_cells():
        assert _cell(document, key).text == str(values.get(key)), key


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("key", CHANGED, ids="-".join)
def test_one_changed_number_is_an_arithmetic_error_on_its_cell(
        exported: dict[tuple[str, str], Path], form: str, key: Key, rulebook: Rulebook) -> None:
    result = _result(exported[(form, "-".join(key))], rulebook)
    cell = _cell(result.report.document, key)  # type: ignore[union-attr]
    arithmetic = [d for d in result.diagnostics if d.category == "arithmetic" and d.severity.label == "error"]
    assert any(_covers(diagnostic, cell) for diagnostic in arithmetic), [d.message for d in arithmetic]
    location = result.report.document.locator.locate(cell.start_offset)  # type: ignore[union-attr]
    assert location is not None and {"page", "table", "row", "column"} <= set(location)
