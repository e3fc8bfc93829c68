"""HTML as an office suite exports it: reports written as .docx (examples/make_docx.py: merged header
cells, part headings numbered by a Word list) and converted by LibreOffice headless. The page is
font soup, ``<col>`` widths, list items for the part headings, tables inside the list. Skips when
soffice is not installed (``.ci/run`` installs libreoffice-writer-nogui)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.engine import check_path
from auditor.readers import read_path
from auditor.rulebook import Rulebook

ROOT = Path(__file__).parent.parent.parent
sys.path.insert(0, str(ROOT / "examples"))
sys.path.insert(0, str(ROOT / "tests"))
import make_docx  # noqa: E402
from reportgen import consistent_values, render  # noqa: E402

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
CLEAN = (ROOT / "examples" / "report-2021-clean.txt").read_text(encoding="utf-8")
# one number of 表三 changed: 予以公开·自然人 6 -> 9 (its row total and the column sums no longer hold)
CHANGED_ROW = ("| （一）予以公开 | 6 | 1 |", "| （一）予以公开 | 9 | 1 |")
GENERATED_CHANGE = 907  # a value no generated report holds: the changed cell of the generated report


def _generated(era: str, seed: int, changed: bool) -> str:
    """A tests/reportgen.py report as pipe rows (every cell its own, no merges), optionally with the
    自然人 value of （一）予以公开 set to GENERATED_CHANGE."""
    values = consistent_values(seed, era)
    if changed:
        values.set(("t3", "c1", "natural"), GENERATED_CHANGE)
    lines = render(values, "markdown").text.splitlines()
    # In a Word table without merged cells, 总计 is typed over its own (last) column, not packed left
    # after 法人或其他组织 as the text form writes it (a text reader spreads that; a grid keeps positions).
    packed = "|  | 自然人 | 法人或其他组织 | 总计 |  |  |  |  |"
    placed = "|  | 自然人 | 法人或其他组织 |  |  |  |  | 总计 |"
    lines = [placed if line == packed else line for line in lines]
    return "\n".join(line for line in lines if not re.fullmatch(r"\|(?:-+\|)+", line))


def _write_plain_docx(text: str, target: Path) -> None:
    import docx  # python-docx

    document = docx.Document()
    for block in make_docx.blocks_of(text):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=max(len(row) for row in block))
        for row_index, row in enumerate(block):
            for column, value in enumerate(row):
                table.cell(row_index, column).text = value
    document.save(str(target))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    texts = {"clean": CLEAN, "changed": CLEAN.replace(*CHANGED_ROW, 1),
             "faulty": (ROOT / "examples" / "report-2021-faulty.txt").read_text(encoding="utf-8")}
    for name, text in texts.items():
        make_docx.write_docx(make_docx.blocks_of(text), folder / f"{name}.docx")
    generated = {"gen-2019": _generated("2019", 4, False), "gen-2021": _generated("2021", 9, False),
                 "gen-changed": _generated("2021", 9, True)}
    for name, text in generated.items():
        _write_plain_docx(text, folder / f"{name}.docx")
    names = [*texts, *generated]
    assert SOFFICE is not None
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "html",
                    "--outdir", str(folder), *(str(folder / f"{name}.docx") for name in names)],
                   check=True, capture_output=True, timeout=300)
    return {name: folder / f"{name}.html" for name in names}


def test_export_is_office_markup(pages: dict[str, Path]) -> None:
    source = pages["clean"].read_text(encoding="utf-8")
    assert "<col " in source and "<font" in source and "<li" in source


def test_list_numbers_become_part_headings(pages: dict[str, Path]) -> None:
    document = read_path(str(pages["clean"]))
    assert re.search(r"^1\.总体情况$", document.text, re.MULTILINE)
    assert re.search(r"^6\.其他需要报告的事项$", document.text, re.MULTILINE)
    assert document.text.startswith("某市自然资源局2023年政府信息公开工作年度报告\n")


def test_grids_are_faithful(pages: dict[str, Path]) -> None:
    document = read_path(str(pages["clean"]))
    assert len(document.grids) >= 3
    for grid in document.grids:
        for cell in grid.cells:
            assert document.text[cell.start_offset:cell.end_offset] == cell.text
    spans = {(cell.row_span, cell.column_span) for grid in document.grids for cell in grid.cells}
    assert (1, 7) in spans and (3, 1) in spans  # 申请人情况 over seven columns, the note over three rows


def test_clean_export_has_no_finding(pages: dict[str, Path], rulebook: Rulebook) -> None:
    found = [(d.rule, d.message) for d in check_path(str(pages["clean"]), rulebook).diagnostics]
    assert found == []


def test_faulty_export_finds_what_the_text_finds(pages: dict[str, Path], rulebook: Rulebook) -> None:
    from_text = sorted(d.rule for d in check_path(str(ROOT / "examples" / "report-2021-faulty.txt"), rulebook)
                       .diagnostics)
    assert sorted(d.rule for d in check_path(str(pages["faulty"]), rulebook).diagnostics) == from_text


def test_changed_number_is_found_at_its_cell(pages: dict[str, Path], rulebook: Rulebook) -> None:
    result = check_path(str(pages["changed"]), rulebook)
    assert result.report is not None
    document = result.report.document
    cell = next(cell for grid in document.grids for cell in grid.cells
                if cell.text == "9" and "予以公开" in document.line(document.line_index_of(cell.start_offset)).text)
    arithmetic = [d for d in result.diagnostics if d.category == "arithmetic" and d.severity.label == "error"]
    assert arithmetic
    assert any(span is not None and span.start_offset <= cell.start_offset < span.end_offset
               for diagnostic in arithmetic for span in (diagnostic.span, *(label.span for label in diagnostic.labels)))
    assert not [d for d in result.diagnostics if d.category == "table"]


@pytest.mark.parametrize("name", ["gen-2019", "gen-2021"])
def test_generated_consistent_export_has_no_table_finding(pages: dict[str, Path], rulebook: Rulebook,
                                                          name: str) -> None:
    found = [(d.rule, d.message) for d in check_path(str(pages[name]), rulebook).diagnostics
             if d.category in ("arithmetic", "table")]
    assert found == []


def test_generated_changed_number_is_found_at_its_cell(pages: dict[str, Path], rulebook: Rulebook) -> None:
    result = check_path(str(pages["gen-changed"]), rulebook)
    assert result.report is not None
    cell = next(cell for grid in result.report.document.grids for cell in grid.cells
                if cell.text == str(GENERATED_CHANGE))
    assert any(span is not None and span.start_offset <= cell.start_offset < span.end_offset
               for diagnostic in result.diagnostics if diagnostic.category == "arithmetic"
               for span in (diagnostic.span, *(label.span for label in diagnostic.labels)))
