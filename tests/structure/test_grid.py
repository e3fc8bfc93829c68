"""Tables read from a reader's grid (auditor/structure/grid.py): spans, filler cells, data cells
repeated across a colspan, stacked header fragments, cells that cannot be placed. Documents are
built here with their grids directly, as a reader would hand them over (no reader involved)."""

from __future__ import annotations

from collections.abc import Sequence

from auditor.diagnostics import Diagnostic
from auditor.document import Document, Grid, GridCell
from auditor.engine import check_document
from auditor.rulebook import Rulebook
from auditor.structure import analyse
from auditor.structure.grid import slots_of
from auditor.structure.tables import Table, ValueClass, tables_of

# a source cell: (column, text, column_span, row_span)
Source = tuple[int, str, int, int]
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
HEAD = ("某市某局2023年政府信息公开工作年度报告\n一、总体情况\n本年度工作情况良好。\n"
        "三、收到和处理政府信息公开申请情况\n")
TAIL = "四、政府信息公开行政复议、行政诉讼情况\n本年度没有行政复议和行政诉讼。\n"


def cell(column: int, text: str, column_span: int = 1, row_span: int = 1) -> Source:
    return (column, text, column_span, row_span)


def grid_document(rows: Sequence[Sequence[Source]], head: str = HEAD, tail: str = TAIL,
                  copies: bool = False) -> Document:
    """A document whose table is written as pipe rows (one per grid row) and handed over as a Grid.
    ``copies``: also give copies of merged cells at the positions they cover (the expanded form)."""
    text = head
    cells: list[GridCell] = []
    start = len(text)
    for row_index, row in enumerate(rows):
        text += "|"
        for column, content, column_span, row_span in row:
            text += " "
            cells.append(GridCell(row_index, column, content, len(text), len(text) + len(content),
                                  row_span, column_span))
            text += content + " |"
        text += "\n"
    grid = Grid(tuple(cells), start, len(text))
    if copies:
        extra = [GridCell(origin.row + down, origin.column + right, origin.text, origin.start_offset,
                          origin.end_offset, origin.row_span, origin.column_span)
                 for origin in cells for down in range(origin.row_span) for right in range(origin.column_span)
                 if down or right]
        grid = Grid(tuple(cells + extra), start, len(text))
    return Document(path="grid.html", text=text + tail, source_format="html", grids=(grid,))


def table_of(rulebook: Rulebook, document: Document, table_id: str = "t3") -> Table:
    report = analyse(document, rulebook.detection)
    report.cache["rulebook"] = rulebook
    return tables_of(report)[table_id]


def row_values(table: Table, row: str) -> list[object]:
    return [table.cells[(row, key)].value if (row, key) in table.cells else "missing"
            for key in ("natural", "commercial", "research", "social", "legal", "other", "total")]


def t3_header_two_rows() -> list[list[Source]]:
    """申请人情况 over everything; 自然人 and 总计 over two rows; 法人或其他组织 over five columns."""
    return [
        [cell(0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 1, 2),
         cell(1, "申请人情况", 7)],
        [cell(1, "自然人", 1, 2), cell(2, "法人或其他组织", 5), cell(7, "总计", 1, 2)],
        [cell(2 + index, label) for index, label in enumerate(T3_COLUMNS[1:6])],
    ]


def data_row(label: str, values: Sequence[str], first: int = 1) -> list[Source]:
    return [cell(0, label)] + [cell(first + index, value) for index, value in enumerate(values)]


def test_multi_row_header_with_spans(rulebook: Rulebook) -> None:
    rows = [*t3_header_two_rows(), data_row("一、本年新收政府信息公开申请数量", ["10", "2", "0", "0", "1", "0", "13"]),
            data_row("二、上年结转政府信息公开申请数量", ["1", "0", "0", "0", "0", "0", "1"])]
    table = table_of(rulebook, grid_document(rows))
    assert table.source == "grid" and not table.unreadable and not table.missing_columns
    assert row_values(table, "new") == [10, 2, 0, 0, 1, 0, 13]
    assert row_values(table, "carried") == [1, 0, 0, 0, 0, 0, 1]
    document = grid_document(rows)
    total = table.cells[("new", "total")]
    assert document.text[total.start:total.end] == "13"  # the span is the cell's own text


def test_copies_at_covered_positions_read_the_same(rulebook: Rulebook) -> None:
    rows = [*t3_header_two_rows(), data_row("一、本年新收政府信息公开申请数量", ["10", "2", "0", "0", "1", "0", "13"])]
    expanded = grid_document(rows, copies=True)
    assert len(slots_of(expanded.grids[0])) == sum(len(row) for row in rows)
    assert row_values(table_of(rulebook, expanded), "new") == row_values(table_of(rulebook, grid_document(rows)), "new")


def _filler_header() -> list[Source]:
    """自然人 spans two physical columns (over a filler cell): 9 physical columns for 8 logical ones."""
    return [cell(0, "申请人情况"), cell(1, "自然人", 2),
            *[cell(3 + index, label) for index, label in enumerate(T3_COLUMNS[1:])]]


def test_filler_cell_under_a_colspan_header(rulebook: Rulebook) -> None:
    rows = [_filler_header(),
            [cell(0, "一、本年新收政府信息公开申请数量"), cell(1, ""), cell(2, "5"),
             *[cell(3 + index, value) for index, value in enumerate(["1", "0", "0", "0", "0", "6"])]]]
    table = table_of(rulebook, grid_document(rows))
    assert row_values(table, "new") == [5, 1, 0, 0, 0, 0, 6]
    assert not table.unreadable


def test_data_cell_spanning_its_colspan_column(rulebook: Rulebook) -> None:
    rows = [_filler_header(),
            [cell(0, "一、本年新收政府信息公开申请数量"), cell(1, "5", 2),
             *[cell(3 + index, value) for index, value in enumerate(["1", "0", "0", "0", "0", "6"])]],
            [cell(0, "二、上年结转政府信息公开申请数量"), cell(1, "2"), cell(2, "2"),
             *[cell(3 + index, value) for index, value in enumerate(["0", "0", "0", "0", "0", "2"])]]]
    table = table_of(rulebook, grid_document(rows))
    assert row_values(table, "new") == [5, 1, 0, 0, 0, 0, 6]
    assert row_values(table, "carried") == [2, 0, 0, 0, 0, 0, 2]  # a value repeated across the colspan


def test_header_fragments_stacked_over_rows(rulebook: Rulebook) -> None:
    rows = [
        [cell(0, "申请人情况"), cell(1, "自然人"), cell(2, "商业"), cell(3, "科研"), cell(4, "社会"),
         cell(5, "法律"), cell(6, "其他"), cell(7, "总计")],
        [cell(0, ""), cell(1, ""), cell(2, ""), cell(3, ""), cell(4, "公益"), cell(5, "服务"), cell(6, ""),
         cell(7, "")],
        [cell(0, ""), cell(1, ""), cell(2, "企业"), cell(3, "机构"), cell(4, "组织"), cell(5, "机构"), cell(6, ""),
         cell(7, "")],
        data_row("一、本年新收政府信息公开申请数量", ["3", "1", "2", "0", "4", "0", "10"]),
    ]
    table = table_of(rulebook, grid_document(rows))
    assert not table.missing_columns
    assert row_values(table, "new") == [3, 1, 2, 0, 4, 0, 10]
    assert table.cells[("new", "social")].column_label == "社会公益组织"


def _diagnostics(rulebook: Rulebook, document: Document) -> list[Diagnostic]:
    return check_document(document, rulebook).diagnostics


def test_two_values_under_one_column_drop_the_column(rulebook: Rulebook) -> None:
    rows = [_filler_header(),
            [cell(0, "一、本年新收政府信息公开申请数量"), cell(1, "4"), cell(2, "5"),
             *[cell(3 + index, value) for index, value in enumerate(["1", "0", "0", "0", "0", "6"])]]]
    document = grid_document(rows)
    table = table_of(rulebook, document)
    assert table.missing_columns == ("natural",) and ("new", "natural") not in table.cells
    assert row_values(table, "new")[1:] == [1, 0, 0, 0, 0, 6]
    found = _diagnostics(rulebook, document)
    assert [d.rule for d in found if d.rule == "GK703"] == ["GK703"]


def test_row_label_over_several_rows_names_each_row(rulebook: Rulebook) -> None:
    rows = [*t3_header_two_rows(),
            [cell(0, "三、本年度办理结果", 8)],
            data_row("（一）予以公开", ["1", "0", "0", "0", "0", "0", "1"]),
            [cell(0, "（三）不予公开", 8)],
            data_row("1.属于国家秘密", ["0", "0", "0", "0", "0", "0", "0"]),
            data_row("2.其他法律行政法规禁止公开", ["2", "0", "0", "0", "0", "0", "2"])]
    table = table_of(rulebook, grid_document(rows))
    assert row_values(table, "c1") == [1, 0, 0, 0, 0, 0, 1]
    assert row_values(table, "c3_2") == [2, 0, 0, 0, 0, 0, 2]
    assert "results" in table.row_labels and "c3" in table.row_labels


def test_vector_table_from_a_grid(rulebook: Rulebook) -> None:
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        [cell(0, "行政复议", 5, 2), cell(5, "行政诉讼", 10)],
        [cell(5, "未经复议直接起诉", 5), cell(10, "复议后起诉", 5)],
        [cell(index, leaves[index % 5]) for index in range(15)],
        [cell(index, str(value)) for index, value in enumerate([1, 0, 0, 0, 1, 0, 2, 0, 0, 2, 0, 0, 0, 0, 0])],
    ]
    head = "某市某局2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
    table = table_of(rulebook, grid_document(rows, head=head, tail="五、存在的主要问题及改进情况\n无。\n"), "t4")
    assert table.cells[("review", "total")].value == 1
    assert table.cells[("suit_direct", "corrected")].value == 2
    assert table.cells[("suit_after_review", "total")].value == 0
    assert table.cells[("suit_direct", "total")].row_label == "未经复议直接起诉"


def test_empty_grid_cell_is_blank_at_its_place(rulebook: Rulebook) -> None:
    rows = [*t3_header_two_rows(), data_row("一、本年新收政府信息公开申请数量", ["10", "", "0", "0", "1", "0", "11"])]
    document = grid_document(rows)
    blank = table_of(rulebook, document).cells[("new", "commercial")]
    assert blank.value_class is ValueClass.BLANK and document.text[blank.start:blank.end] == "|"


def test_one_value_across_two_columns_is_one_table_finding(rulebook: Rulebook) -> None:
    rows = [*t3_header_two_rows(),
            [cell(0, "一、本年新收政府信息公开申请数量"), cell(1, "2"), cell(2, "3", 2),
             *[cell(4 + index, value) for index, value in enumerate(["0", "0", "0", "5"])]]]
    document = grid_document(rows)
    table = table_of(rulebook, document)
    assert table.unreadable and not table.cells
    found = _diagnostics(rulebook, document)
    assert [d.rule for d in found if d.rule == "GK709"] == ["GK709"]
    assert not [d for d in found if d.rule in ("GK706", "GK707", "GK708") and "收到和处理" in d.message]
    arithmetic = [d for d in found if d.category == "arithmetic"]
    assert arithmetic and all(d.severity.label == "info" and "无法区分" in d.message for d in arithmetic)


def test_two_column_labels_over_one_position_are_not_guessed(rulebook: Rulebook) -> None:
    """A compacted header (its second row shifted left) puts 科研机构 under 自然人: that position is
    not trusted, so its column is missing rather than read from a neighbour."""
    rows = [[cell(0, "申请人情况"), cell(1, "自然人"), cell(2, "法人或其他组织"), cell(3, "总计")],
            [cell(index, label) for index, label in enumerate(T3_COLUMNS[1:6])],
            data_row("一、本年新收政府信息公开申请数量", ["1", "2", "0", "0", "0", "0", "3"])]
    table = table_of(rulebook, grid_document(rows))
    assert "natural" not in {column for _, column in table.cells}


def test_rows_of_a_page_with_shifted_columns(rulebook: Rulebook) -> None:
    """A PDF table continued on a page whose column lines differ from the header's page: the label sits
    in the first value column and the values one column to the right. As many values as columns: read
    in the header's order; a row that falls short cannot be placed (one table finding)."""
    header = [[cell(0, "申请人情况"), *[cell(1 + index, label) for index, label in enumerate(T3_COLUMNS)]]]
    shifted = [cell(0, ""), cell(1, "（七）总计"), *[cell(2 + index, value) for index, value in
                                                   enumerate(["5", "1", "0", "0", "0", "0", "6"])]]
    rows = [*header, data_row("一、本年新收政府信息公开申请数量", ["5", "1", "0", "0", "0", "0", "6"]), shifted]
    table = table_of(rulebook, grid_document(rows))
    assert row_values(table, "c7") == [5, 1, 0, 0, 0, 0, 6] and not table.unreadable
    short = [cell(0, ""), cell(1, "（七）总计"), *[cell(2 + index, value) for index, value in enumerate(["5", "6"])]]
    table = table_of(rulebook, grid_document([*header, short]))
    assert table.unreadable and not table.cells
