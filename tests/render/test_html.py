"""The HTML renderer: escaping, highlights (overlapping, table cells, identities), layout, CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Document, Grid, GridCell
from auditor.engine import FileResult, Options, check_document
from auditor.render import RENDERERS, RenderContext, render
from auditor.render.html import agency_of, render_html, script_json
from auditor.render.html_layout import split_line
from auditor.render.html_marks import marks_of, paint

ROOT = Path(__file__).resolve().parents[2]
TABLE = ("某市某局2023年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n"
         "| 项目 | 自然人 | 总计 |\n| 一、本年新收 | 10 | 13 |\n| 二、上年结转 | 1 | 1 |\n\n五、其他\n\n本年无。\n")


def _diagnostic(document: Document, start: int, end: int, *, severity: Severity = Severity.ERROR,
                category: str = "placeholder", labels: tuple[Label, ...] = (), message: str = "问题") -> Diagnostic:
    return Diagnostic("GK999", "test", category, severity, message, document.span(start, end), labels=labels,
                      help="这样改", basis="《条例》第五十条")


def _result(rulebook, text: str, extra: tuple[Diagnostic, ...] = (), document: Document | None = None):  # type: ignore[no-untyped-def]
    document = document or Document(path="r.txt", text=text)
    result = check_document(document, rulebook, Options())
    return FileResult(result.path, [*result.diagnostics, *extra], result.report)


def test_registered_and_self_contained(rulebook) -> None:  # type: ignore[no-untyped-def]
    assert "html" in RENDERERS
    html = render("html", [_result(rulebook, TABLE)], RenderContext())
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "<script>" in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert "Content-Security-Policy" in html


def test_report_markup_is_escaped(rulebook) -> None:  # type: ignore[no-untyped-def]
    text = "某局2023年政府信息公开工作年度报告\n正文<script>alert(1)</script><img src=x onerror=alert(2)>XX年\n"
    html = render_html([_result(rulebook, text)])
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html


def test_script_json_cannot_close_the_script() -> None:
    text = script_json({"html": "</script><!-- <script>alert(1)</script>"})
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == {"html": "</script><!-- <script>alert(1)</script>"}


def test_overlapping_spans_give_flat_marks() -> None:
    document = Document(path="r.txt", text="甲乙丙丁戊己\n")
    first = _diagnostic(document, 0, 4, severity=Severity.WARNING)
    second = _diagnostic(document, 2, 6)
    marks = marks_of([("a", first), ("b", second)], document)
    html = paint(document.text, 0, 6, marks)
    assert re.sub(r"<[^>]+>", "", html) == "甲乙丙丁戊己"
    pieces = re.findall(r'<mark class="([^"]+)" data-d="([^"]+)"[^>]*>([^<]*)</mark>', html)
    assert [(text, keys) for _, keys, text in pieces] == [("甲乙", "a"), ("丙丁", "a b"), ("戊己", "b")]
    assert "sev-error" in pieces[1][0] and "sev-warning" in pieces[0][0]
    assert html.count('id="at-a"') == 1 and html.count('id="at-b"') == 1


def test_empty_span_is_a_visible_point() -> None:
    document = Document(path="r.txt", text="一是甲，三是乙\n")
    html = paint(document.text, 0, 8, marks_of([("a", _diagnostic(document, 4, 4))], document))
    assert 'data-point="1"' in html and 'id="at-a"' in html


def test_pipe_table_is_a_grid_with_the_identity_cells_marked(rulebook) -> None:  # type: ignore[no-untyped-def]
    document = Document(path="r.txt", text=TABLE)
    total = TABLE.index("| 13 |") + 2
    addend = TABLE.index("| 10 |") + 2
    carried = TABLE.index("| 1 | 1 |") + 2
    identity = _diagnostic(document, total, total + 2, category="arithmetic", message="新收 13 ≠ 自然人 10 + …",
                           labels=(Label(document.span(addend, addend + 2), "自然人 = 10"),
                                   Label(document.span(carried, carried + 1), "上年结转 = 1")))
    html = render_html([_result(rulebook, TABLE, (identity,), document)])
    assert '<table class="grid">' in html
    assert re.search(r'<td class="num cell-pri cell-error" data-d="[^"]+">.*?13', html)
    assert len(re.findall(r'<td class="num cell-lbl', html)) == 2
    notes = re.search(r'<aside class="table-notes">(.*?)</aside>', html, re.S)
    assert notes and "勾稽关系不成立" in notes.group(1) and "自然人 = 10" in notes.group(1)
    assert html.count("<tr") >= 3


def test_split_line_keeps_offsets() -> None:
    document = Document(path="r.txt", text="x\n| 甲 | 12 |  |\n")
    cells = split_line(document.line(1))
    assert [document.text[cell.start:cell.end] for cell in cells] == ["甲", "12", ""]
    tabbed = Document(path="r.txt", text="甲\t 3\t4\n")
    assert [tabbed.text[cell.start:cell.end] for cell in split_line(tabbed.line(0))] == ["甲", "3", "4"]


def test_reader_grid_is_used_with_spans(rulebook) -> None:  # type: ignore[no-untyped-def]
    text = "某局2023年政府信息公开工作年度报告\n信息内容\t本年制发件数\n规章\t5\n"
    start = text.index("信息内容")
    cells = (GridCell(0, 0, "信息内容", start, start + 4, column_span=1),
             GridCell(0, 1, "本年制发件数", start + 5, start + 11),
             GridCell(1, 0, "规章", start + 12, start + 14), GridCell(1, 1, "5", start + 15, start + 16))
    document = Document(path="r.html", text=text, grids=(Grid(cells, start, len(text) - 1),))
    html = render_html([_result(rulebook, text, document=document)])
    table = re.search(r'<table class="grid" id="f0-L2">(.*?)</table>', html, re.S)
    assert table and table.group(1).count("<td") == 4 and "本年制发件数" in table.group(1)


def test_findings_most_severe_first_with_help_and_basis(rulebook) -> None:  # type: ignore[no-untyped-def]
    document = Document(path="r.txt", text=TABLE)
    info = _diagnostic(document, 0, 2, severity=Severity.INFO, message="提示一下")
    error = _diagnostic(document, len(TABLE) - 4, len(TABLE) - 2, message="错误在后")
    html = render_html([_result(rulebook, TABLE, (info, error), document)])
    assert html.index("错误在后") < html.index("提示一下")
    assert "建议：这样改" in html and "依据：《条例》第五十条" in html


def test_header_names_agency_year_and_era_with_sources(rulebook) -> None:  # type: ignore[no-untyped-def]
    result = _result(rulebook, TABLE)
    assert agency_of(result.report) == "某市某局"
    html = render_html([result])
    assert "某市某局" in html and "2023" in html and result.report.year_source in html


def test_several_files_get_an_index_and_read_errors_are_shown(rulebook, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from auditor.engine import read_error_result

    broken = read_error_result("坏.docx", "不是有效的 .docx 文件", rulebook)
    html = render_html([_result(rulebook, TABLE), broken])
    assert 'class="file-index"' in html and 'href="#f1"' in html
    assert 'class="read-error"' in html and "不是有效的 .docx 文件" in html


def test_cli_writes_html(tmp_path: Path) -> None:
    output = tmp_path / "audit.html"
    completed = subprocess.run([sys.executable, "-m", "auditor.cli", "check", "--format", "html", "-o", str(output),
                                str(ROOT / "examples" / "report-2021-faulty.txt")], capture_output=True, cwd=ROOT)
    assert completed.returncode == 1, completed.stderr
    html = output.read_text(encoding="utf-8")
    assert "GK201" in html and '<table class="grid">' in html and "cell-pri" in html
