"""The HTML report lays merged cells out as the source does: no phantom columns, a header once."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.document import Document, Grid, GridCell
from auditor.engine import check_path
from auditor.render.html import render_html
from auditor.render.html_layout import merged_layout
from auditor.rulebook import Rulebook

ROOT = Path(__file__).resolve().parents[2]


def _grid(rows: list[list[tuple[str, int, int]]]) -> Grid:
    """A grid as readers make it: every position a merged cell covers holds a copy of it."""
    cells: list[GridCell] = []
    offset = 0
    for row_index, row in enumerate(rows):
        for column_index, (text, row_span, column_span) in enumerate(row):
            cells.append(GridCell(row_index, column_index, text, offset, offset + len(text), row_span, column_span))
            offset += len(text) + 1
    return Grid(tuple(cells), 0, offset)


def _shape(grid: Grid) -> list[list[tuple[str, int, int]]]:
    return [[(placed.cell.text, placed.row_span, placed.column_span) if placed else ("", 1, 1) for placed in row]
            for row in merged_layout(grid)]


def test_rowspan_and_colspan_copies_are_drawn_once() -> None:
    header = ("项目", 2, 1)
    applicants = ("申请人情况", 1, 2)
    grid = _grid([[header, applicants, applicants],
                  [header, ("自然人", 1, 1), ("总计", 1, 1)],
                  [("新收", 1, 1), ("10", 1, 1), ("13", 1, 1)]])
    assert _shape(grid) == [[("项目", 2, 1), ("申请人情况", 1, 2)],
                            [("自然人", 1, 1), ("总计", 1, 1)],
                            [("新收", 1, 1), ("10", 1, 1), ("13", 1, 1)]]


def test_word_vertical_merge_of_a_label_is_one_cell_but_equal_numbers_stay_apart() -> None:
    # a vMerge continuation comes as a copy without a row span (docx)
    grid = _grid([[("项目", 1, 1), ("总计", 1, 1)],
                  [("项目", 1, 1), ("总计", 1, 1)],
                  [("规章", 1, 1), ("0", 1, 1)],
                  [("文件", 1, 1), ("0", 1, 1)]])
    assert _shape(grid) == [[("项目", 2, 1), ("总计", 2, 1)], [], [("规章", 1, 1), ("0", 1, 1)],
                            [("文件", 1, 1), ("0", 1, 1)]]


def test_a_row_written_as_one_cell_spans_the_table() -> None:
    cells = (GridCell(0, 0, "第二十条第（一）项", 0, 9, 1, 4),
             *(GridCell(1, column, text, 10 + column * 3, 12 + column * 3)
               for column, text in enumerate(["信息内容", "制发", "废止", "现行"])))
    assert _shape(Grid(cells, 0, 30)) == [[("第二十条第（一）项", 1, 4)],
                                          [("信息内容", 1, 1), ("制发", 1, 1), ("废止", 1, 1), ("现行", 1, 1)]]


def test_marks_on_a_covered_copy_mark_the_drawn_cell(rulebook: Rulebook) -> None:
    from auditor.diagnostics import Diagnostic, Severity
    from auditor.engine import FileResult

    text = "某局2023年政府信息公开工作年度报告\n| 项目 | 申请人 | 申请人 |\n| 新收 | 10 | 13 |\n"
    line = text.index("| 项目")
    copy_start = text.rindex("申请人", 0, text.index("\n", line))
    cells = (GridCell(0, 0, "项目", line + 2, line + 4), GridCell(0, 1, "申请人", line + 7, line + 10, 1, 2),
             GridCell(0, 2, "申请人", copy_start, copy_start + 3, 1, 2))
    document = Document(path="r.html", text=text, grids=(Grid(cells, line, text.index("\n", line) + 1),))
    finding = Diagnostic("GK999", "t", "table", Severity.ERROR, "表头", document.span(copy_start, copy_start + 3))
    from auditor.engine import check_document

    result = check_document(document, rulebook)
    page = render_html([FileResult(result.path, [finding], result.report)])
    assert re.search(r'<td class="cell-pri cell-error" data-d="f0-d0" colspan="2">', page), page


def test_report_of_the_word_example_has_no_phantom_columns(rulebook: Rulebook) -> None:
    page = render_html([check_path(str(ROOT / "examples" / "report-2021-faulty.docx"), rulebook)])
    tables = re.findall(r'<table class="grid"[^>]*>(.*?)</table>', page, re.S)
    assert tables
    header = next(table for table in tables if "申请人情况" in table)
    assert header.count("本列数据的勾稽关系为") == 1
    assert '<td rowspan="3">（本列数据的勾稽关系为' in header
    for table in tables:
        assert "<td></td>" not in table
        assert len(set(_row_widths(table))) == 1, table


def _row_widths(table: str) -> list[int]:
    """How many columns each row of an HTML table fills, rowspans from above included."""
    pending: list[int] = []  # rows still to be covered by each rowspan cell, one entry per column
    widths: list[int] = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        carried = sum(1 for left in pending if left > 0)
        pending = [left - 1 for left in pending if left > 1]
        width = carried
        for attributes in re.findall(r"<td([^>]*)>", row):
            found = re.search(r'colspan="(\d+)"', attributes)
            columns = int(found.group(1)) if found else 1
            rows_down = re.search(r'rowspan="(\d+)"', attributes)
            if rows_down:
                pending += [int(rows_down.group(1)) - 1] * columns
            width += columns
        widths.append(width)
    return widths
