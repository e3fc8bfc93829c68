"""kind: narrative — prose numbers against the table cells that hold them (built-in rule GK901)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
from reportgen import consistent_old_values, consistent_values, render, render_old

from auditor.checks.narrative import parse_number

VALUES = consistent_values(31, "2021")
NEW = VALUES.t3["new"]["total"]
CARRIED = VALUES.t3["carried"]["total"]


def _report(prose: str, values=VALUES) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    rendered = render(values, "tabs")
    heading = "三、收到和处理政府信息公开申请情况\n"
    text = rendered.text.replace(heading, heading + prose + "\n", 1)
    shift = len(prose) + 1
    cell = rendered.offsets[("t3", "new", "total")]
    return text, (cell[0] + shift, cell[1] + shift)


def _found(check_text, text: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [d for d in check_text(text).diagnostics if d.rule == "GK901"]


@pytest.mark.parametrize(("written", "value"), [("12", 12), ("3,746", 3746), ("十三", 13), ("一百零五", 105),
                                                ("0.5", Decimal("0.5")), ("若干", None)])
def test_parse_number(written: str, value: object) -> None:
    assert parse_number(written) == value


def test_mismatch_points_at_the_stated_number_and_labels_the_cell(check_text) -> None:  # type: ignore[no-untyped-def]
    prose = f"本年度共收到政府信息公开申请{NEW + 3}件。"
    text, cell = _report(prose)
    found = _found(check_text, text)
    assert len(found) == 1
    diagnostic = found[0]
    number_at = text.index(f"申请{NEW + 3}件") + 2
    assert (diagnostic.span.start_offset, diagnostic.span.end_offset) == (number_at, number_at + len(str(NEW + 3)))
    assert f"{NEW + 3}" in diagnostic.message and f"为 {NEW}" in diagnostic.message
    assert [(label.span.start_offset, label.span.end_offset) for label in diagnostic.labels] == [cell]
    assert diagnostic.category == "consistency" and diagnostic.severity.label == "warning"


@pytest.mark.parametrize("prose", [
    f"本年度共收到政府信息公开申请{NEW}件。",
    f"本年度共收到政府信息公开申请{NEW:,}件。",
    f"全市共收到政府信息公开申请{NEW + 40}件。",
    f"全县全年共发生有关政府信息公开事务的行政复议{VALUES.t4['review']['total'] + 2}件。",
    f"本年度共受理政府信息公开申请{NEW + CARRIED}件（含上年结转{CARRIED}件）。",
])
def test_silent(check_text, prose: str) -> None:  # type: ignore[no-untyped-def]
    assert _found(check_text, _report(prose)[0]) == []


def test_zero_statement_against_the_table(check_text) -> None:  # type: ignore[no-untyped-def]
    values = consistent_values(31, "2021")
    values.t4["review"].update({"upheld": 1, "total": values.t4["review"]["total"] + 1})
    found = _found(check_text, _report("本年度未发生政府信息公开行政复议案件。", values)[0])
    assert len(found) == 1 and "行政复议" in found[0].message


def test_chinese_numeral_in_the_prose(check_text) -> None:  # type: ignore[no-untyped-def]
    values = consistent_values(31, "2021")
    assert _found(check_text, _report(f"共收到政府信息公开申请{NEW + 1}件。", values)[0])
    if NEW < 99:
        from auditor.structure.numerals import int_to_chinese

        assert _found(check_text, _report(f"共收到政府信息公开申请{int_to_chinese(NEW)}件。", values)[0]) == []


def test_blank_table_cell_is_never_compared(check_text) -> None:  # type: ignore[no-untyped-def]
    text, cell = _report(f"本年度共收到政府信息公开申请{NEW + 3}件。")
    blanked = text[: cell[0]] + " " * (cell[1] - cell[0]) + text[cell[1]:]
    assert _found(check_text, blanked) == []


def test_granted_and_partly_granted(check_text) -> None:  # type: ignore[no-untyped-def]
    granted, partly = VALUES.t3["c1"]["total"], VALUES.t3["c2"]["total"]
    same = f"其中予以公开{granted}件，部分公开{partly}件；予以公开及部分公开{granted + partly}件。"
    assert _found(check_text, _report(same)[0]) == []
    wrong = f"予以公开及部分公开{granted + partly + 17}件。"
    found = _found(check_text, _report(wrong)[0])
    assert len(found) == 1 and "予以公开和部分公开" in found[0].message and len(found[0].labels) == 2


# ---------------------------------------------------------------------------- table 二 (2021 and 2019)
# values.t2 in reading order; 2021: (一) rules issued/repealed/in_force, normative issued/repealed/in_force,
# (五) licensing, (六) penalty, enforcement, (八) fees amount (万元); 2019: (一) made/published/total,
# (五)(六) previous/change/decisions, (八) previous/change, (九) count/amount
T2_2021 = [40, 2, 60, 17, 5, 230, 124, 96, 11, 12]
T2_2019 = [0, 0, 3, 9, 8, 41, 50, 4, 120, 7, 0, 3, 300, 5, 90, 12, 0, 20, 2, 2, 7, 68949]


def _t2_report(prose: str, era: str = "2021") -> str:
    values = consistent_values(31, era)
    values.t2 = list(T2_2021 if era == "2021" else T2_2019)
    heading = "二、主动公开政府信息情况\n"
    return render(values, "tabs").text.replace(heading, heading + prose + "\n", 1)


@pytest.mark.parametrize(("template", "value", "fact"), [
    ("本年制发行政规范性文件{}件。", 17, "本年制发的行政规范性文件"),
    ("本年共印发{}件行政规范性文件。", 17, "本年制发的行政规范性文件"),
    ("本年废止行政规范性文件{}件。", 5, "本年废止的行政规范性文件"),
    ("清理行政规范性文件，现行有效{}件。", 230, "现行有效的行政规范性文件"),
    ("本年制发规章{}件。", 40, "本年制发的规章"),
    ("全年作出行政许可决定{}件。", 124, "行政许可处理决定"),
    ("全年作出行政处罚决定{}件。", 96, "行政处罚处理决定"),
    ("全年实施行政强制{}起。", 11, "行政强制处理决定"),
])
def test_table_two_2021(check_text, template: str, value: int, fact: str) -> None:  # type: ignore[no-untyped-def]
    assert _found(check_text, _t2_report(template.format(value))) == []
    found = _found(check_text, _t2_report(template.format(value + 1)))
    assert len(found) == 1 and fact in found[0].message and f"为 {value}（" in found[0].message


@pytest.mark.parametrize("prose", [
    "全年作出行政处罚和行政强制决定107件。",             # two rows at once: neither row's number
    "梳理公布权力清单，其中行政许可决定事项124项以外另有3项。",
    "审核行政规范性文件9件。",                            # reviewed, not issued
    "本单位制定规章制度8件。",                            # 规章制度 are internal rules, not 规章
])
def test_table_two_silent(check_text, prose: str) -> None:  # type: ignore[no-untyped-def]
    assert _found(check_text, _t2_report(prose)) == []


@pytest.mark.parametrize(("prose", "fires"), [
    ("本年行政事业性收费12万元。", False),
    ("本年行政事业性收费120000元。", False),            # 元 converted to the table's 万元
    ("本年行政事业性收费约12万元，较上年有所下降。", False),
    ("本年行政事业性收费12.4万元。", True),             # the prose has one decimal: 12.0 ≠ 12.4
    ("本年行政事业性收费130000元。", True),
    ("本年行政事业性收费12美元。", False),              # a unit the rule cannot convert: not compared
    ("本年减免行政事业性收费30万元。", False),
])
def test_fee_amount_with_units(check_text, prose: str, fires: bool) -> None:  # type: ignore[no-untyped-def]
    found = _found(check_text, _t2_report(prose))
    assert bool(found) is fires
    if fires:
        assert "万元" in found[0].message and "为 12万元" in found[0].message


def test_table_two_2019_columns(check_text) -> None:  # type: ignore[no-untyped-def]
    # 2019 has 本年新制作数量 where 2021 has 本年制发件数: the fact falls through to the 2019 column
    assert _found(check_text, _t2_report("本年制发规范性文件9件。", "2019")) == []
    assert _found(check_text, _t2_report("本年新公开规范性文件8件。", "2019")) == []
    found = _found(check_text, _t2_report("本年制发规范性文件10件。", "2019"))
    assert len(found) == 1 and "为 9（" in found[0].message
    assert len(_found(check_text, _t2_report("本年新公开规范性文件7件。", "2019"))) == 1
    assert len(_found(check_text, _t2_report("全年作出行政许可决定121件。", "2019"))) == 1
    # 2019 table 二 has no 废止 column and no 收费金额: nothing to compare with
    assert _found(check_text, _t2_report("废止规范性文件99件；行政事业性收费99万元。", "2019")) == []


# ---------------------------------------------------------------------------- the old statistics appendix
OLD = consistent_old_values(5)
OLD.update({"published": 11347, "staff_full_time": 2, "staff_part_time": 71, "staff": 73, "meetings": 6,
            "trainings": 4, "trainees": 680, "complaints": 1, "fees": 0, "budget": 5})


def _old(prose: str, **changes: int) -> str:
    return render_old({**OLD, **changes}, narrative=prose).text


@pytest.mark.parametrize(("template", "value", "fact"), [
    ("县政府主要通过门户网站、广播电视、公开栏等方式主动公开的政府信息有{}条。", 11347, "主动公开政府信息"),
    ("本年共主动公开政府信息{}条。", 11347, "主动公开政府信息"),
    ("从事政府信息公开工作的全职人员为{}人。", 2, "专职人员"),
    ("政府信息公开工作配备专职人员{}名。", 2, "专职人员"),
    ("政府信息公开兼职人员为{}人。", 71, "兼职人员"),
    ("从事政府信息公开工作人员共{}人。", 73, "从事政府信息公开工作的人员"),
    ("全年收到涉及政府信息公开的举报投诉{}件。", 1, "举报投诉"),
    ("举办政府信息公开培训班{}次。", 4, "培训班"),
    ("全年开展政务公开培训，培训{}人次。", 680, "接受培训人员"),
    ("召开政府信息公开工作会议{}次。", 6, "工作会议"),
])
def test_old_appendix_counts(check_text, template: str, value: int, fact: str) -> None:  # type: ignore[no-untyped-def]
    assert _found(check_text, _old(template.format(value))) == []
    found = _found(check_text, _old(template.format(value + 1)))
    assert len(found) == 1 and fact in found[0].message and f"为 {value}（" in found[0].message


@pytest.mark.parametrize(("prose", "fires"), [
    ("用于政府信息公开的设备添置、维护及资料印制等费用共5万元。", False),   # seed 003
    ("政府信息公开专项经费50000元。", False),
    ("政府信息公开专项经费6万元。", True),
    ("政府信息公开工作经费5.5万元。", True),
    ("政府网站建设维护等政府信息公开经费30万元。", False),   # the appendix excludes website spending
    ("依申请公开政府信息未收取任何费用。", False),
])
def test_old_appendix_money(check_text, prose: str, fires: bool) -> None:  # type: ignore[no-untyped-def]
    found = _found(check_text, _old(prose))
    assert bool(found) is fires
    if fires:
        assert "专项经费" in found[0].message and "为 5万元" in found[0].message


def test_old_appendix_fees_stated_as_none(check_text) -> None:  # type: ignore[no-untyped-def]
    prose = "本年因政府信息公开申请未收取任何费用。"
    assert _found(check_text, _old(prose)) == []
    found = _found(check_text, _old(prose, fees=2))
    assert len(found) == 1 and "收取的费用" in found[0].message


@pytest.mark.parametrize("prose", [
    "通过政府网站主动公开政府信息6507条。",               # one channel, not the total
    "全县从事政府信息公开工作的全职人员为9人，兼职人员为99人。",   # another scope
    "全年收到群众举报投诉320件。",                        # not about disclosure work
    "组织干部培训12次，培训900人次。",                     # not about disclosure work
])
def test_old_appendix_silent(check_text, prose: str) -> None:  # type: ignore[no-untyped-def]
    assert _found(check_text, _old(prose)) == []


# ---------------------------------------------------------------------------- more facts (issue 14)
FORWARD = VALUES.t3["forward"]["total"]
NOT_AVAILABLE = sum(VALUES.t3[row]["total"] for row in ("c4_1", "c4_2", "c4_3"))


@pytest.mark.parametrize("prose", [
    # "all handled" while the table carries some forward
    "本年度收到的政府信息公开申请均已在法定期限内办结。",
    f"因信息不存在等原因无法提供{NOT_AVAILABLE + 2}件。",
])
def test_more_facts_fire(check_text, prose: str) -> None:  # type: ignore[no-untyped-def]
    assert FORWARD > 0
    text, _ = _report(prose)
    assert len(_found(check_text, text)) == 1


def test_a_statement_of_zero_without_a_number_shows_what_it_says(check_text) -> None:  # type: ignore[no-untyped-def]
    text, _ = _report("本年度收到的政府信息公开申请均已办结。")
    [found] = _found(check_text, text)
    assert "0（“申请均已办结”）" in found.message and f"为 {FORWARD}" in found.message


@pytest.mark.parametrize("prose", [
    f"因信息不存在等原因无法提供{NOT_AVAILABLE}件。",
    # only the carried-over ones are meant
    "上年结转的申请均已办结。",
    f"除{FORWARD}件结转下年度办理外，其余申请均已办结。",
])
def test_more_facts_silent(check_text, prose: str) -> None:  # type: ignore[no-untyped-def]
    text, _ = _report(prose)
    assert _found(check_text, text) == []


def _titled(check_text, title: str, prose: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    text, _ = _report(prose)
    first_line = text.split("\n", 1)[0]
    return _found(check_text, text.replace(first_line, title, 1))


def test_region_statements_count_in_the_region_governments_own_report(check_text) -> None:  # type: ignore[no-untyped-def]
    prose = f"全区共收到政府信息公开申请{NEW + 40}件。"
    assert len(_titled(check_text, "示范市示范区人民政府2022年政府信息公开工作年度报告", prose)) == 1
    # the office of that government, or a bureau, reports on itself: 全区 is another scope
    assert _titled(check_text, "示范市示范区人民政府办公室2022年政府信息公开工作年度报告", prose) == []
    assert _titled(check_text, "示范区发展和改革委员会2022年政府信息公开工作年度报告", prose) == []


def test_no_fee_charged_while_the_table_shows_an_amount(check_text) -> None:  # type: ignore[no-untyped-def]
    text, _ = _report("本年度未收取任何行政事业性收费。")
    found = _found(check_text, text)
    assert len(found) == 1 and "行政事业性收费" in found[0].message
