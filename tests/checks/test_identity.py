"""kind: identity over fake tables: failures with spans and labels, not checkable, shared cells."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_tables import TableText

from auditor.checks import identity
from auditor.diagnostics import Severity
from auditor.document import Document
from auditor.expr import Outcome, Term
from auditor.rulebook import Rulebook, RulebookError, load_rulebook
from auditor.structure import analyse

COLUMNS = [("natural", "自然人"), ("other", "其他"), ("total", "总计")]


def _setup(monkeypatch: pytest.MonkeyPatch, rulebook: Rulebook, rows: list, ids: tuple[str, ...]):  # type: ignore[no-untyped-def,type-arg]
    builder = TableText()
    builder.add_line("某局2021年政府信息公开工作年度报告")
    builder.add_table("t", rows, COLUMNS)
    report = analyse(Document("r.txt", builder.text), rulebook.detection)
    monkeypatch.setattr(identity, "report_tables", lambda _report: builder.tables)
    selected = Rulebook(tuple(rule for rule in rulebook.rules if rule.id in ids), rulebook.detection, {}, ())
    report.cache["rulebook"] = selected
    return builder, report, selected


RULES = """rules:
  - id: GK990
    name: row-total
    title: 行总计
    category: arithmetic
    severity: error
    kind: identity
    expression: 'for r in t.rows: t.r[total] == t.r[natural] + t.r[other]'
    words: 总计 = 自然人 + 其他
    not_checkable_message: &not-checkable "无法核对“{words}”：{count} 个单元格不是数字（{cells}）"
    shared_note: &shared-note "{cell}（{value}）同时出现在 {count} 个不成立的等式中，最可能是它填错了"
    more_note: &more-note "另有 {count} 处同一等式不成立"
    blank_word: &blank-word 空白
    texts: &texts {joiner: 、, more_cells: ' 等 {count} 格', listed: '{cell}“{raw}”', listed_blank: '{cell}（{blank}）',
                   quoted: '“{raw}”'}
    message: '{binding_label}：总计为 {total}，但 {parts_terms}={parts}'
  - id: GK991
    name: balance
    title: 平衡
    category: arithmetic
    severity: error
    kind: identity
    total: right
    expression: 'for c in t.columns: t.new[c] + t.old[c] == t.done[c]'
    words: 新收 + 结转 = 办结
    not_checkable_message: *not-checkable
    shared_note: *shared-note
    more_note: *more-note
    blank_word: *blank-word
    texts: *texts
    message: '{binding_label}列：{lhs_terms}={lhs}，但{rhs_label}{rhs}'
"""


@pytest.fixture()
def rulebook(tmp_path) -> Rulebook:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.yaml"
    path.write_text(RULES, encoding="utf-8")
    return load_rulebook([str(path)], builtin=False)


def _run(report, rulebook: Rulebook) -> list:  # type: ignore[no-untyped-def,type-arg]
    report.cache.pop(identity.CACHE_KEY, None)
    return [diagnostic for rule in rulebook.rules for diagnostic in identity.check(rule, report)]


def test_failed_row_points_at_the_total_and_labels_the_parts(monkeypatch, rulebook) -> None:  # type: ignore[no-untyped-def]
    rows = [("new", "一、新收", ["12", "0", "12"]), ("old", "二、结转", ["10", "1", "11"]),
            ("done", "三、办结", ["22", "1", "22"])]
    builder, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990", "GK991"))
    found = _run(report, selected)
    by_rule = {diagnostic.rule: diagnostic for diagnostic in found}
    assert sorted(by_rule) == ["GK990", "GK991"]
    row = by_rule["GK990"]
    assert row.message == "三、办结：总计为 22，但 22+1=23"
    total_cell = builder.tables["t"].cell("done", "total")
    assert (row.span.start_offset, row.span.end_offset) == (total_cell.start, total_cell.end)
    assert [label.message for label in row.labels] == ["三、办结 自然人 = 22", "三、办结 其他 = 1"]
    assert row.severity == Severity.ERROR and row.category == "arithmetic"
    # both failures share 三、办结·总计: the note names it
    assert any("三、办结·总计（22）" in note for note in row.notes)
    balance = by_rule["GK991"]
    assert balance.message.startswith("总计列：12+11=23")
    assert any("三、办结·总计" in note for note in balance.notes)


def test_consistent_table_is_silent(monkeypatch, rulebook) -> None:  # type: ignore[no-untyped-def]
    rows = [("new", "一", ["12", "0", "12"]), ("old", "二", ["10", "1", "11"]), ("done", "三", ["22", "1", "23"])]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990", "GK991"))
    assert _run(report, selected) == []


def test_not_checkable_is_one_diagnostic_listing_the_cells(monkeypatch, rulebook) -> None:  # type: ignore[no-untyped-def]
    rows = [("new", "一", ["", "0", "若干"]), ("old", "二", ["无", "1", "1"]), ("done", "三", ["0", "1", "1"])]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990",))
    found = _run(report, selected)
    assert len(found) == 1
    assert found[0].severity == Severity.INFO
    assert found[0].message == ("无法核对“总计 = 自然人 + 其他”：3 个单元格不是数字"
                                "（一·总计“若干”、一·自然人（空白）、二·自然人“无”）")
    assert [label.message for label in found[0].labels] == ["“空白”", "“无”"]


def test_not_checkable_names_the_first_cells_and_counts_all(monkeypatch, rulebook) -> None:  # type: ignore[no-untyped-def]
    rows = [(f"r{index}", f"行{index}", ["", "1", "1"]) for index in range(9)]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990",))
    (found,) = _run(report, selected)
    assert found.message.endswith("行7·自然人（空白） 等 9 格）") and "行8" not in found.message


def test_omitted_texts_fall_back_to_bare_values(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.yaml"
    bare = RULES.split("  - id: GK991")[0]
    bare = bare[: bare.index("    not_checkable_message")] + bare[bare.index("    message:"):]
    path.write_text(bare, encoding="utf-8")
    rulebook = load_rulebook([str(path)], builtin=False)
    rows = [("new", "一", ["", "0", "若干"]), ("old", "二", ["无", "1", "1"]), ("done", "三", ["0", "1", "1"])]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990",))
    (found,) = _run(report, selected)
    assert found.message == "总计 = 自然人 + 其他: 3 (一·总计 若干, 一·自然人 ∅, 二·自然人 无)"
    assert [label.message for label in found.labels] == ["∅", "无"]
    rows = [(f"r{index}", f"行{index}", ["", "1", "1"]) for index in range(9)]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990",))
    assert _run(report, selected)[0].message.endswith("行7·自然人 ∅ (+1))")
    rows = [(f"r{index}", f"行{index}", ["1", "1", "5"]) for index in range(9)]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990",))
    assert _run(report, selected)[-1].notes == ("+3",)


def test_bad_expression_is_a_rulebook_error_with_the_place(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text(RULES.replace("t.r[natural] + t.r[other]'", "t.r[natural] + + t.r[other]'"), encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook([str(path)], builtin=False)
    assert caught.value.line == 8 and "第 " in caught.value.problem and "^" in caught.value.problem


def test_many_failures_are_capped(monkeypatch, rulebook) -> None:  # type: ignore[no-untyped-def]
    rows = [(f"r{index}", f"行{index}", ["1", "1", "5"]) for index in range(9)]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990",))
    found = _run(report, selected)
    assert len(found) == 6 and "另有 3 处" in found[-1].notes[-1]


def test_when_present_skips_rows_the_table_lacks(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.yaml"
    path.write_text(RULES.split("  - id: GK991")[0].replace(
        "'for r in t.rows: t.r[total] == t.r[natural] + t.r[other]'",
        "'for r in [sub, a1]: t.r[total] == t.r[natural] + t.r[other]'\n    when_present: true"), encoding="utf-8")
    rulebook = load_rulebook([str(path)], builtin=False)
    rows = [("a1", "1.甲", ["1", "1", "2"])]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990",))
    assert _run(report, selected) == []


def test_no_note_when_failures_share_no_cell(monkeypatch, rulebook) -> None:  # type: ignore[no-untyped-def]
    rows = [("new", "一", ["1", "1", "5"]), ("old", "二", ["0", "0", "0"]), ("done", "三", ["1", "1", "5"])]
    _, report, selected = _setup(monkeypatch, rulebook, rows, ("GK990", "GK991"))
    found = _run(report, selected)
    assert [d.rule for d in found] == ["GK990", "GK990"]
    assert all(not d.notes for d in found)


# ---------------------------------------------------------------------------- the likely fix
def _fix_term(value: int) -> Term:
    from types import SimpleNamespace

    # the expression language reads a cell's value_class and value only
    return Term(1, "t3", "c7", "total", SimpleNamespace(value_class="NUMBER", value=value))


def _equality(left: list, right: list, status: str | None = None) -> Outcome:
    from decimal import Decimal

    def side(terms: list) -> tuple:
        return tuple(term if isinstance(term, Term) else Term(1, literal=Decimal(term)) for term in terms)

    lhs = sum((term.value for term in side(left)), Decimal(0))
    rhs = sum((term.value for term in side(right)), Decimal(0))
    return Outcome(status or ("pass" if lhs == rhs else "fail"), (), "==", side(left), side(right), lhs, rhs)


def test_likely_fix_is_the_one_value_that_makes_every_identity_hold() -> None:
    from decimal import Decimal

    from auditor.checks.identity import likely_fix

    total = _fix_term(11)
    outcomes = {"a": [_equality([10, 0], [total])], "b": [_equality([total], [4, 6])]}
    assert likely_fix(total, outcomes) == Decimal(10)


def test_no_likely_fix_when_the_identities_ask_for_different_values() -> None:
    from auditor.checks.identity import likely_fix

    total = _fix_term(11)
    outcomes = {"a": [_equality([10], [total])], "b": [_equality([total], [4, 5])]}
    assert likely_fix(total, outcomes) is None


def test_no_likely_fix_when_a_passing_identity_would_break() -> None:
    from auditor.checks.identity import likely_fix

    total = _fix_term(11)
    outcomes = {"a": [_equality([10], [total])], "b": [_equality([total], [5, 6])]}
    assert likely_fix(total, outcomes) is None


def test_the_faulty_example_names_the_likely_fix() -> None:
    from pathlib import Path

    from auditor.engine import check_path
    from auditor.rulebook import load_rulebook

    example = Path(__file__).parents[2] / "examples" / "report-2021-faulty.txt"
    result = check_path(str(example), load_rulebook())
    notes = [note for diagnostic in result.diagnostics if diagnostic.rule == "GK801" for note in diagnostic.notes]
    assert "若此格为 10，则这 3 个等式均成立" in notes
