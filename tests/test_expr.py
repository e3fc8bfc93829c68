"""The identity expression language: tokenizer and parser errors with offsets, evaluation."""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "checks"))
from fake_tables import TableText

from auditor import expr
from auditor.expr import ExprError, evaluate, evaluate_sum, parse, parse_sum, tokenize

COLUMNS = [("a", "甲"), ("b", "乙"), ("total", "总计")]


def _tables(rows: list[tuple[str, str, list[str]]]) -> dict:  # type: ignore[type-arg]
    builder = TableText()
    builder.add_table("t", rows, COLUMNS)
    return builder.tables


# ---------------------------------------------------------------------------- tokens and syntax
def test_tokenize_kinds_and_offsets() -> None:
    tokens = tokenize("t3.c3_1..c3_8[c] >= 0.01")
    assert [(token.kind, token.text, token.offset) for token in tokens] == [
        ("NAME", "t3", 0), ("OP", ".", 2), ("NAME", "c3_1", 3), ("OP", "..", 7), ("NAME", "c3_8", 9),
        ("OP", "[", 13), ("NAME", "c", 14), ("OP", "]", 15), ("OP", ">=", 17), ("NUMBER", "0.01", 20),
        ("END", "", 24),
    ]


@pytest.mark.parametrize(("source", "offset", "fragment"), [
    ("t.a[b] == 1 ; 2", 12, "无法识别的字符"),
    ("t.a[b] + == 1", 9, "单元格引用"),
    ("t.a[b] = 1", 7, "无法识别"),
    ("t.a[b] + 1", 10, "比较符"),
    ("t.a[b] == t.c[d] extra", 17, "多余"),
    ("t.a[b, c] == 1", 0, "sum"),
    ("sum t.a[b] == 1", 4, "'('"),
    ("t.x1..y3[b] == 1", 2, "同一前缀"),
    ("t.a[b] == 1 within x", 19, "容差"),
    ("for c in t.cells: t.a[c] == 1", 11, "TABLE.rows 或 TABLE.columns"),
    ("for in [a]: t.a[b] == 1", 4, "量词变量名"),
    ("   ", 0, "为空"),
])
def test_parse_errors_carry_the_offset(source: str, offset: int, fragment: str) -> None:
    with pytest.raises(ExprError) as caught:
        parse(source)
    assert caught.value.offset == offset
    assert fragment in caught.value.message
    assert caught.value.pointer().splitlines()[1] == " " * offset + "^"


def test_ranges_expand_by_numeric_suffix() -> None:
    identity = parse("t.x[a] == sum(t.c3_1..c3_3[a]) + sum(t.{p, q}[a, b])")
    right = identity.comparison.right
    assert isinstance(right, expr.BinaryOp)
    assert [key.name for key in right.left.rows] == ["c3_1", "c3_2", "c3_3"]  # type: ignore[union-attr]
    assert [key.name for key in right.right.rows] == ["p", "q"]  # type: ignore[union-attr]
    assert identity.tables == frozenset({"t"})


def test_never_evaluates_python() -> None:
    with pytest.raises(ExprError):
        parse("__import__('os').system('true') == 0")
    source = Path(expr.__file__).read_text(encoding="utf-8")
    for forbidden in ("eval(", "exec(", "literal_eval", "builtins.compile", " compile("):
        assert forbidden not in source


# ---------------------------------------------------------------------------- evaluation
ROWS = [("x", "甲行", ["1", "2", "3"]), ("y", "乙行", ["4", "0", "5"]), ("z", "丙行", ["", "无", "2"])]


def test_pass_fail_and_values() -> None:
    outcomes = evaluate(parse("for r in [x, y]: t.r[total] == t.r[a] + t.r[b]"), _tables(ROWS))
    assert [outcome.status for outcome in outcomes] == ["pass", "fail"]
    failed = outcomes[1]
    assert (failed.lhs, failed.rhs) == (Decimal(5), Decimal(4))
    assert [term.row + term.column for term in failed.terms] == ["ytotal", "ya", "yb"]
    assert failed.binding == (("r", "y"),)


def test_not_checkable_lists_the_cells_that_are_not_numbers() -> None:
    outcome = evaluate(parse("t.z[total] == t.z[a] + t.z[b] + t.w[a]"), _tables(ROWS))[0]
    assert outcome.status == "unknown"
    assert [(term.row, term.column, term.cell is None) for term in outcome.unreadable] == [
        ("z", "a", False), ("z", "b", False), ("w", "a", True)]


def test_columns_of_the_table_and_subtraction() -> None:
    identity = parse("for c in t.columns: t.x[c] + t.y[c] - t.y[c] == t.x[c]")
    assert [outcome.status for outcome in evaluate(identity, _tables(ROWS))] == ["pass"] * 3


def test_inequality_and_tolerance() -> None:
    tables = _tables([("m", "金额", ["1.005", "1.00", "0.5"])])
    assert evaluate(parse("t.m[a] == t.m[b] within 0.01"), tables)[0].status == "pass"
    assert evaluate(parse("t.m[a] == t.m[b]"), tables)[0].status == "fail"
    assert evaluate(parse("t.m[a] == t.m[b]"), tables, Decimal("0.01"))[0].status == "pass"
    assert evaluate(parse("t.m[a] >= t.m[b] + t.m[total]"), tables)[0].status == "fail"
    assert evaluate(parse("t.m[total] <= t.m[a]"), tables)[0].status == "pass"


def test_absent_table_gives_nothing_to_check() -> None:
    assert evaluate(parse("u.x[a] == 1"), _tables(ROWS)) == []


def test_bare_sums_for_narrative_values() -> None:
    expression = parse_sum("t.x[a] + t.y[a] - 1")
    value, terms = evaluate_sum(expression, _tables(ROWS))
    assert value == Decimal(4) and [term.sign for term in terms] == [1, 1, -1]
    assert evaluate_sum(parse_sum("t.z[a]"), _tables(ROWS))[0] is None
    with pytest.raises(ExprError) as caught:
        parse_sum("t.x[a] == 1")
    assert caught.value.offset == 7


# ---------------------------------------------------------------------------- the evaluation plan
def _walked_terms(node: expr.Expr, sign: int, binding: dict[str, str], tables: dict) -> list[expr.Term]:  # type: ignore[type-arg]
    """The terms by walking the AST recursively (how evaluation worked before the addends were
    compiled into a flat plan): the reference the plan must reproduce term for term."""
    if isinstance(node, expr.Literal):
        return [expr.Term(sign, literal=node.value)]
    if isinstance(node, expr.BinaryOp):
        right_sign = sign if node.op == "+" else -sign
        return _walked_terms(node.left, sign, binding, tables) + _walked_terms(node.right, right_sign, binding, tables)
    table = tables[node.table]
    return [expr.Term(sign, node.table, binding.get(row.name, row.name), binding.get(column.name, column.name),
                      table.cell(binding.get(row.name, row.name), binding.get(column.name, column.name)))
            for row in node.rows for column in node.columns]


def _random_sum(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice(["t.r1[a]", "t.r2[b]", "t.r3[total]", "t.x[a]", "t.r1[x]", "t.r9[a]", "7", "0.5",
                           "sum(t.{r1, r2}[a, b])", "sum(t.r1..r3[x, total])"])
    if roll < 0.45:
        return f"({_random_sum(rng, depth + 1)})"
    return f"{_random_sum(rng, depth + 1)} {rng.choice('+-')} {_random_sum(rng, depth + 1)}"


def test_the_flat_plan_gives_the_terms_of_the_tree_walk() -> None:
    rng = random.Random(7)
    values = ["1", "2", "", "无", "3", "0", "x", "12"]
    for _ in range(300):
        rows = [(key, label, [rng.choice(values) for _ in COLUMNS])
                for key, label in (("r1", "一"), ("r2", "二"), ("r3", "三"))]
        tables = _tables(rows)
        source = f"for x in [r1, r2, a]: {_random_sum(rng)} {rng.choice(['==', '>=', '<='])} {_random_sum(rng)}"
        identity = parse(source)
        for binding in ({"x": "r1"}, {"x": "a"}, {}):
            for side in (identity.comparison.left, identity.comparison.right):
                assert expr._terms(side, -1, binding, tables) == _walked_terms(side, -1, binding, tables), source
        outcomes = evaluate(identity, tables)
        assert len(outcomes) == 3
        for outcome in outcomes:
            binding = dict(outcome.binding)
            assert outcome.left == tuple(_walked_terms(identity.comparison.left, 1, binding, tables))
            assert outcome.right == tuple(_walked_terms(identity.comparison.right, 1, binding, tables))
