"""kind: narrative — prose numbers against the table cells that hold them (built-in rule GK901)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
from reportgen import consistent_values, render

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
