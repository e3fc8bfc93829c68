"""Hostile rulebooks, configs, expressions and baselines: a located Chinese error (exit 2), never a
traceback, a hang or gigabytes of memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from auditor.baseline import load as load_baseline
from auditor.checks import render_template
from auditor.cli import EXIT_USAGE, main
from auditor.config import ConfigError, load_config_file
from auditor.expr import ExprError, parse
from auditor.rulebook import RulebookError, load_rulebook
from auditor.safe_yaml import YamlProblem, load_marked

CLEAN = Path(__file__).parent.parent / "examples" / "report-2021-clean.txt"
RULE = """rules:
  - id: GK990
    name: local-rule
    title: 本地规则
    category: placeholder
    severity: warning
    message: "{message}"
    kind: pattern
    patterns: ['占位']
"""


def _rulebook_error(tmp_path: Path, text: str) -> RulebookError:
    path = tmp_path / "local.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook([str(path)])
    return caught.value


@pytest.mark.parametrize(("text", "expected"), [
    ("a: &x [1, *x]\n", "递归别名"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", "合并键"),
    ("rules:\n  1: x\n", "键必须是字符串"),
    ("rules:\n  [a]: x\n", "键必须是字符串"),
    ("a: 1\na: 2\n", "重复"),
    ("a:" + " [" * 80 + " ]" * 80 + "\n", "嵌套超过"),
])
def test_yaml_limits_are_located_problems(text: str, expected: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        load_marked(text)
    assert expected in caught.value.problem and caught.value.line is not None


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]" for level in range(1, 10)]
    with pytest.raises(YamlProblem) as caught:
        load_marked("\n".join(lines) + "\n")
    assert "别名" in caught.value.problem or "节点超过" in caught.value.problem


def test_rulebook_problems_name_file_line_and_column(tmp_path: Path) -> None:
    error = _rulebook_error(tmp_path, "base: &b {x: 1}\nrules:\n  - <<: *b\n")
    assert (error.line, error.column) == (3, 5) and "合并键" in str(error) and "local.yaml:3:5" in str(error)
    error = _rulebook_error(tmp_path, RULE.format(message="{match.__init__.__globals__}"))
    assert error.line == 7 and "只能是一个名称" in error.problem
    for template in ("{0}", "{cells[0]}", "{value:>99999}", "{value!r}", "{value:{width}}", "未闭合 {"):
        assert _rulebook_error(tmp_path, RULE.format(message=template.replace('"', ""))).line == 7, template
    path = tmp_path / "ok.yaml"
    path.write_text(RULE.format(message="发现 {match:>10}"), encoding="utf-8")
    assert load_rulebook([str(path)]).rule("GK990") is not None


def test_templates_fill_named_fields_only() -> None:
    filled = render_template("{a.__class__}|{b[0]}|{0}|{c:>100000}|{d:>3}", {"a": 1, "b": [1], "c": 2, "d": 4})
    assert filled == "{a.__class__}|{b[0]}|{0}|2|  4"


def _formatted(template: str, values: dict[str, object]) -> str:
    """What the full formatter makes of ``template`` (render_template's answer for every template)."""
    from auditor.checks import _named_fields_only, _Template

    try:
        return str(_named_fields_only().vformat(template, (), _Template(values)))
    except (ValueError, IndexError, TypeError):
        return template


@pytest.mark.parametrize("template", ["正文说{fact} {number}", "{a}{{b}}{c}", "{missing} {a}", "{a!r}", "{", "}}",
                                      "{a:{b}}", "plain", "{a}{a}", "", "{a:}", "{a!}", "{ a}", "{}", "}{", "{{}}"])
def test_plain_templates_fill_as_the_formatter_does(template: str) -> None:
    from decimal import Decimal

    values = {"fact": "申请", "number": Decimal("1.50"), "a": "A", "b": "5", "c": None}
    assert render_template(template, values) == _formatted(template, values)


@given(st.text(alphabet="ab{}!:.[]0 _中", max_size=14))
def test_any_template_fills_as_the_formatter_does(template: str) -> None:
    """The plain-field reader (no string.Formatter on the usual path) agrees with the formatter."""
    values: dict[str, object] = {"a": "A", "b": 5, "ab": None, "_": "-"}
    assert render_template(template, values) == _formatted(template, values)


def test_catastrophic_rulebook_regex_cannot_hang(tmp_path: Path) -> None:
    error = _rulebook_error(tmp_path, RULE.format(message="x").replace("['占位']", "['(a+)+$']"))
    assert error.line == 9 and "回溯" in error.problem


@pytest.mark.parametrize("source", [
    "(" * 500 + "1" + ")" * 500 + " == 1",
    "1" * 100_000 + " == 1",
    "t.a1..a" + "9" * 1_000 + "[x] == 1",
    "1" + " + 1" * 2_000 + " == 1",
    "1" * 40 + " == 1",
])
def test_expression_parser_is_bounded(source: str) -> None:
    with pytest.raises(ExprError):
        parse(source)


def _config_error(tmp_path: Path, name: str, text: str) -> ConfigError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    load_config_file.cache_clear()
    with pytest.raises(ConfigError) as caught:
        load_config_file(path)
    return caught.value


def test_config_errors_are_chinese_and_located(tmp_path: Path) -> None:
    error = _config_error(tmp_path, "gk-audit.yaml", "select: [GK201]\nfail-on: eror\n")
    assert (error.line, error.column) == (2, 10) and "是不是 “error”" in str(error)
    error = _config_error(tmp_path, "gk-audit.yaml", "selct: [GK201]\n")
    assert error.line == 1 and "未知的键 “selct”" in str(error) and "是不是 “select”" in str(error)
    error = _config_error(tmp_path, "gk-audit.yaml", 'per-path:\n  "a/**": [GK201]\n')
    assert error.line == 2 and "应为映射" in str(error)
    error = _config_error(tmp_path, "gk-audit.yaml", "year: 20x3\n")
    assert "gk-audit.yaml:1:7" in str(error) and "应为整数" in str(error)
    error = _config_error(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.gk-audit]\nfail-on = "eror"\n')
    assert (error.line, error.column) == (5, 1) and "不是可选值" in str(error)
    error = _config_error(tmp_path, "pyproject.toml", "[tool.gk-audit]\nfail-on = \n")
    assert error.line == 2 and "TOML 语法错误" in str(error)
    error = _config_error(tmp_path, "pyproject.toml", "a = " + "[" * 3000 + "]" * 3000 + "\n")
    assert "嵌套过深" in str(error)
    error = _config_error(tmp_path, "gk-audit.yaml", "a: &x [1, *x]\n")
    assert error.line == 1 and "递归别名" in str(error)


def test_pyproject_with_a_scalar_tool_has_no_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("tool = 5\n", encoding="utf-8")
    load_config_file.cache_clear()
    assert load_config_file(tmp_path / "pyproject.toml") is None


@pytest.mark.parametrize("text", [
    '{"tool": "gk-audit", "version": 1, "entries": [{"path": "a", "rule": "GK1", "fingerprint": "f", '
    '"count": Infinity}]}',
    '{"tool": "gk-audit", "version": 1, "entries": [{"path": "a", "rule": "GK1", "fingerprint": "f", '
    '"count": 1e400}]}',
    '{"tool": "gk-audit", "version": 1, "entries": [{"path": "a", "rule": "GK1", "fingerprint": "f", "count": NaN}]}',
    '{"tool": "gk-audit", "version": 1, "entries": [{"path": ["a"], "rule": "GK1", "fingerprint": "f", "count": 1}]}',
    "[" * 100_000 + "]" * 100_000,
    '{"version": 1, "entries": [}',
])
def test_baseline_problems_are_config_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_baseline(str(path))


def test_loader_problems_exit_2_with_a_message(tmp_path: Path) -> None:
    rulebook = tmp_path / "bomb.yaml"
    rulebook.write_text("a: &x [1, *x]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--rulebook", str(rulebook), str(CLEAN)])
    assert result.exit_code == EXIT_USAGE and "bomb.yaml:1:" in result.output and "Traceback" not in result.output
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"version": 1, "entries": [{"count": Infinity}]}', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--baseline", str(baseline), str(CLEAN)])
    assert result.exit_code == EXIT_USAGE and "基线" in result.output


def test_suppressions_files_use_the_safe_loader(tmp_path: Path) -> None:
    from auditor.suppressions import load_suppressions

    path = tmp_path / "gk-audit-suppressions.yaml"
    path.write_text("base: &b {path: a.txt}\nsuppressions:\n  - <<: *b\n    rule: GK201\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_suppressions(path)
    assert caught.value.line == 3 and "合并键" in str(caught.value)
    path.write_text("suppressions:\n  - path: a.txt\n    rule: GK201\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_suppressions(path)
    assert caught.value.line == 2 and "reason" in str(caught.value)
    path.write_text("- path: a.txt\n  rule: GK201\n  reason: 样本\n", encoding="utf-8")
    assert load_suppressions(path).entries[0].line == 1
