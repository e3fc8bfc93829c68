from pathlib import Path

import pytest

from auditor.rulebook import RulebookError, load_rulebook

VALID_RULE = """
  - id: GK999
    name: test-rule
    title: 测试
    category: placeholder
    severity: error
    kind: pattern
    patterns: ['测试占位']
    message: 发现“{match}”
"""


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _error(tmp_path: Path, text: str) -> RulebookError:
    with pytest.raises(RulebookError) as caught:
        load_rulebook([_write(tmp_path, text)])
    return caught.value


def test_builtin_rulebook_loads_with_unique_ids(rulebook) -> None:  # type: ignore[no-untyped-def]
    ids = [rule.id for rule in rulebook.rules]
    assert len(ids) == len(set(ids))
    assert rulebook.rule("GK201") is not None
    assert rulebook.rule("placeholder-left") is rulebook.rule("GK201")


def test_bad_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    error = _error(tmp_path, "rules:\n  - id: GK999\n    name: [unclosed\n")
    assert error.path.endswith("extra.yaml") and error.line is not None and error.column is not None
    assert "YAML" in error.problem


def test_unknown_kind_is_located(tmp_path: Path) -> None:
    error = _error(tmp_path, "rules:" + VALID_RULE.replace("kind: pattern", "kind: nonsense"))
    assert error.line == 7
    assert "nonsense" in error.problem


def test_missing_field_is_reported(tmp_path: Path) -> None:
    error = _error(tmp_path, "rules:" + VALID_RULE.replace("    message: 发现“{match}”\n", ""))
    assert "message" in error.problem and error.line == 2


def test_bad_regex_points_at_the_pattern(tmp_path: Path) -> None:
    error = _error(tmp_path, "rules:" + VALID_RULE.replace("['测试占位']", "['测试(占位']"))
    assert error.line == 8
    assert "正则" in error.problem


def test_schema_violation_is_located(tmp_path: Path) -> None:
    error = _error(tmp_path, "rules:" + VALID_RULE.replace("category: placeholder", "category: nonsense"))
    assert error.line == 5 and "category" in error.problem


def test_bad_kind_parameter_is_located(tmp_path: Path) -> None:
    error = _error(tmp_path, "rules:" + VALID_RULE.replace("kind: pattern", "kind: pattern\n    per: sometimes"))
    assert error.line == 8 and "sometimes" in error.problem


def test_user_rulebook_adds_and_overrides_by_id(tmp_path: Path) -> None:
    text = "rules:" + VALID_RULE + "  - id: GK201\n    severity: warning\n"
    rulebook = load_rulebook([_write(tmp_path, text)])
    assert rulebook.rule("GK999") is not None
    override = rulebook.rule("GK201")
    assert override is not None and override.severity.label == "warning" and override.kind == "pattern"


def test_duplicate_id_in_one_file_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, "rules:" + VALID_RULE + VALID_RULE.replace("test-rule", "other-rule"))
    assert "重复" in error.problem


@pytest.mark.parametrize(("text", "line", "words"), [
    ("detection: {eras: 5}", 1, "array"),
    ("detection:\n  headings:\n    - {level: x, pattern: 'a'}\n", 3, "integer"),
    ("detection:\n  eras:\n    - {era: old}\n", 3, "years"),
    ("detection:\n  nonsense: 1\n", 2, "nonsense"),
    ("detection:\n  title: {pattern: '(unclosed'}\n", 2, "正则"),
])
def test_bad_detection_block_is_located(tmp_path: Path, text: str, line: int, words: str) -> None:
    error = _error(tmp_path, text)
    assert error.line == line and words in error.problem
