"""kind: rate_claim — 办结率 stated beside counts that make it impossible (built-in rule GK834)."""

from __future__ import annotations

import pytest

from auditor.checks.rate_claim import prepare
from auditor.rulebook import ParamError

HEAD = "示范区民政局2016年政府信息公开工作年度报告\n一、概述\n"


def _found(check_text, sentence: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [d for d in check_text(HEAD + sentence + "\n").diagnostics if d.rule == "GK834"]


def test_closed_above_received_with_a_full_rate_is_a_warning_on_the_rate(check_text) -> None:  # type: ignore[no-untyped-def]
    sentence = "全年共受理政府信息公开申请十二件，办结十五件，办结率100%。"
    found = _found(check_text, sentence)
    assert [(d.severity.label, d.category) for d in found] == [("warning", "arithmetic")]
    rate_at = len(HEAD) + sentence.index("办结率")
    assert found[0].span.start_offset == rate_at
    assert [label.message for label in found[0].labels] == ["办结 15 件", "受理 12 件"]
    assert "办结 15 件多于受理 12 件" in found[0].message


@pytest.mark.parametrize("sentence", [
    "全年共受理政府信息公开申请12件，办结12件，办结率100%。",
    "全年共受理政府信息公开申请12件，办结10件，其余2件结转下年度办理，办结率83.3%。",
    # the cases closed include those carried over: not a contradiction
    "全年共受理申请12件，连同上年结转的3件，办结15件，办结率100%。",
    # a rate without the counts, and no table: nothing to compare
    "依申请公开工作规范有序，办结率100%。",
])
def test_consistent_or_uncheckable_claims_are_silent(check_text, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert _found(check_text, sentence) == []


def test_a_pattern_without_its_field_is_a_rulebook_error() -> None:
    with pytest.raises(ParamError):
        prepare({"claim": "办结率100%", "part": "办结{number}件", "whole": "受理{number}件"})
