"""The PDF reader: text lines, wrapped paragraphs, ruled tables, page locations, scans."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from report_forms import C, to_pdf

from auditor.cli import main
from auditor.readers import ReadError, read_bytes

LONG = "2021年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，紧紧围绕中心工作，XX年扎实推进政府信息公开，" \
       "全年共主动公开政府信息320条，回应社会关切，提升公开质量。"


def _pdf() -> bytes:
    return to_pdf(["某局2021年政府信息公开工作年度报告", "一、总体情况", LONG,
                   [[C("信息内容", rowspan=2), C("本年制发件数", colspan=2)], [C("甲"), C("乙")],
                    [C("规章"), C("1"), C("2")]],
                   "二、主动公开政府信息情况"])


def scan_pdf() -> bytes:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (200, 100), "white")
    stream, buffer = io.BytesIO(), io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = canvas.Canvas(stream)
    pdf.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 50, 500, 400, 200)
    pdf.showPage()
    pdf.save()
    return stream.getvalue()


def test_text_lines_wrapped_paragraphs_and_tables() -> None:
    document = read_bytes("r.pdf", _pdf())
    assert document.text.splitlines() == [
        "某局2021年政府信息公开工作年度报告", "一、总体情况", LONG,
        "| 信息内容 | 本年制发件数 | 本年制发件数 |", "| 信息内容 | 甲 | 乙 |", "| 规章 | 1 | 2 |",
        "二、主动公开政府信息情况"]
    assert len(document.grids) == 1


def test_locations_are_page_and_line_or_cell() -> None:
    document = read_bytes("r.pdf", _pdf())
    assert document.locator is not None
    assert document.locator.locate(document.text.index("一、总体")) == {"page": 1, "line": 2, "span_lines": "extracted"}
    # the wrapped paragraph starts on line 3; its second visual line is line 4
    assert document.locator.locate(document.text.index("XX年"))["page"] == 1
    assert document.locator.locate(document.text.index("| 规章") + 2) == {
        "page": 1, "table": 1, "row": 3, "column": 1, "span_lines": "extracted"}


def test_scan_has_no_text_layer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReadError, match="没有文字层") as raised:
        read_bytes("scan.pdf", scan_pdf())
    assert raised.value.kind == "no_text_layer"
    path = tmp_path / "scan.pdf"
    path.write_bytes(scan_pdf())
    result = CliRunner().invoke(main, ["check", "--no-cache", str(path)])
    assert result.exit_code == 2
    assert "GK003" in result.output and "扫描" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("data", "reason"), [(b"%PDF-1.4\n garbage", "PDF"), (b"hello", "%PDF")])
def test_damaged_pdf_is_a_read_error(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        read_bytes("r.pdf", data)


def test_a_bordered_one_column_box_of_prose_is_paragraph_text() -> None:
    """A frame with one column that only holds prose (as WPS lays paragraphs out) is not a table."""
    title, part_one, prose, part_two = ("某局2021年政府信息公开工作年度报告", "一、总体情况", "本局依法公开政府信息。",
                                        "二、主动公开政府信息情况")
    document = read_bytes("r.pdf", to_pdf([title, [[C(part_one)], [C(prose)]], part_two, LONG]))
    assert document.grids == ()
    assert document.text.splitlines() == [title, part_one, prose, part_two, LONG]
