"""Kind-level tests with small inline rulebooks: each kind fires and stays silent as documented."""

from pathlib import Path

import pytest

from auditor.document import Document
from auditor.engine import Options, Selection, check_document
from auditor.rulebook import load_rulebook

HEAD = "某局2021年政府信息公开工作年度报告\n"


def _run(tmp_path: Path, rule_yaml: str, text: str) -> list:  # type: ignore[type-arg]
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n" + rule_yaml, encoding="utf-8")
    rulebook = load_rulebook([str(path)])
    result = check_document(Document(path="r.txt", text=text), rulebook, Options(Selection(frozenset({"GK990"}))))
    return result.diagnostics


BASE = """  - id: GK990
    name: kind-under-test
    title: 测试
    category: {category}
    severity: warning
    message: "{message}"
"""


def _rule(kind_yaml: str, category: str = "placeholder", message: str = "{match}") -> str:
    return BASE.format(category=category, message=message) + kind_yaml


def test_pattern_per_line_merges_and_exceptions_skip(tmp_path: Path) -> None:
    rule = _rule("    kind: pattern\n    per: line\n    patterns: ['甲', '乙']\n    exceptions: ['甲乙丙']\n")
    found = _run(tmp_path, rule, HEAD + "甲和乙\n甲乙丙\n")
    assert [(d.span.start.line, d.message) for d in found] == [(2, "甲和乙")]


def test_pattern_per_file_labels_the_rest(tmp_path: Path) -> None:
    rule = _rule("    kind: pattern\n    per: file\n    patterns: ['甲']\n", message="{match}×{count}")
    found = _run(tmp_path, rule, HEAD + "甲\n甲\n甲\n")
    assert len(found) == 1 and found[0].message == "甲×3" and len(found[0].labels) == 2


def test_pattern_scope_title_and_previous_line(tmp_path: Path) -> None:
    title_rule = _rule("    kind: pattern\n    scope: title\n    patterns: ['年度报告']\n")
    assert len(_run(tmp_path, title_rule, HEAD + "正文年度报告\n")) == 1
    previous = _rule("    kind: pattern\n    patterns: ['^乙']\n    previous_line: '甲$'\n")
    assert len(_run(tmp_path, previous, HEAD + "甲\n乙\n丙\n乙\n")) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("一、甲\n二、乙\n四、丙\n", ["四、 之前缺少 三、"]),
    ("一、甲\n二、乙\n二、丙\n", ["二、 重复"]),
    ("一、甲\n三、乙\n二、丙\n", ["三、 之前缺少 二、", "二、 倒序"]),
    ("一、甲\n（一）子\n（二）子\n二、乙\n（一）子\n", []),
])
def test_sequence_headings(tmp_path: Path, text: str, expected: list[str]) -> None:
    rule = _rule("    kind: sequence\n    levels: [1, 2]\n    problems: {gap: '之前缺少 {missing}', duplicate: '重复', "
                 "order: '倒序'}\n", category="numbering", message="{found} {problem}")
    assert [d.message for d in _run(tmp_path, rule, HEAD + text)] == expected


def test_sequence_series_restarts_at_one(tmp_path: Path) -> None:
    rule = _rule("    kind: sequence\n    target: series\n", category="numbering", message="{found}")
    assert _run(tmp_path, rule, HEAD + "一是甲；二是乙。一是丙；二是丁；三是戊。\n") == []
    assert [d.message for d in _run(tmp_path, rule, HEAD + "一是甲；二是乙；四是丙。\n")] == ["四是"]


@pytest.mark.parametrize(("fires_when", "text", "count"), [
    ("valid", "截至1231日", 1), ("valid", "截至1299日", 0),
    ("invalid", "2019年2月30日", 1), ("invalid", "2020年2月29日", 0), ("invalid", "2019年13月", 1),
])
def test_date_kind(tmp_path: Path, fires_when: str, text: str, count: int) -> None:
    patterns = {"valid": r"'(?<!\d)(?P<month>1[0-2]|0?[1-9])(?P<day>[0-9]\d)日'",
                "invalid": r"'(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?'"}[fires_when]
    rule = _rule(f"    kind: date\n    fires_when: {fires_when}\n    patterns: [{patterns}]\n", category="date")
    assert len(_run(tmp_path, rule, HEAD + text + "\n")) == count


def test_date_year_differs_uses_report_year(tmp_path: Path) -> None:
    rule = _rule("    kind: date\n    fires_when: year_differs\n    patterns: ['统计期限为(?P<year>\\d{4})年']\n",
                 category="date", message="{year}≠{report_year}")
    assert [d.message for d in _run(tmp_path, rule, HEAD + "统计期限为2020年1月1日\n")] == ["2020≠2021"]
    assert _run(tmp_path, rule, HEAD + "统计期限为2021年1月1日\n") == []


def test_truncation_skips_furniture_and_tables(tmp_path: Path) -> None:
    rule = _rule("    kind: truncation\n    ends: '[。]$'\n    ignore: ['^相关文章$']\n", category="structure",
                 message="{tail}")
    assert [d.message for d in _run(tmp_path, rule, HEAD + "正文完。\n未完的句子\n相关文章\n")] == ["未完的句子"]
    assert _run(tmp_path, rule, HEAD + "正文完。\n相关文章\n") == []
    assert _run(tmp_path, rule, HEAD + "正文完。\n| 甲 | 1 |\n| 乙 | 2 |\n") == []


def test_script_threshold(tmp_path: Path) -> None:
    rule = _rule("    kind: script\n    threshold: 0.2\n    min_han: 10\n", category="typography", message="{share}")
    assert len(_run(tmp_path, rule, HEAD + "政府資訊公開與監督檢查報告書" * 3 + "\n")) == 1
    assert _run(tmp_path, rule, HEAD + "政府信息公开与监督检查报告" * 3 + "\n") == []


def test_required_section_heading_content_order_and_severity(tmp_path: Path) -> None:
    rule = _rule("""    kind: required_section
    ordered: true
    order_message: '{section} 顺序'
    sections:
      - {key: 甲, title: 甲部分, headings: ['^甲']}
      - {key: 乙, title: 乙部分, headings: ['^乙'], content: ['乙已覆盖']}
      - {key: 丙, title: 丙部分, headings: ['^丙'], severity: info}
""", category="structure", message="缺{section}")
    found = _run(tmp_path, rule, HEAD + "一、乙\n二、甲\n")
    assert [(d.message, d.severity.label) for d in found] == [("乙 顺序", "warning"), ("缺丙", "info")]
    assert [d.message for d in _run(tmp_path, rule, HEAD + "一、甲\n这里乙已覆盖。\n二、丙\n")] == []


def test_title_kind(tmp_path: Path) -> None:
    rule = _rule("    kind: title\n", category="structure", message="{first_line}")
    assert [d.message for d in _run(tmp_path, rule, "一、总体情况\n")] == ["一、总体情况"]
    assert _run(tmp_path, rule, HEAD + "一、总体情况\n") == []


REQUIRED = """    kind: required_section
    ordered: true
    sections:
      - {key: 甲, title: 甲部分, headings: ['^甲']}
      - {key: 乙, title: 乙部分, headings: ['^乙']}
      - {key: 丙, title: 丙部分, headings: ['^丙']}
"""
REQUIRED_TEXTS = """    order_message: “{section}”应排在“{previous}”之后
    texts:
      before: 应在第{line}行“{heading}”之前
      absent: 报告中没有这一部分
      previous: “{previous}”在这里
"""


@pytest.mark.parametrize(("texts", "expected"), [
    (REQUIRED_TEXTS, ["缺乙：应在第3行“二、丙”之前", "缺丙：报告中没有这一部分",
                      ("“乙”应排在“甲”之后", "“甲”在这里")]),
    ("", ["缺乙：3:二、丙", "缺丙：", ("乙 甲", "甲")]),  # language-free fallbacks
])
def test_required_section_position_and_order_texts(tmp_path: Path, texts: str, expected: list) -> None:  # type: ignore[type-arg]
    rule = _rule(REQUIRED + texts, category="structure", message="缺{section}：{position}")
    assert [d.message for d in _run(tmp_path, rule, HEAD + "一、甲\n二、丙\n")] == [expected[0]]
    assert [d.message for d in _run(tmp_path, rule, HEAD + "一、甲\n二、乙\n")] == [expected[1]]
    (order,) = _run(tmp_path, rule, HEAD + "一、乙\n二、甲\n三、丙\n")
    assert (order.message, [label.message for label in order.labels]) == (expected[2][0], [expected[2][1]])


SUPERSEDED = """    kind: superseded_labels
    labels:
      - {pattern: '旧甲', name: 旧甲栏}
      - {pattern: '旧乙'}
"""


@pytest.mark.parametrize(("texts", "message", "labels"), [
    ("    texts: {quoted: '“{label}”', joiner: 、}\n", "旧甲|“旧甲栏”、“旧乙”|3", ["“旧乙”", "“旧甲”"]),
    ("", "旧甲|旧甲栏 旧乙|3", ["旧乙", "旧甲"]),  # language-free fallbacks
])
def test_superseded_labels_texts(tmp_path: Path, texts: str, message: str, labels: list[str]) -> None:
    rule = _rule(SUPERSEDED + texts, category="table", message="{label}|{labels}|{count}")
    (found,) = _run(tmp_path, rule, HEAD + "旧甲 旧乙\n旧甲\n")
    assert found.message == message and [label.message for label in found.labels] == labels
