"""Run-in text (a report whose line breaks were lost) is cut into lines before the outline is built."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
from reportgen import Rendered, consistent_values, render

from auditor.diagnostics import Diagnostic
from auditor.document import Document
from auditor.engine import check_document
from auditor.readers import read_bytes, read_path
from auditor.rulebook import Rulebook
from auditor.structure import analyse

RUNIN = Path(__file__).parent.parent / "fixtures" / "runin"
PARTS = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
         "存在的主要问题及改进情况", "其他需要报告的事项"]


def run_in(rendered: Rendered, joiner: str = " ") -> tuple[str, dict[int, int]]:
    """The report on one line (every run of line breaks replaced by ``joiner``) and a map of old
    offsets to new."""
    text = rendered.text.strip("\n")
    pieces: list[str] = []
    moved: dict[int, int] = {}
    length = 0
    for match in re.finditer(r"[^\n]+|\n+", text):
        line_break = match.group().startswith("\n")
        piece = joiner if line_break else match.group()
        if not line_break:
            moved.update({match.start() + index: length + index for index in range(len(piece))})
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces) + "\n", moved


def _covers(diagnostic: Diagnostic, start: int, end: int) -> bool:
    spans = [diagnostic.span, *(label.span for label in diagnostic.labels)]
    return any(span is not None and span.start.line == 1 and span.start.column - 1 < end and start < span.end.column - 1
               for span in spans)


def test_a_report_on_one_line_has_its_six_parts(rulebook: Rulebook) -> None:
    text, _moved = run_in(render(consistent_values(3, "2021"), "inline"))
    assert text.count("\n") == 1
    report = analyse(Document("r.txt", text), rulebook.detection)
    assert [heading.title for heading in report.outline if heading.level == 1] == PARTS
    assert report.title is not None and report.report_year == 2022


@pytest.mark.parametrize("joiner", [" ", ""])
@pytest.mark.parametrize("era", ["2019", "2021"])
@pytest.mark.parametrize("seed", [0, 5, 11])
def test_consistent_run_in_report_has_no_table_finding(rulebook: Rulebook, era: str, seed: int, joiner: str) -> None:
    text, _moved = run_in(render(consistent_values(seed, era), "inline"), joiner)
    found = [(diagnostic.rule, diagnostic.message) for diagnostic in check_document(Document("r.txt", text), rulebook)
             .diagnostics if diagnostic.category in ("arithmetic", "table")]
    assert found == []


@pytest.mark.parametrize("joiner", [" ", ""])
@pytest.mark.parametrize("era", ["2019", "2021"])
@pytest.mark.parametrize(("seed", "pick"), [(1, 0), (2, 17), (4, 60), (7, 151)])
def test_one_changed_number_is_found_at_its_cell(rulebook: Rulebook, era: str, seed: int, pick: int,
                                                 joiner: str) -> None:
    values = consistent_values(seed, era)
    key = values.numeric_cells()[pick % len(values.numeric_cells())]
    values.set(key, values.get(key) + 2)
    rendered = render(values, "inline")
    text, moved = run_in(rendered, joiner)
    start, end = rendered.offsets[key]
    start, end = moved[start], moved[end - 1] + 1
    arithmetic = [diagnostic for diagnostic in check_document(Document("r.txt", text), rulebook).diagnostics
                  if diagnostic.category == "arithmetic" and diagnostic.severity.label == "error"]
    assert any(_covers(diagnostic, start, end) for diagnostic in arithmetic), [d.message for d in arithmetic]


@pytest.mark.parametrize("era", ["2019", "2021"])
def test_each_table_on_one_long_line_is_read(rulebook: Rulebook, era: str) -> None:
    """Paragraphs kept, but every table's rows joined into one line (a crawler that flattens tables)."""
    text = render(consistent_values(6, era), "inline").text
    parts = re.split(r"(?m)^(?=[一二三四五六]、(?:总体|主动|收到|政府|存在|其他))", text)
    joined = []
    for part in parts:
        heading, _newline, body = part.partition("\n")
        if "第二十条" in body or "本年新收" in body or "行政复议" in body:
            body = " ".join(line for line in body.split("\n") if line.strip()) + "\n"
        joined.append(f"{heading}\n{body}" if part else part)
    found = [(d.rule, d.message) for d in check_document(Document("r.txt", "".join(joined)), rulebook).diagnostics
             if d.category in ("arithmetic", "table", "structure")]
    assert found == []


def test_cut_text_keeps_every_offset_on_its_character(rulebook: Rulebook) -> None:
    text = "某局2022年政府信息公开工作年度报告一、总体情况本局依法公开。二、主动公开政府信息情况全年公开320条。" * 4
    document = Document("r.txt", text + "\n")
    cut = analyse(document, rulebook.detection).document
    assert cut.text.count("\n") > 4 and cut.text.replace("\n", "") == document.text.replace("\n", "")
    for offset, char in enumerate(cut.text):
        if char != "\n":
            position = cut.position(offset)
            assert position.line == 1 and text[position.column - 1] == char


def test_a_sentence_naming_a_table_opens_no_table_region(rulebook: Rulebook) -> None:
    report = analyse(read_path(str(RUNIN / "mention.txt")), rulebook.detection)
    assert report.regions == ()
    assert [heading.title for heading in report.outline if heading.level == 1] == PARTS


def test_ordinary_long_paragraph_is_not_cut(rulebook: Rulebook) -> None:
    paragraph = "2022年，本局认真贯彻落实《条例》，进一步统一、规范公开工作流程，" * 12 + "取得了较好效果。\n"
    document = Document("r.txt", "一、总体情况\n" + paragraph)
    assert analyse(document, rulebook.detection).document is document


@pytest.mark.parametrize("changed", [False, True])
def test_run_in_html_page(rulebook: Rulebook, changed: bool) -> None:
    """A crawled page whose whole report is one <p>: cut the same way, findings at the HTML column."""
    values = consistent_values(2, "2021")
    if changed:
        values.set(("t3", "c1", "natural"), 907)
    text, _moved = run_in(render(values, "inline"))
    page = ("<html><head><meta charset=utf-8></head><body><div id=zoom>"
            f"<p>{html.escape(text.strip())}</p></div></body></html>")
    result = check_document(read_bytes("r.html", page.encode()), rulebook)
    found = [d for d in result.diagnostics if d.category in ("arithmetic", "table")]
    if not changed:
        assert [(d.rule, d.message) for d in found] == []
        return
    column = page.index(" 907 ") + 2
    assert any(span.start.line == 1 and span.start.column == column
               for d in found if d.category == "arithmetic" for span in (d.span, *(label.span for label in d.labels)))
