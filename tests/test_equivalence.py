"""The same report as .txt, .md, .html, .docx and .pdf gets the same findings on the same cells.

Each report of tests/readers/report_forms.py is written in every form (the HTML with the
rowspan/colspan header gov sites use for table 三, the docx with merged cells, the PDF with
spanned ruled cells) and checked. Findings are compared by rule id and place: the table cell
(table, row key, column key) for a finding inside a table, else the folded text of its span
(a heading, a placeholder, a date) — never by line number, which differs between forms.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "readers"))
from report_forms import REPORTS, WRITERS

from auditor.engine import FileResult, check_path
from auditor.rulebook import Rulebook
from auditor.structure.tables import tables_of

FORMS = ("txt", "html", "docx", "pdf")
Finding = tuple[str, ...]


def findings(result: FileResult) -> set[Finding]:
    assert result.report is not None, result.read_error
    document = result.report.document
    cells = [cell for table in tables_of(result.report).values() for cell in table.cells.values()]
    found: set[Finding] = set()
    for diagnostic in result.diagnostics:
        if diagnostic.span is None:
            found.add((diagnostic.rule,))
            continue
        start, end = diagnostic.span.start_offset, diagnostic.span.end_offset
        cell = next((cell for cell in cells if cell.start <= start < max(cell.end, cell.start + 1)), None)
        if cell is not None:
            found.add((diagnostic.rule, "cell", cell.table, cell.row, cell.column))
        else:
            found.add((diagnostic.rule, "text", "".join(document.folded[start:end].split()).strip("#|*")))
    return found


def _check(tmp_path: Path, report: str, form: str, rulebook: Rulebook) -> set[Finding]:
    path = tmp_path / f"{report}.{form}"
    path.write_bytes(WRITERS[form](REPORTS[report]))
    return findings(check_path(str(path), rulebook))


CASES = [(report, form) for report in sorted(REPORTS) for form in FORMS]


@pytest.mark.parametrize(("report", "form"), CASES)
def test_same_findings_as_markdown(tmp_path: Path, report: str, form: str, rulebook: Rulebook) -> None:
    expected = _check(tmp_path, report, "md", rulebook)
    assert _check(tmp_path, report, form, rulebook) == expected


def test_faulty_reports_have_findings_in_text_and_cells(tmp_path: Path, rulebook: Rulebook) -> None:
    """Guards the comparison above against passing on empty sets."""
    assert _check(tmp_path, "2021-clean", "md", rulebook) == set()
    faulty_2021 = _check(tmp_path, "2021-faulty", "html", rulebook)
    assert ("GK201", "text", "XX") in faulty_2021
    assert any(finding[1] == "cell" and finding[2] == "t3" for finding in faulty_2021)
    faulty_2019 = _check(tmp_path, "2019-faulty", "docx", rulebook)
    assert ("GK201", "text", "(单位名称)") in faulty_2019
    assert any(finding[1] == "cell" for finding in faulty_2019)


EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize(("text_form", "published_form"), [
    ("report-2021-faulty.txt", "report-2021-faulty.docx"),   # made by examples/make_docx.py
    ("report-2021-clean.txt", "report-2021.html"),
])
def test_examples_in_published_forms_match_their_text(text_form: str, published_form: str,
                                                      rulebook: Rulebook) -> None:
    expected = findings(check_path(str(EXAMPLES / text_form), rulebook))
    assert findings(check_path(str(EXAMPLES / published_form), rulebook)) == expected
