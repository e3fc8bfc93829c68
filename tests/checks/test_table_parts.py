"""kind: table_parts — a total and its 其中 rows in the old era's local tables (GK832, GK833)."""

from __future__ import annotations

HEAD = ("示范县农业局2011年政府信息公开工作年度报告\n一、概述\n本局认真贯彻《条例》。\n\n"
        "政府信息公开工作情况统计表\n指标 | 单位 | 本年度 | 历年累计 |\n")


def _found(check_text, rows: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    result = check_text(HEAD + rows)
    return [(d.rule, d.message) for d in result.diagnostics if d.rule in ("GK832", "GK833")]


def test_a_channel_above_the_total_is_one_warning_per_column(check_text) -> None:  # type: ignore[no-untyped-def]
    rows = "主动公开信息数 | 条 | 100 | 500 |\n其中：网站公开数 | 条 | 120 | 520 |\n政府公报公开数 | 条 | 10 | 40 |\n"
    assert [rule for rule, _ in _found(check_text, rows)] == ["GK832", "GK832"]


def test_a_part_above_an_exhaustive_total_is_reported_once_by_the_sum(check_text) -> None:  # type: ignore[no-untyped-def]
    rows = ("申请总数 | 件 | 10 | 30 |\n其中：当面申请数 | 件 | 12 | 20 |\n网上申请数 | 件 | 0 | 10 |\n"
            "对申请的答复总数 | 件 | 10 | 30 |\n")
    found = _found(check_text, rows)
    assert [rule for rule, _ in found] == ["GK833"]
    assert "12+0 = 12" in found[0][1]


def test_a_shortfall_beside_an_unknown_row_is_not_reported(check_text) -> None:  # type: ignore[no-untyped-def]
    rows = ("申请总数 | 件 | 10 | 30 |\n其中：当面申请数 | 件 | 4 | 20 |\n网上申请数 | 件 | 4 | 8 |\n"
            "政务服务热线转来申请数 | 件 | 2 | 2 |\n对申请的答复总数 | 件 | 10 | 30 |\n")
    assert _found(check_text, rows) == []
    closed = rows.replace("政务服务热线转来申请数 | 件 | 2 | 2 |\n", "")
    assert [message.split("：")[0] for _, message in _found(check_text, closed)] == ["本年度列", "历年累计列"]
