"""Places a clerk can find: every output names a docx/PDF/HTML finding by table cell, paragraph or page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.engine import FileResult, check_document, check_path
from auditor.readers import read_bytes
from auditor.render import RenderContext, render
from auditor.render.place import file_position, place_text, where_text
from auditor.rulebook import Rulebook

ROOT = Path(__file__).resolve().parents[2]
FAULTY_DOCX = ROOT / "examples" / "report-2021-faulty.docx"
EXTRACTED_LINE = re.compile(r"第 ?\d+ ?行第 ?\d+ ?列")
HTML_REPORT = """<html><head><meta charset="utf-8"><title>x</title></head><body><div id="zoom">
<h1>某市某局2023年政府信息公开工作年度报告</h1>
<p>一、总体情况</p>
<p>2023年，XX局认真贯彻落实《条例》。</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table>
<tr><td rowspan="2">项目</td><td colspan="2">申请人情况</td></tr>
<tr><td>自然人</td><td>总计</td></tr>
<tr><td>一、本年新收政府信息公开申请数量</td><td>10</td><td>XX</td></tr>
</table>
<p>六、其他需要报告的事项</p>
<p>本年度未收取信息处理费。</p>
</div></body></html>
"""


@pytest.mark.parametrize(("location", "text"), [
    ({"format": "docx", "table": 2, "row": 32, "column": 2, "span_lines": "extracted"}, "表2 第32行 第2列"),
    ({"format": "docx", "paragraph": 4, "span_lines": "extracted"}, "第4段"),
    ({"format": "pdf", "page": 3, "line": 5}, "第3页 第5行"),
    ({"format": "pdf", "page": 3, "table": 1, "row": 2, "column": 7}, "第3页 表1 第2行 第7列"),
    ({"format": "docx", "table": 2, "row": 5}, "表2 第5行"),  # a row without a column (a blank merged cell)
    ({"format": "html", "paragraph": 9}, "第9段"),
    (None, ""),
    ({}, ""),
])
def test_place_text(location: dict[str, object] | None, text: str) -> None:
    assert place_text(location) == text


@pytest.fixture(scope="module")
def docx_result(rulebook: Rulebook) -> FileResult:
    result = check_path(str(FAULTY_DOCX), rulebook)
    assert result.diagnostics and all(diagnostic.location for diagnostic in result.diagnostics)
    return result


@pytest.fixture(scope="module")
def html_result(rulebook: Rulebook) -> FileResult:
    return check_document(read_bytes("page.html", HTML_REPORT.encode()), rulebook)


def test_html_text_is_located_by_paragraph_and_cells_by_table(html_result: FileResult) -> None:
    places = {diagnostic.rule: place_text(diagnostic.location) for diagnostic in html_result.diagnostics}
    placeholders = [place_text(diagnostic.location) for diagnostic in html_result.diagnostics
                    if diagnostic.rule == "GK201"]
    assert "第3段" in placeholders, places  # title, 一、总体情况, then the paragraph with XX
    cells = [diagnostic.location for diagnostic in html_result.diagnostics
             if diagnostic.location and "table" in diagnostic.location]
    assert {"table": 1, "row": 3, "column": 3} in [{key: cell[key] for key in ("table", "row", "column")}
                                                   for cell in cells]


def test_text_files_keep_lines_and_columns(check_text) -> None:  # type: ignore[no-untyped-def]
    result = check_text("某市某局2023年政府信息公开工作年度报告\n\n一、总体情况\n\nXX年，本局认真落实。\n")
    diagnostic = next(item for item in result.diagnostics if item.rule == "GK201")
    assert diagnostic.location is None
    assert where_text(diagnostic) == "第 5 行第 1 列"
    assert file_position("r.txt", diagnostic) == "r.txt:5:1"


def test_html_report_names_docx_places_not_extracted_lines(docx_result: FileResult) -> None:
    page = render("html", [docx_result], RenderContext())
    wheres = re.findall(r'<span class="where">([^<]*)</span>', page)
    assert "表2 第32行 第2列" in wheres and "第16段" in wheres
    assert not any(EXTRACTED_LINE.search(where) for where in wheres)


def test_machine_formats_name_docx_places(docx_result: FileResult) -> None:
    log = json.loads(render("sarif", [docx_result], RenderContext()))
    located = log["runs"][0]["results"]
    cell = next(item for item in located if item["ruleId"] == "GK801")["locations"][0]
    assert cell["physicalLocation"]["region"]["message"]["text"] == "表2 第32行 第2列"
    assert cell["logicalLocations"][0]["name"] == "表2 第32行 第2列"
    assert cell["logicalLocations"][0]["kind"] == "element"

    github = render("github", [docx_result], RenderContext()).splitlines()
    annotation = next(line for line in github if "GK801" in line)
    assert ",line=" not in annotation and "::表2 第32行 第2列：" in annotation

    data = json.loads(render("json", [docx_result], RenderContext()))
    places = [item.get("place") for item in data["files"][0]["diagnostics"]]
    assert "表2 第32行 第2列" in places and "第16段" in places

    issues = json.loads(render("gitlab", [docx_result], RenderContext()))
    placeholder = next(issue for issue in issues if issue["check_name"].startswith("GK201"))
    assert placeholder["description"].startswith("[GK201] 第16段：")
    assert placeholder["location"]["lines"]["begin"] == 1

    junit = render("junit", [docx_result], RenderContext())
    assert "report-2021-faulty.docx（第16段）: error[GK201]" in junit
    assert not re.search(r"faulty\.docx:\d+:\d+", junit)


def test_html_source_keeps_its_lines_and_adds_the_place(html_result: FileResult) -> None:
    github = render("github", [html_result], RenderContext()).splitlines()
    annotation = next(line for line in github if "GK201" in line and "第3段" in line)
    assert ",line=4," in annotation  # the <p> of the HTML source: a line a maintainer can open
    page = render("html", [html_result], RenderContext())
    assert '<span class="where">第3段</span>' in page


def test_place_of_an_offset_for_messages() -> None:
    from auditor.document import Document
    from auditor.location import place_of

    markdown = read_bytes("r.md", "# 标题\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n## 三、其他\n".encode())
    assert place_of(markdown, markdown.text.index("三、其他")) == "第7行"  # the .md line, delimiter row included
    text = Document(path="r.txt", text="甲\n乙\n")
    assert place_of(text, 2) == "第2行"
    page = read_bytes("p.html", HTML_REPORT.encode())
    assert place_of(page, page.text.index("六、其他")) == "第5段"
    assert place_of(page, page.text.index("自然人")) == "表1 第2行 第2列"


def test_missing_part_message_names_the_place_of_the_next_part(rulebook: Rulebook) -> None:
    document = read_bytes("p.html", HTML_REPORT.encode())
    messages = [item.message for item in check_document(document, rulebook).diagnostics if item.rule == "GK103"]
    assert any("应在第5段“六、其他需要报告的事项”之前" in message for message in messages), messages


def test_served_page_names_docx_places(rulebook: Rulebook) -> None:
    pytest.importorskip("starlette", reason="the serve extra is not installed (pip install -e '.[test]')")
    pytest.importorskip("multipart", reason="python-multipart is not installed")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from auditor.server import create_app

    # the app's workers start with it (with), and its Host guard wants the loopback name it is bound to
    with TestClient(create_app(rulebook), base_url="http://127.0.0.1:8765") as client:
        answer = client.post(
            "/check", files={"file": ("草稿.docx", FAULTY_DOCX.read_bytes(), "application/octet-stream")})
    assert answer.status_code == 200
    wheres = re.findall(r'<span class="where">([^<]*)</span>', answer.text)
    assert "表2 第32行 第2列" in wheres and not any(EXTRACTED_LINE.search(where) for where in wheres)
