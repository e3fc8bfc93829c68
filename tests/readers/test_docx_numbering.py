"""Word automatic numbering: labels Word draws (``一、``, ``（一）``, ``1.``) are part of the text."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

sys.path.insert(0, str(Path(__file__).parent))
from report_forms import REPORTS, to_docx, to_md

from auditor.engine import FileResult, check_path
from auditor.readers import read_bytes
from auditor.readers.docx_numbering import chinese_counting, format_number
from auditor.rulebook import Rulebook

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
CHINESE_OUTLINE = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]


# ----------------------------------------------------------------------------- building documents
def add_list(document: docx.document.Document, levels: list[tuple[str, str]], *,
             starts: dict[int, int] | None = None, restarts: dict[int, int] | None = None) -> str:
    """Append a ``w:abstractNum`` with ``levels`` ((numFmt, lvlText) per ilvl) and a ``w:num`` using
    it to the document's numbering part; returns the numId."""
    numbering = document.part.numbering_part.element
    abstract_id = 1 + max((int(item.get(f"{W}abstractNumId")) for item in numbering.findall(f"{W}abstractNum")),
                          default=0)
    lvls = "".join(
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{(starts or {}).get(ilvl, 1)}"/><w:numFmt w:val="{fmt}"/>'
        + (f'<w:lvlRestart w:val="{restarts[ilvl]}"/>' if restarts and ilvl in restarts else "")
        + f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for ilvl, (fmt, text) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')
    first_num = numbering.find(f"{W}num")
    if first_num is not None:
        first_num.addprevious(abstract)  # schema order: every abstractNum before the nums
    else:
        numbering.append(abstract)
    return add_num(document, abstract_id)


def add_num(document: docx.document.Document, abstract_id: int | str, start_overrides: dict[int, int] | None = None
            ) -> str:
    """Append a ``w:num`` for ``abstract_id`` (with ``w:startOverride``s) and return its numId."""
    numbering = document.part.numbering_part.element
    num_id = 1 + max((int(item.get(f"{W}numId")) for item in numbering.findall(f"{W}num")), default=0)
    overrides = "".join(f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                        for ilvl, start in (start_overrides or {}).items())
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                               f"{overrides}</w:num>"))
    return str(num_id)


def abstract_of(document: docx.document.Document, num_id: str) -> str:
    numbering = document.part.numbering_part.element
    (num,) = [item for item in numbering.findall(f"{W}num") if item.get(f"{W}numId") == num_id]
    return str(num.find(f"{W}abstractNumId").get(f"{W}val"))


def set_number(element: object, num_id: str | None, ilvl: int | None = 0) -> None:
    """Give a ``w:p`` (or a style's ``w:pPr`` owner) a ``w:numPr``."""
    parts = (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "") + (
        f'<w:numId w:val="{num_id}"/>' if num_id is not None else "")
    properties = element.get_or_add_pPr()  # type: ignore[attr-defined]
    properties.insert(0, parse_xml(f'<w:numPr xmlns:w="{W_NS}">{parts}</w:numPr>'))


def numbered(document: docx.document.Document, text: str, num_id: str | None, ilvl: int | None = 0,
             style: str | None = None) -> None:
    paragraph = document.add_paragraph(text, style=style)
    if num_id is not None or ilvl is not None:
        set_number(paragraph._p, num_id, ilvl)


def saved(document: docx.document.Document) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def lines_of(document: docx.document.Document) -> list[str]:
    return read_bytes("r.docx", saved(document)).text.splitlines()


# ----------------------------------------------------------------------------- number formats
@pytest.mark.parametrize(("number", "expected"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"),
                                                  (21, "二十一"), (99, "九十九"), (100, "一百"), (105, "一百〇五"),
                                                  (110, "一百一十")])
def test_chinese_counting(number: int, expected: str) -> None:
    assert chinese_counting(number) == expected


@pytest.mark.parametrize(("number", "number_format", "expected"), [
    (3, "decimal", "3"), (3, "decimalZero", "03"), (12, "decimalFullWidth", "１２"), (2, "decimalEnclosedParen", "⑵"),
    (3, "decimalEnclosedCircle", "③"), (3, "ideographTraditional", "丙"), (11, "ideographTraditional", "甲"),
    (4, "japaneseCounting", "四"), (12, "chineseCountingThousand", "十二"), (3, "chineseLegalSimplified", "叁"),
    (2, "upperLetter", "B"), (28, "lowerLetter", "bb"), (14, "upperRoman", "XIV"), (9, "lowerRoman", "ix"),
    (5, "none", ""), (5, "bullet", ""), (5, "someFutureFormat", "5"),
])
def test_number_formats(number: int, number_format: str, expected: str) -> None:
    assert format_number(number, number_format) == expected


# ----------------------------------------------------------------------------- the reader
def test_chinese_multilevel_list_restarts_under_each_top_item() -> None:
    document = docx.Document()
    document.add_paragraph("某局2021年政府信息公开工作年度报告")
    outline = add_list(document, CHINESE_OUTLINE)
    numbered(document, "总体情况", outline, 0)
    numbered(document, "主动公开", outline, 1)
    document.add_paragraph("正文。")
    numbered(document, "依申请公开", outline, 1)
    numbered(document, "主动公开政府信息情况", outline, 0)
    numbered(document, "规章", outline, 1)
    numbered(document, "细项", outline, 2)
    assert lines_of(document) == ["某局2021年政府信息公开工作年度报告", "一、总体情况", "（一）主动公开", "正文。",
                                  "（二）依申请公开", "二、主动公开政府信息情况", "（一）规章", "1.细项"]


def test_decimal_and_compound_labels() -> None:
    document = docx.Document()
    simple = add_list(document, [("decimal", "%1.")])
    compound = add_list(document, [("decimal", "%1."), ("decimal", "%1.%2")])
    for text in ("甲", "乙", "丙"):
        numbered(document, text, simple)
    numbered(document, "第一节", compound, 0)
    numbered(document, "小节", compound, 1)
    numbered(document, "小节", compound, 1)
    assert lines_of(document) == ["1.甲", "2.乙", "3.丙", "1.第一节", "1.1小节", "1.2小节"]


def test_level_restart_can_be_switched_off() -> None:
    document = docx.Document()
    running = add_list(document, CHINESE_OUTLINE[:2], restarts={1: 0})
    numbered(document, "甲", running, 0)
    numbered(document, "子", running, 1)
    numbered(document, "乙", running, 0)
    numbered(document, "丑", running, 1)
    assert lines_of(document) == ["一、甲", "（一）子", "二、乙", "（二）丑"]


def test_numbering_from_the_paragraph_style_and_its_base() -> None:
    document = docx.Document()
    outline = add_list(document, CHINESE_OUTLINE)
    part_style = document.styles.add_style("GK Part", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    set_number(part_style.element, outline, 0)
    derived = document.styles.add_style("GK Part Red", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = part_style
    document.add_paragraph("总体情况", style="GK Part")
    document.add_paragraph("主动公开政府信息情况", style="GK Part Red")
    numbered(document, "直接设了二级", None, 1, style="GK Part")   # own ilvl, the style's numId
    numbered(document, "不编号", "0", None, style="GK Part")        # numId 0 switches numbering off
    document.add_paragraph("第一项", style="List Number")           # the built-in list style
    document.add_paragraph("第二项", style="List Number")
    assert lines_of(document) == ["一、总体情况", "二、主动公开政府信息情况", "（一）直接设了二级", "不编号",
                                  "1.第一项", "2.第二项"]


def test_start_override_and_shared_counters() -> None:
    document = docx.Document()
    first = add_list(document, CHINESE_OUTLINE[:1])
    abstract = abstract_of(document, first)
    continued = add_num(document, abstract)                   # same abstractNum: Word continues counting
    restarted = add_num(document, abstract, {0: 3})           # startOverride: a list of its own from 3
    numbered(document, "甲", first)
    numbered(document, "乙", continued)
    numbered(document, "丙", restarted)
    numbered(document, "丁", restarted)
    numbered(document, "戊", first)
    assert lines_of(document) == ["一、甲", "二、乙", "三、丙", "四、丁", "三、戊"]


def test_bullets_add_nothing_and_unknown_lists_are_ignored() -> None:
    document = docx.Document()
    bullets = add_list(document, [("bullet", "\uf0b7")])
    numbered(document, "要点", bullets)
    numbered(document, "没有定义的列表", "999")
    assert lines_of(document) == ["要点", "没有定义的列表"]


def test_numbered_paragraphs_in_table_cells() -> None:
    document = docx.Document()
    items = add_list(document, [("decimal", "%1.")])
    table = document.add_table(rows=2, cols=2)
    for row, label in enumerate(("属于国家秘密", "其他法律行政法规禁止公开")):
        cell = table.cell(row, 0)
        cell.text = label
        set_number(cell.paragraphs[0]._p, items)
        table.cell(row, 1).text = "0"
    assert lines_of(document) == ["| 1.属于国家秘密 | 0 |", "| 2.其他法律行政法规禁止公开 | 0 |"]


def test_the_label_is_located_at_its_paragraph() -> None:
    document = docx.Document()
    document.add_paragraph("标题")
    outline = add_list(document, CHINESE_OUTLINE)
    numbered(document, "总体情况", outline)
    read = read_bytes("r.docx", saved(document))
    assert read.locator is not None
    assert read.locator.locate(read.text.index("一、")) == {"paragraph": 2, "span_lines": "extracted"}
    assert read.locator.locate(read.text.index("总体")) == {"paragraph": 2, "span_lines": "extracted"}


# ----------------------------------------------------------------------------- end to end
PART = re.compile(r"^[一二三四五六]、")
SUBPART = re.compile(r"^（[一二三四五六]）")


def auto_numbered(blocks: list, *, subparts: bool = False) -> bytes:  # type: ignore[type-arg]
    """``to_docx(blocks)`` with the part headings' ``一、`` (and, with ``subparts``, ``（一）``)
    taken out of the text and given by a Word multilevel list instead."""
    document = docx.Document(io.BytesIO(to_docx(blocks)))
    outline = add_list(document, CHINESE_OUTLINE)
    for paragraph in document.paragraphs:
        for pattern, level in ((PART, 0), (SUBPART, 1)):
            if pattern.match(paragraph.text) and (level == 0 or subparts):
                paragraph.text = pattern.sub("", paragraph.text)
                set_number(paragraph._p, outline, level)
    return saved(document)


def _check(tmp_path: Path, name: str, data: bytes, rulebook: Rulebook) -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    return check_path(str(path), rulebook)


def _rules(result: FileResult) -> set[str]:
    return {diagnostic.rule for diagnostic in result.diagnostics}


def test_auto_numbered_parts_satisfy_the_format(tmp_path: Path, rulebook: Rulebook) -> None:
    data = auto_numbered(REPORTS["2021-clean"], subparts=True)
    assert "总体情况" in docx.Document(io.BytesIO(data)).paragraphs[2].text
    assert not docx.Document(io.BytesIO(data)).paragraphs[2].text.startswith("一")
    result = _check(tmp_path, "clean.docx", data, rulebook)
    assert result.report is not None
    parts = [heading for heading in result.report.outline if heading.level == 1]
    assert [heading.ordinal for heading in parts] == [1, 2, 3, 4, 5, 6]
    assert "GK103" not in _rules(result) and "GK401" not in _rules(result)
    assert _rules(result) == _rules(_check(tmp_path, "clean.md", to_md(REPORTS["2021-clean"]), rulebook))


def test_auto_numbered_faulty_report_keeps_its_findings(tmp_path: Path, rulebook: Rulebook) -> None:
    blocks = REPORTS["2021-faulty"]
    numbered_result = _check(tmp_path, "faulty.docx", auto_numbered(blocks), rulebook)
    assert {"GK201", "GK401"} <= _rules(numbered_result)   # the literal （三） after （一） still is a gap
    assert _rules(numbered_result) == _rules(_check(tmp_path, "faulty.md", to_md(blocks), rulebook))


def test_a_deleted_part_is_renumbered_by_word(tmp_path: Path, rulebook: Rulebook) -> None:
    blocks = list(REPORTS["2021-clean"])
    start = blocks.index("四、政府信息公开行政复议、行政诉讼情况")
    del blocks[start:start + 2]   # the heading and its table: Word renumbers 五、六、 to 四、五、
    result = _check(tmp_path, "deleted.docx", auto_numbered(blocks), rulebook)
    assert result.report is not None
    document = result.report.document
    parts = [heading for heading in result.report.outline if heading.level == 1]
    assert [heading.ordinal for heading in parts] == [1, 2, 3, 4, 5]
    assert [document.text[heading.start:heading.end].split("、")[0] for heading in parts] == list("一二三四五")
    assert "存在的主要问题及改进情况" in parts[3].title
    assert "GK401" not in _rules(result)                        # no gap: Word renumbered
    assert "GK103" in _rules(result)                            # but the part is missing
