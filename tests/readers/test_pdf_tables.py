"""PDF table layout from cell boxes and word positions, on small hand-made pages.

Ruled parts (``pdf_tables``): a table cut by a page break is joined again (a merged label cell
split in the middle of its text, a row split in two) but a label that ended on the first page stays
a label of its own. Unruled lines (``pdf_unruled``): columns from numeric lines, header cells
wrapped over lines, wrapped row labels, prose around the table left out.
"""

from __future__ import annotations

from auditor.readers.layout import TableLayout
from auditor.readers.pdf_tables import CellLine, PartCell, TablePart, _is_white, _open_sides, table_layout
from auditor.readers.pdf_unruled import FlowLine, Segment, find_unruled_tables

SIZE = 8.0


def _cell(x0: float, top: float, x1: float, bottom: float, *lines: str) -> PartCell:
    """A cell whose text lines start 2 points in from its left border, one character = SIZE wide."""
    return PartCell((x0, top, x1, bottom), tuple(CellLine(text, x0 + 2, x0 + 2 + SIZE * len(text), SIZE)
                                                  for text in lines))


def _rows(layout: TableLayout) -> list[list[tuple[str, int]]]:
    return [[(cell.cleaned()[0], cell.row_span) for cell in row] for row in layout.rows]


# columns: group 0-20, sub-group 20-56 (four characters wide), item 56-130, value 130-160
FIRST_PAGE = TablePart(1, (0, 700, 160, 720), (
    _cell(0, 700, 20, 720, "三"), _cell(20, 700, 56, 710, "（三）不"), _cell(56, 700, 130, 710, "8.查询"),
    _cell(130, 700, 160, 710, "5"),
    _cell(20, 710, 56, 720, "（四）无"), _cell(56, 710, 130, 720, "1.不掌握"), _cell(130, 710, 160, 720, "7")))


def test_a_merged_label_cut_by_the_page_break_is_one_cell() -> None:
    second = TablePart(2, (1, 50, 161, 70), (
        _cell(1, 50, 21, 70), _cell(21, 50, 57, 70, "法提供"), _cell(57, 50, 131, 60, "2.没有"),
        _cell(131, 50, 161, 60, "1"), _cell(57, 60, 131, 70, "3.补正"), _cell(131, 60, 161, 70, "0")))
    assert _rows(table_layout([FIRST_PAGE, second])) == [
        [("三", 4), ("（三）不", 1), ("8.查询", 1), ("5", 1)],
        [("（四）无法提供", 3), ("1.不掌握", 1), ("7", 1)],
        [("2.没有", 1), ("1", 1)],
        [("3.补正", 1), ("0", 1)]]


def test_a_label_that_ended_on_the_first_page_stays_apart() -> None:
    first = TablePart(1, FIRST_PAGE.bbox, (*FIRST_PAGE.cells[:4], _cell(20, 710, 56, 720, "（四）"),
                                           *FIRST_PAGE.cells[5:]))
    second = TablePart(2, (0, 50, 160, 60), (
        _cell(0, 50, 20, 60), _cell(20, 50, 56, 60, "（五）"), _cell(56, 50, 130, 60, "1.信访"),
        _cell(130, 50, 160, 60, "2")))
    rows = _rows(table_layout([first, second]))
    assert rows[1][0] == ("（四）", 1) and rows[2] == [("（五）", 1), ("1.信访", 1), ("2", 1)]
    assert rows[0][0] == ("三", 3)   # the empty group cell on the second page continues it


def test_a_row_cut_in_two_is_one_row() -> None:
    first = TablePart(1, (0, 700, 100, 720), (_cell(0, 700, 50, 710, "标签"), _cell(50, 700, 100, 710, "值"),
                                              _cell(0, 710, 42, 720, "5.属于"), _cell(42, 710, 100, 720, "0")))
    second = TablePart(2, (0, 50, 100, 70), (_cell(0, 50, 42, 60, "三类内部"), _cell(42, 50, 100, 60),
                                             _cell(0, 60, 42, 70, "6.属于"), _cell(42, 60, 100, 70, "1")))
    assert [[text for text, _span in row] for row in _rows(table_layout([first, second]))] == [
        ["标签", "值"], ["5.属于三类内部", "0"], ["6.属于", "1"]]


def test_white_is_invisible() -> None:
    assert _is_white((1.0, 1.0, 1.0)) and _is_white(1) and _is_white((0, 0, 0, 0))
    assert not _is_white((0.0, 0.0, 0.0)) and not _is_white(None) and not _is_white((0.78, 0.85, 0.95))


def _line(page: int, top: float, *segments: tuple[float, str]) -> FlowLine:
    return FlowLine(page, top, 10.0, tuple(Segment(x0, x0 + 10.0 * len(text), text) for x0, text in segments))


def test_an_unruled_table_from_word_positions() -> None:
    flow = [
        _line(1, 100, (90, "三、收到和处理政府信息公开申请情况")),
        _line(1, 124, (144, "申请人情况")),
        _line(1, 148, (144, "自然人"), (198, "商业企"), (252, "总计")),
        _line(1, 162, (198, "业")),
        _line(1, 186, (90, "一、本"), (144, "4"), (198, "13"), (252, "17")),
        _line(1, 200, (90, "年新收")),
        None,   # a ruled table between: the end of the flow for this one
        _line(2, 72, (90, "二、上"), (144, "1"), (198, "0"), (252, "1")),
        _line(2, 96, (90, "五、存在的主要问题及改进情况，以下是很长的一段正文内容。")),
    ]
    tables = find_unruled_tables(flow)
    assert [(table.start, table.end) for table in tables] == [(1, 6)]
    assert [[cell.cleaned()[0] for cell in row] for row in tables[0].layout.rows] == [
        ["", "申请人情况"], ["", "自然人", "商业企业", "总计"], ["一、本年新收", "4", "13", "17"]]


def _rule(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict[str, object]:
    return {"orientation": orientation, "x0": x0, "x1": x1, "top": top, "bottom": bottom}


def test_open_sides_are_closed_per_table() -> None:
    """Two tables drawn without their outer left and right borders, one above the other: each
    gets its own side borders, which do not join them."""
    first = [_rule("h", 0, y, 100, y) for y in (0, 10, 20)]
    second = [_rule("h", 0, y, 100, y) for y in (60, 70)]
    sides = _open_sides([_rule("v", 50, 0, 50, 20), _rule("v", 40, 60, 40, 70)], first + second)
    assert sorted((side["x0"], side["top"], side["bottom"]) for side in sides) == [
        (0, 0, 20), (0, 60, 70), (100, 0, 20), (100, 60, 70)]
    assert _open_sides([_rule("v", 0, 0, 0, 20), _rule("v", 100, 0, 100, 20)], first) == []
