"""A part heading with a typo is that part, with one warning naming the difference (GK103 near_titles)."""

from __future__ import annotations

from pathlib import Path

import pytest

CLEAN = (Path(__file__).parent.parent.parent / "examples" / "report-2021-clean.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("right", "wrong", "difference"), [
    ("四、政府信息公开行政复议", "四、政府信息公开行政附议", "“附”应为“复”"),
    ("二、主动公开政府信息情况", "二、主东公开政府信心情况", "“东”应为“动”，“心”应为“息”"),
    ("五、存在的主要问题", "五、存在的主要问提", "“提”应为“题”"),
    ("一、总体情况", "一、总情况", "缺“体”"),
    ("六、其他需要报告的事项", "六、其它需要报告的事项", "“它”应为“他”"),
    ("四、政府信息公开行政复议", "四，政府信息公开行政复议", "“，”应为“、”"),
    ("四、政府信息公开行政复议", "四政府信息公开行政复议", "缺“、”"),
])
def test_misspelt_part_is_that_part_with_one_warning(check_text, right: str, wrong: str,  # type: ignore[no-untyped-def]
                                                     difference: str) -> None:
    assert right in CLEAN
    found = check_text(CLEAN.replace(right, wrong, 1)).diagnostics
    structure = [(d.rule, d.severity.label, d.message) for d in found if d.category in ("structure", "numbering")]
    assert len(structure) == 1, structure
    rule, severity, message = structure[0]
    assert (rule, severity) == ("GK103", "warning") and message.endswith(difference)
    assert not [d for d in found if d.category in ("table", "arithmetic")]


def test_far_from_the_title_is_still_missing(check_text) -> None:  # type: ignore[no-untyped-def]
    found = check_text(CLEAN.replace("四、政府信息公开行政复议、行政诉讼情况", "四、本局信访工作情况", 1)).diagnostics
    assert [d.severity.label for d in found if d.rule == "GK103"] == ["error"]


def test_the_statutory_titles_give_no_warning(check_text) -> None:  # type: ignore[no-untyped-def]
    assert not [d for d in check_text(CLEAN).diagnostics if d.rule == "GK103"]


def test_a_period_after_the_ordinal_is_accepted(check_text) -> None:  # type: ignore[no-untyped-def]
    found = check_text(CLEAN.replace("四、政府信息公开行政复议", "四.政府信息公开行政复议", 1)).diagnostics
    assert not [d for d in found if d.category in ("structure", "numbering")]
