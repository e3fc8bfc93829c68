"""The .docx reader: document order, merged cells, locations; .doc and .wps get clear advice."""

from __future__ import annotations

import io
import json

import docx
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.engine import check_path
from auditor.readers import ReadError, read_bytes
from auditor.rulebook import Rulebook


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("某局2021年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("XX年，我局认真贯彻落实《条例》。")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "信息内容"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "本年制发件数"
    table.cell(1, 1).text, table.cell(1, 2).text = "甲", "乙"
    table.cell(2, 0).text, table.cell(2, 1).text, table.cell(2, 2).text = "规章", "1", "2"
    document.add_paragraph("")
    document.add_paragraph("二、主动公开政府信息情况")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def test_paragraphs_and_tables_in_document_order() -> None:
    document = read_bytes("r.docx", _docx())
    assert document.text.splitlines() == [
        "某局2021年政府信息公开工作年度报告", "一、总体情况", "XX年，我局认真贯彻落实《条例》。",
        "| 信息内容 | 本年制发件数 | 本年制发件数 |", "| 信息内容 | 甲 | 乙 |", "| 规章 | 1 | 2 |",
        "", "二、主动公开政府信息情况"]
    assert document.source_text == document.text
    assert len(document.grids) == 1 and len(document.grids[0].cells) == 9


def test_locations_name_paragraphs_and_cells() -> None:
    document = read_bytes("r.docx", _docx())
    assert document.locator is not None
    assert document.locator.locate(document.text.index("XX年")) == {"paragraph": 3, "span_lines": "extracted"}
    assert document.locator.locate(document.text.index("二、主动")) == {"paragraph": 5, "span_lines": "extracted"}
    assert document.locator.locate(document.text.index("| 规章") + 2) == {"table": 1, "row": 3, "column": 1,
                                                                       "span_lines": "extracted"}


def test_json_output_has_the_location(tmp_path, rulebook: Rulebook) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "report.docx"
    path.write_bytes(_docx())
    result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", str(path)])
    payload = json.loads(result.output)
    (placeholder,) = [item for item in payload["files"][0]["diagnostics"] if item["rule"] == "GK201"]
    assert placeholder["location"] == {"format": "docx", "paragraph": 3, "span_lines": "extracted"}
    assert placeholder["span"]["start"] == {"line": 3, "column": 1}


def test_text_output_shows_the_paragraph(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "report.docx"
    path.write_bytes(_docx())
    output = CliRunner().invoke(main, ["check", "--no-cache", "--no-color", str(path)]).output
    assert "3 | XX年，我局认真贯彻落实《条例》。" in output


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_word_files_are_refused_with_advice(tmp_path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    result = CliRunner().invoke(main, ["check", "--no-cache", str(path)])
    assert result.exit_code == 2
    assert "另存为 .docx" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("data", [b"PK\x03\x04 broken", b"not a zip at all", b"\xd0\xcf\x11\xe0"])
def test_damaged_docx_is_a_read_error(data: bytes) -> None:
    with pytest.raises(ReadError, match="docx"):
        read_bytes("r.docx", data)


def test_damaged_docx_in_a_batch_does_not_stop_it(tmp_path, rulebook: Rulebook) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.docx"
    path.write_bytes(b"garbage")
    result = check_path(str(path), rulebook)
    assert result.read_error is not None and [d.rule for d in result.diagnostics] == ["GK001"]
