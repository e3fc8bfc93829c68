"""A crawler's key–value preamble is metadata: no debris on it, and its title key is a hint."""

from auditor.document import Document
from auditor.structure import analyse

BODY = (
    "一、总体情况\n2021年，本局认真贯彻落实《条例》。\n"
    "二、主动公开政府信息情况\n全年主动公开政府信息300条。\n"
)
PREAMBLE = (
    "栏目: 政府信息公开工作年度报告\n"
    "标题：某市某局2021年政府信息公开工作年度报告\n"
    "发布时间: 2022-01-20 10:31\n"
    "原文链接: http://www.example.gov.cn/art/2022/1/20/art_1.html\n"
    "==== 正文 ====\n"
)


def test_preamble_lines_and_title_hint(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = analyse(Document("r.txt", PREAMBLE + BODY), rulebook.detection)
    assert report.preamble is not None and (report.preamble.first, report.preamble.last) == (0, 4)
    assert report.title is not None and report.title.text == "某市某局2021年政府信息公开工作年度报告"
    assert report.report_year == 2021 and report.year_source.startswith("标题（第2行")


def test_body_title_wins_and_takes_the_hinted_year(rulebook) -> None:  # type: ignore[no-untyped-def]
    text = PREAMBLE + "某市某局政府信息公开工作年度报告\n" + BODY
    report = analyse(Document("r.txt", text), rulebook.detection)
    assert report.title is not None and report.title.line_index == 5 and report.title.year == 2021


def test_no_debris_and_no_title_finding_on_the_preamble(check_text) -> None:  # type: ignore[no-untyped-def]
    found = [(diagnostic.rule, diagnostic.category, diagnostic.span.start.line)
             for diagnostic in check_text(PREAMBLE + BODY).diagnostics]
    assert not [rule for rule, category, line in found if line <= 5 and category not in ("structure", "table")], found
    assert "GK101" not in [rule for rule, _category, _line in found]


def test_the_same_lines_in_the_body_are_still_debris(check_text) -> None:  # type: ignore[no-untyped-def]
    text = "某市某局2021年政府信息公开工作年度报告\n" + BODY + "发布时间: 2022-01-20 10:31\n"
    assert "GK301" in [diagnostic.rule for diagnostic in check_text(text).diagnostics]


def test_a_single_key_line_is_not_a_preamble(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = analyse(Document("r.txt", "时间：2021年全年\n" + BODY), rulebook.detection)
    assert report.preamble is None
