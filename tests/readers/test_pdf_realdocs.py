"""Real published PDFs (../shared/realdocs, never copied into the repository; skipped when absent).

hongzequ_*.pdf are made by WPS: every paragraph sits in an invisible one-column table frame, and
table 三 runs over two pages with its closing border missing on the first. huaian-szf_2024.pdf cuts
the merged cell （四）无法提供 in two at a page break. The numbers below were read off the pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.document import Document, Grid
from auditor.readers import read_path

REALDOCS = Path(__file__).resolve().parents[3] / "shared" / "realdocs"
pytestmark = pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs is not there")
PARTS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
         "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def _read(name: str) -> Document:
    return read_path(str(REALDOCS / name))


def _rows(grid: Grid) -> list[list[str]]:
    rows: dict[int, dict[int, str]] = {}
    for cell in grid.cells:
        rows.setdefault(cell.row, {})[cell.column] = cell.text
    return [[row[column] for column in sorted(row)] for _, row in sorted(rows.items())]


def _row(grid: Grid, label: str) -> list[str]:
    return next(row for row in _rows(grid) if label in row)


@pytest.mark.parametrize("name", ["hongzequ_2023.pdf", "hongzequ_2024.pdf", "huaian-szf_2024.pdf"])
def test_part_headings_are_lines_and_three_tables_are_grids(name: str) -> None:
    document = _read(name)
    lines = [line.strip() for line in document.text.splitlines()]
    assert [part for part in PARTS if part in lines] == list(PARTS)
    assert not any(line.startswith("|") and "总体情况" in line for line in lines)
    assert len(document.grids) == 3   # 表二, 表三 (over two pages), 表四
    assert not any(line in ("- 2 -", "- 3 -") or line.startswith("第 2 页") for line in lines)


def test_a_merged_cell_cut_by_the_page_break_is_one_cell() -> None:
    document = _read("huaian-szf_2024.pdf")
    three = document.grids[1]
    merged = [cell for cell in three.cells if cell.text == "（四）无法提供"]
    assert merged and {cell.row_span for cell in merged} == {3}
    assert document.locator is not None
    pages = {document.locator.locate(offset)["page"] for offset in range(merged[0].start_offset, merged[0].end_offset)}  # type: ignore[index]
    assert pages == {4, 5}
    assert _row(three, "2.没有现成信息需要另行制作") == [
        "三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", "11", "0", "0", "0", "0", "0", "11"]
    assert _row(three, "四、结转下年度继续办理")[3:] == ["103", "0", "0", "0", "0", "0", "103"]
    assert _row(three, "（七）总计")[3:] == ["2932", "53", "0", "0", "61", "4", "3050"]
    assert _rows(document.grids[2])[3] == ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1",
                                           "6", "20"]
    # a paragraph that runs on over the break between pages 2 and 3 is one line
    assert any("将栏目不更新、政策解读不通俗易懂" in line for line in document.text.splitlines())


def test_wps_table_three_over_two_pages() -> None:
    document = _read("hongzequ_2023.pdf")
    three = document.grids[1]
    assert _row(three, "2.没有现成信息需要另行制作")[1:] == [
        "（四）无法提供", "2.没有现成信息需要另行制作", "3", "0", "0", "0", "0", "0", "3"]
    assert _row(three, "3.补正后申请内容仍不明确")[:2] == ["三、本年度办理结果", "（四）无法提供"]
    assert _row(three, "（七）总计")[3:] == ["21", "0", "0", "0", "0", "0", "21"]
    header = _rows(three)[2]
    assert header[3:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert _rows(document.grids[2])[3] == ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]
    two = _rows(document.grids[0])
    assert ["行政处罚", "4119", "4119", "4119"] in two and ["信息内容", "本年处理决定数量", "本年处理决定数量",
                                                           "本年处理决定数量"] in two
