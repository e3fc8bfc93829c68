"""PDF page furniture (page numbers, running headers) left out; tables split by a page break joined."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from report_forms import REPORTS, to_md, to_pdf
from test_equivalence import findings

from auditor.engine import check_path
from auditor.readers import read_bytes
from auditor.readers.pdf import PAGE_NUMBER, _Line, _Page, mark_furniture
from auditor.rulebook import Rulebook

HEADER = "某市自然资源局2021年政府信息公开工作年度报告"


@pytest.mark.parametrize("shape", ["- 3 -", "— 3 —", "3", "第 3 页 共 7 页", "第3页", "共7页 第3页", "3/7", "3 / 7",
                                   "Page 3 of 7", "·3·"])
def test_page_number_shapes(shape: str) -> None:
    assert PAGE_NUMBER.match(shape)


@pytest.mark.parametrize("text", ["2021年", "一、总体情况", "3.其他", "12件", "第3条", "| 3 |"])
def test_text_is_not_a_page_number(text: str) -> None:
    assert not PAGE_NUMBER.match(text)


@pytest.mark.parametrize("footer", ["- {page} -", "第 {page} 页", "{page}/2", "{page}"])
def test_footers_and_running_headers_are_not_in_the_text(footer: str) -> None:
    plain = read_bytes("r.pdf", to_pdf(REPORTS["2021-clean"])).text
    furnished = read_bytes("r.pdf", to_pdf(REPORTS["2021-clean"], running_header=HEADER, footer=footer)).text
    assert furnished == plain
    assert furnished.count(HEADER) == 1 and furnished.splitlines()[0] == HEADER   # the title, not the header
    assert not any(PAGE_NUMBER.match(line) for line in furnished.splitlines())


def _line(top: float, text: str, size: float = 9.0) -> _Line:
    return _Line(top, 100.0, 200.0, size, text, top + size)


def _page(number: int, *lines: _Line) -> _Page:
    return _Page(number, 842.0, list(lines), [])


def test_furniture_needs_the_margin_band_and_a_furniture_shape_or_repetition() -> None:
    first = _page(1, _line(20, "内部资料"), _line(60, "标题", 16), _line(400, "3"), _line(800, "说明文字"),
                  _line(820, "- 1 -"))
    second = _page(2, _line(20, "内部资料"), _line(60, "正文第一行", 11), _line(790, "正文最后一行", 11),
                   _line(820, "- 2 -"))
    lone = _page(3, _line(60, "正文", 11), _line(815, "3"))
    mark_furniture([first, second, lone])
    assert [first.lines[index].text for index in sorted(first.furniture)] == ["内部资料", "- 1 -"]
    assert [second.lines[index].text for index in sorted(second.furniture)] == ["内部资料", "- 2 -"]
    assert [lone.lines[index].text for index in sorted(lone.furniture)] == ["3"]


def test_a_running_header_once_is_body_text() -> None:
    only = _page(1, _line(20, "某局文件"), _line(60, "正文", 11))
    mark_furniture([only])
    assert only.furniture == set()


def _split(filler: int) -> bytes:
    return to_pdf(REPORTS["2021-faulty"], running_header=HEADER, footer="- {page} -", filler=filler)


# filler 9: table 三 split after its fifth row (pages 1-2) and table 四 after its first (pages 2-3);
# filler 21: table 三 split after its fifth row (pages 2-3)
@pytest.mark.parametrize(("filler", "drawn_parts"), [(9, 5), (21, 4)])
def test_a_table_split_by_a_page_break_is_one_table(tmp_path: Path, filler: int, drawn_parts: int,
                                                    rulebook: Rulebook) -> None:
    import pdfplumber

    data = _split(filler)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        parts = [len(page.find_tables()) for page in pdf.pages]
    assert sum(parts) == drawn_parts
    document = read_bytes("r.pdf", data)
    assert [len({cell.row for cell in grid.cells}) for grid in document.grids] == [14, 28, 4]
    path = tmp_path / "split.pdf"
    path.write_bytes(data)
    expected = tmp_path / "report.md"
    expected.write_bytes(to_md(REPORTS["2021-faulty"]))
    found = findings(check_path(str(path), rulebook))
    assert found == findings(check_path(str(expected), rulebook))
    assert {rule for rule, *_ in found} >= {"GK801", "GK802", "GK804"}   # table 三's identities ran


def test_a_cell_on_the_second_page_is_located_in_the_joined_table() -> None:
    document = read_bytes("r.pdf", _split(21))
    assert document.locator is not None
    location = document.locator.locate(document.text.index("| 四、结转下年度继续办理") + 2)
    assert location is not None and location["page"] == 3 and location["table"] == 2
    assert location["row"] == 28
