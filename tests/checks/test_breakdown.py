"""kind: breakdown — "共N条，其中A条、B条" (built-in rules GK820 exceeds, GK821 short)."""

from __future__ import annotations

import pytest

HEAD = "示范区人民政府办公室2016年政府信息公开工作年度报告\n一、概述\n"


def _rules(check_text, sentence: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [d for d in check_text(HEAD + sentence + "\n").diagnostics if d.rule in ("GK820", "GK821")]


def test_parts_exceeding_the_total_are_an_error_at_the_total(check_text) -> None:  # type: ignore[no-untyped-def]
    sentence = "共接受群众咨询5689人次，其中现场咨询3460人次，电话咨询2329人次。"
    found = _rules(check_text, sentence)
    assert [(d.rule, d.severity.label, d.category) for d in found] == [("GK820", "error", "arithmetic")]
    total_at = len(HEAD) + sentence.index("5689")
    assert (found[0].span.start_offset, found[0].span.end_offset) == (total_at, total_at + 4)
    assert [label.message for label in found[0].labels] == ["3460人次", "2329人次"]
    assert "3460+2329=5789" in found[0].message


def test_parts_short_without_etc_are_a_warning(check_text) -> None:  # type: ignore[no-untyped-def]
    found = _rules(check_text, "主动公开信息1965条，其中政策法规类42条；规划计划类33条；通知公告类122条。")
    assert [(d.rule, d.severity.label) for d in found] == [("GK821", "warning")]
    assert "少 1768条" in found[0].message


@pytest.mark.parametrize("sentence", [
    # seed 004: holds exactly, parts separated by ; and stray ,
    "累计主动公开政府信息1965条,其中政策法规类信息42条;规划计划类信息33条,;公共监管类信息 92条,;"
    "通知公告类122条;政民互动类信息18条;其他类信息1658条。",
    "共接受群众咨询5689人次,其中现场咨询3460人次,电话咨询2229人次。",
    # seed 001: open-ended with 等
    "公开各类政务信息781条，其中本局动态191条、县区动态16条、本市政务59条、党建监察39条等。",
    # a part in another unit is not a part
    "共受理申请1件，其中按时答复1件，答复率100%。",
    # the sentence ends the list (list_end): 3件 belongs to the next sentence
    "共收到申请10件，其中网上申请6件、当面申请4件。另外电话咨询3件。",
    # a second 其中 starts another breakdown
    "收到申请10件，其中网上申请6件、当面申请4件，办结9件，其中同意公开8件、部分公开1件。",
    # 其他 closes the list
    "共收到申请十件，其中网上申请五件、其他方式二件。",
    # a list announced after a full stop but written as paragraphs below (seed 003): no parts on the line
    "主动公开政府信息11347条。其中：\n（一）门户网站主动公开的政府信息涉及机构职能等方面。",
    # an enumerated 其他 closes the list and it adds up
    "全年主动公开政府信息120条。其中，政策文件30条，工作动态70条，其他类信息20条。",
    # a list in brackets ends at the bracket: 上年结转3件 is not a part
    "全年共收到申请20件（其中当面申请12件、网上申请8件），上年结转3件。",
    # the subject changes: 复议 and 诉讼 counts are not parts of the applications
    "全年收到申请30件，其中自然人申请20件，法人申请10件，行政复议2件，行政诉讼1件。",
    # 包括 … 等 is open-ended
    "全年主动公开政府信息120条，包括政策文件30条、工作动态60条等。",
])
def test_silent(check_text, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert _rules(check_text, sentence) == []


def test_breakdowns_inside_tables_are_ignored(check_text) -> None:  # type: ignore[no-untyped-def]
    table = "| 信息内容 | 说明 |\n|---|---|\n| 规章 | 共10件，其中5件、6件 |\n"
    assert _rules(check_text, table) == []


@pytest.mark.parametrize(("sentence", "rule"), [
    # a list that opens the next sentence
    ("主动公开政府信息11347条。其中：网站公开5条、微信公开6条。", "GK821"),
    # an enumerated 其他 closes the list, so a shortfall is reported
    ("全年主动公开政府信息120条。其中，政策文件30条，工作动态60条，其他类信息20条。", "GK821"),
    # a list introduced by 包括
    ("全年主动公开政府信息120条，包括政策文件90条、工作动态60条。", "GK820"),
    # a list in brackets
    ("全年共收到申请20件（其中当面申请12件、网上申请10件），上年结转3件。", "GK820"),
])
def test_more_list_forms(check_text, sentence: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    assert [d.rule for d in _rules(check_text, sentence)] == [rule]


def test_totals_read_before_the_openings_only_are_those_of_a_full_scan(  # type: ignore[no-untyped-def]
        rulebook, monkeypatch) -> None:
    """The totals an opening may follow (textscan.start_windows, finditer_ending_in) give the very
    breakdowns a scan of every number with a unit gives."""
    import random

    from auditor import textscan
    from auditor.checks import breakdown
    from auditor.document import Document
    from auditor.structure import analyse

    monkeypatch.setattr(textscan, "CANDIDATE_SPACING", 0)  # windows however short the text

    numbers = ["12", "3", "9", "1,024", "5.5", "十二", "七"]
    units = ["件", "条", "人次", "人", "万元"]
    pieces = ["共", "收到", "，", "。", "；", ":", " ", "\n", "(", ")", "其中", "包括", "分别为", "申请", "现场",
              "电话", "等", "其他", "另有", *numbers, *units]
    rng = random.Random(16)
    rules = [rule for rule in rulebook.rules if rule.kind == "breakdown"]

    def number() -> str:
        return rng.choice(numbers) + rng.choice(["", " "]) + rng.choice(units)

    def sentence() -> str:  # a total, an opening and parts, each piece perhaps noise
        openings = ["，其中", "(包括", "，分别为", " 其中", "；", ""]
        parts = [rng.choice(["共", "收到", ""]) + number(), rng.choice(openings)]
        parts += [rng.choice(["现场", "电话", "网上"]) + number() + rng.choice(["、", "，", "；", ""])
                  for _ in range(rng.randint(0, 4))]
        noisy = (piece if rng.random() > 0.1 else rng.choice(pieces) for piece in parts)
        return "".join(noisy) + rng.choice(["。", "\n"])

    found = windowed = 0
    for _ in range(300):
        text = HEAD + "".join(sentence() if rng.random() > 0.3 else rng.choice(pieces)
                              for _ in range(rng.randint(0, 12)))
        report = analyse(Document(path="r.txt", text=text), rulebook.detection)
        fast = [[vars(item) | {"parts": [vars(part) for part in item.parts]}
                 for item in breakdown._breakdowns(report, rule.compiled)] for rule in rules]
        with monkeypatch.context() as patched:
            patched.setattr(breakdown, "start_windows", lambda index, pattern: None)
            full = [[vars(item) | {"parts": [vars(part) for part in item.parts]}
                     for item in breakdown._breakdowns(report, rule.compiled)] for rule in rules]
        assert fast == full, text
        found += sum(map(len, full))
        windowed += textscan.start_windows(report.document.index, rules[0].compiled.opening) is not None
    assert found > 20 and windowed > 200
