"""Load and validate YAML rulebooks; the Rule and Rulebook model; era/profile selection.

A rulebook file has ``rules:`` (a list of rules), and optionally ``detection:`` (how titles,
years, headings and table regions are recognised) and ``tables:`` (table definitions). The
built-in rulebook is every ``rules/*.yaml`` file, ``common.yaml`` first. A user rulebook given with
``--rulebook`` adds rules, or overrides built-in rules field by field when it reuses an id.

Every error names the file, the line and column of the offending YAML node and what is wrong,
and is raised as RulebookError (the CLI exits 2).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditor.diagnostics import Severity

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
BUILTIN_RULES_DIR = PACKAGE_ROOT / "rules"
SCHEMA_DIR = PACKAGE_ROOT / "schemas"
ERAS = ("old", "2019", "2021")

# keys every rule has; all other keys of a rule are the parameters of its kind
COMMON_RULE_KEYS = frozenset(
    {"id", "name", "title", "category", "severity", "message", "help", "basis", "applies_to",
     "kind", "examples", "description", "enabled", "implied"}
)

YamlPath = tuple[str | int, ...]


class RulebookError(Exception):
    """A rulebook cannot be used. The message names file, line, column and the problem."""

    def __init__(self, path: str, line: int | None, column: int | None, problem: str) -> None:
        self.path, self.line, self.column, self.problem = path, line, column, problem
        where = f"{path}:{line}:{column}" if line is not None else path
        super().__init__(f"{where}: 规则库错误: {problem}")


class ParamError(Exception):
    """Raised by a kind's ``prepare`` for a bad parameter; ``path`` is relative to the rule."""

    def __init__(self, path: YamlPath, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(problem)


# ---------------------------------------------------------------------------- YAML with marks
def _load_yaml_with_marks(path: str, text: str) -> tuple[Any, dict[YamlPath, tuple[int, int]]]:
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader_class)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise RulebookError(path, line, column, f"YAML 语法错误: {error.problem}") from error
    except yaml.YAMLError as error:
        raise RulebookError(path, None, None, f"YAML 错误: {error}") from error
    marks: dict[YamlPath, tuple[int, int]] = {}
    constructor = yaml.SafeLoader("")

    def build(node: yaml.Node, node_path: YamlPath) -> Any:
        marks[node_path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            data: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True)
                if isinstance(key, int | float | bool):
                    key = str(key).lower() if isinstance(key, bool) else str(key)
                data[key] = build(value_node, (*node_path, key))
            return data
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*node_path, index)) for index, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    data = build(root, ()) if root is not None else None
    return data, marks


def _mark(marks: Mapping[YamlPath, tuple[int, int]], node_path: YamlPath) -> tuple[int | None, int | None]:
    for cut in range(len(node_path), -1, -1):
        found = marks.get(tuple(node_path[:cut]))
        if found:
            return found
    return None, None


# ---------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    category: str
    severity: Severity
    message: str
    kind: str
    help: str = ""
    basis: str = ""
    description: str = ""
    implied: bool = False
    severity_by_era: Mapping[str, Severity] = field(default_factory=dict)
    eras: frozenset[str] = frozenset(ERAS)
    years: tuple[int, int] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    compiled: Any = None
    examples: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    enabled: bool = True

    def applies(self, era: str | None, year: int | None) -> bool:
        if era is not None and era not in self.eras:
            return False
        if self.years is not None and year is not None:
            return self.years[0] <= year <= self.years[1]
        return True

    def severity_for(self, era: str | None) -> Severity:
        if era is not None and era in self.severity_by_era:
            return self.severity_by_era[era]
        return self.severity

    def eras_label(self) -> str:
        eras = [era for era in ERAS if era in self.eras]
        label = ",".join(eras) if len(eras) < len(ERAS) else "all"
        if self.years:
            label += f" ({self.years[0]}–{self.years[1]})"
        return label


@dataclass(frozen=True)
class Rulebook:
    rules: tuple[Rule, ...]
    detection: Mapping[str, Any]
    tables: Mapping[str, Any]
    files: tuple[str, ...]

    def rule(self, key: str) -> Rule | None:
        for rule in self.rules:
            if key in (rule.id, rule.name):
                return rule
        return None

    def by_kind(self, kind: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind == kind)


# ---------------------------------------------------------------------------- validation
def _schema() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "rulebook.schema.json").read_text(encoding="utf-8"))


def _validate_file(path: str, data: Any, marks: Mapping[YamlPath, tuple[int, int]]) -> None:
    import jsonschema  # imported only when a rulebook has to be validated

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda error: list(map(str, error.absolute_path)))
    if errors:
        error = jsonschema.exceptions.best_match(errors) or errors[0]
        node_path = tuple(error.absolute_path)
        line, column = _mark(marks, node_path)
        where = "/".join(map(str, node_path)) or "(顶层)"
        raise RulebookError(path, line, column, f"{where}: {error.message}")


def _parse_severity(value: Any) -> tuple[Severity, dict[str, Severity]]:
    if isinstance(value, str):
        return Severity.parse(value), {}
    by_era = {str(era): Severity.parse(level) for era, level in value.items() if era != "default"}
    default = Severity.parse(value.get("default", "error")) if "default" in value else max(by_era.values())
    return default, by_era


def _build_rule(path: str, index: int, raw: Mapping[str, Any], marks: Mapping[YamlPath, tuple[int, int]],
                validate_params: bool = True) -> Rule:
    from auditor.checks import deferred_compiling, kind_module

    rule_path: YamlPath = ("rules", index)
    try:
        module = kind_module(raw["kind"])
    except KeyError:
        line, column = _mark(marks, (*rule_path, "kind"))
        from auditor.checks import KINDS

        problem = f"规则 {raw['id']}: 未知的检查类型 kind: {raw['kind']!r}（可用: {', '.join(KINDS)}）"
        raise RulebookError(path, line, column, problem) from None
    params = {key: value for key, value in raw.items() if key not in COMMON_RULE_KEYS}
    param_schema = getattr(module, "PARAMS_SCHEMA", None)
    if param_schema is not None and validate_params:
        import jsonschema

        schema = {"type": "object", "additionalProperties": False, **param_schema}
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(params))
        if errors:
            error = jsonschema.exceptions.best_match(errors) or errors[0]
            node_path = (*rule_path, *error.absolute_path)
            line, column = _mark(marks, node_path)
            raise RulebookError(path, line, column, f"规则 {raw['id']} (kind: {raw['kind']}): {error.message}")
    try:
        with deferred_compiling(not validate_params):  # a validated file's regexes compile on first use
            compiled = module.prepare(params) if hasattr(module, "prepare") else None
    except ParamError as error:
        line, column = _mark(marks, (*rule_path, *error.path))
        raise RulebookError(path, line, column, f"规则 {raw['id']}: {error.problem}") from error
    severity, severity_by_era = _parse_severity(raw["severity"])
    applies = raw.get("applies_to") or {}
    years = applies.get("years")
    return Rule(
        id=raw["id"], name=raw["name"], title=raw["title"], category=raw["category"],
        severity=severity, severity_by_era=severity_by_era, message=raw["message"], kind=raw["kind"],
        help=raw.get("help", ""), basis=raw.get("basis", ""), description=raw.get("description", ""),
        implied=bool(raw.get("implied", False)),
        eras=frozenset(map(str, applies.get("eras", ERAS))),
        years=(int(years[0]), int(years[1])) if years else None,
        params=params, compiled=compiled, examples=raw.get("examples", {}), source=path,
        enabled=bool(raw.get("enabled", True)),
    )


# ---------------------------------------------------------------------------- loading
@dataclass
class _RawFile:
    path: str
    data: dict[str, Any]
    marks: dict[YamlPath, tuple[int, int]]


def _read_raw(path: Path) -> _RawFile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulebookError(str(path), None, None, f"无法读取规则库文件（{error.strerror or error}）") from error
    except UnicodeDecodeError as error:
        raise RulebookError(str(path), None, None, "规则库文件不是 UTF-8 编码") from error
    data, marks = _load_yaml_with_marks(str(path), text)
    if not isinstance(data, dict):
        raise RulebookError(str(path), 1, 1, "规则库必须是一个映射（含 rules: 列表）")
    return _RawFile(str(path), data, marks)


def builtin_rule_files() -> list[Path]:
    files = sorted(BUILTIN_RULES_DIR.glob("*.yaml"))
    return sorted(files, key=lambda file: (file.name != "common.yaml", file.name))


def _validated_stamp(files: Iterable[Path]) -> Path:
    digest = hashlib.sha256()
    for file in [*files, SCHEMA_DIR / "rulebook.schema.json"]:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    cache_home = Path(os.environ.get("GK_AUDIT_CACHE_DIR") or Path.home() / ".cache" / "gk-audit")
    return cache_home / "validated" / digest.hexdigest()[:32]


def _merge_rule(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    merged.update(override)
    return merged


def load_rulebook(extra_paths: Iterable[str] = (), builtin: bool = True) -> Rulebook:
    """Load the built-in rulebook plus ``extra_paths`` (later files override earlier ids)."""
    paths = builtin_rule_files() if builtin else []
    raw_files = [_read_raw(path) for path in paths]
    builtin_validated = False
    if raw_files:
        stamp = _validated_stamp(paths)
        builtin_validated = stamp.exists()
    user_files = [_read_raw(Path(path)) for path in extra_paths]
    for raw in ([] if builtin_validated else raw_files) + user_files:
        _validate_file(raw.path, raw.data, raw.marks)
    trusted = {raw.path for raw in raw_files} if builtin_validated else set()
    rulebook = _assemble(raw_files + user_files, len(raw_files), trusted)
    if raw_files and not builtin_validated and not user_files:
        _touch(stamp)  # only once the built-in files alone passed every check, parameters included
    return rulebook


def _touch(stamp: Path) -> None:
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:
        pass  # a read-only home only costs validation time


def _checked_block(raw: _RawFile, key: str, check: Callable[[Any], object]) -> dict[str, Any]:
    """The file's ``key`` block after ``check`` accepted it; a ParamError becomes a located error."""
    block: dict[str, Any] = raw.data.get(key) or {}
    try:
        check(block)
    except ParamError as error:
        line, column = _mark(raw.marks, (key, *error.path))
        raise RulebookError(raw.path, line, column, f"{key}: {error.problem}") from error
    return block


def _assemble(raw_files: list[_RawFile], builtin_count: int, trusted: set[str]) -> Rulebook:
    """Merge the files into rules; ``trusted`` files passed validation before (their parameters
    are not validated again: jsonschema is slow to import and the built-in rules rarely change)."""
    from auditor.structure.detection import compile_detection
    from auditor.structure.table_spec import validate_tables

    order: list[str] = []
    entries: dict[str, tuple[_RawFile, int, dict[str, Any]]] = {}
    detection: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    for file_index, raw in enumerate(raw_files):
        detection.update(_checked_block(raw, "detection", compile_detection))
        tables.update(_checked_block(raw, "tables", validate_tables))
        is_user_file = file_index >= builtin_count
        for index, rule_data in enumerate(raw.data.get("rules") or []):
            rule_id = rule_data["id"]
            if rule_id in entries and is_user_file and entries[rule_id][0] is not raw:
                entries[rule_id] = (raw, index, _merge_rule(entries[rule_id][2], rule_data))
                continue
            if rule_id in entries:
                line, column = _mark(raw.marks, ("rules", index, "id"))
                raise RulebookError(raw.path, line, column, f"规则编号 {rule_id} 重复")
            missing = [key for key in ("name", "title", "category", "severity", "message", "kind")
                       if key not in rule_data]
            if missing:
                line, column = _mark(raw.marks, ("rules", index))
                raise RulebookError(raw.path, line, column, f"新规则 {rule_id} 缺少字段: {', '.join(missing)}")
            order.append(rule_id)
            entries[rule_id] = (raw, index, dict(rule_data))
    rules = []
    for rule_id in order:
        raw, index, rule_data = entries[rule_id]
        rules.append(_build_rule(raw.path, index, rule_data, raw.marks, validate_params=raw.path not in trusted))
    names: dict[str, str] = {}
    for rule in rules:
        if rule.name in names and names[rule.name] != rule.id:
            raise RulebookError(rule.source, None, None, f"规则名 {rule.name} 同时用于 {names[rule.name]} 和 {rule.id}")
        names[rule.name] = rule.id
    return Rulebook(
        rules=tuple(rule for rule in rules if rule.enabled),
        detection=compile_detection(detection),
        tables=tables,
        files=tuple(raw.path for raw in raw_files),
    )


def era_for_year(detection: Mapping[str, Any], year: int) -> str | None:
    for entry in detection.get("eras", ()):
        low, high = entry["years"]
        if low <= year <= high:
            return str(entry["era"])
    return None
