"""Load and validate YAML rulebooks; the Rule and Rulebook model; era/profile selection.

A rulebook file has ``rules:`` (a list of rules), and optionally ``detection:`` (how titles,
years, headings and table regions are recognised) and ``tables:`` (table definitions). The
built-in rulebook is every ``rules/*.yaml`` file, ``common.yaml`` first. A user rulebook given with
``--rulebook`` adds rules, or overrides built-in rules field by field when it reuses an id.

Every error names the file, the line and column of the offending YAML node and what is wrong,
and is raised as RulebookError (the CLI exits 2).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from auditor.diagnostics import Severity
from auditor.safe_yaml import YamlPath, YamlProblem, load_marked, mark_of

# rules/ and schemas/ of the repository ship as the data packages auditor.rules and auditor.schemas
# (setup.py), found through importlib.resources in a wheel, an editable install or a checkout alike
RULES_PACKAGE, SCHEMAS_PACKAGE = "auditor.rules", "auditor.schemas"
ERAS = ("old", "2019", "2021")

# keys every rule has; all other keys of a rule are the parameters of its kind
COMMON_RULE_KEYS = frozenset(
    {"id", "name", "title", "category", "severity", "message", "help", "basis", "applies_to",
     "kind", "examples", "description", "enabled", "implied"}
)


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


# ---------------------------------------------------------------------------- package data
def _data_folder(package: str) -> Traversable:
    """The folder of a data package; RulebookError (exit 2) when the installation lacks it. Code
    run straight from a checkout (``python -m auditor.cli`` in the repository, nothing installed)
    finds the repository's own folder."""
    try:
        return resources.files(package)
    except ModuleNotFoundError as error:
        checkout = Path(__file__).resolve().parent.parent / package.rsplit(".", 1)[-1]
        if (checkout / "__init__.py").is_file() and (Path(__file__).resolve().parent.parent / "setup.py").is_file():
            return checkout
        raise RulebookError(package, None, None, "安装不完整：找不到内置数据（请重新安装 gk-audit）") from error


def schema_text(name: str) -> str:
    """The text of one of the JSON Schemas shipped with the package (``rulebook.schema.json``, …)."""
    try:
        return (_data_folder(SCHEMAS_PACKAGE) / name).read_text(encoding="utf-8")
    except OSError as error:
        raise RulebookError(f"{SCHEMAS_PACKAGE}/{name}", None, None,
                            "安装不完整：找不到 JSON Schema（请重新安装 gk-audit）") from error


def _package_root() -> Path:
    """The folder holding rules/ (the repository, or the installed package): built-in rulebook
    files are shown relative to it, as rules/identities.yaml."""
    try:
        return Path(str(_data_folder(RULES_PACKAGE))).parent
    except RulebookError:
        return Path(__file__).resolve().parent


PACKAGE_ROOT = _package_root()


# ---------------------------------------------------------------------------- YAML with marks
def _load_yaml_with_marks(path: str, text: str) -> tuple[Any, dict[YamlPath, tuple[int, int]]]:
    try:
        return load_marked(text)
    except YamlProblem as error:
        raise RulebookError(path, error.line, error.column, error.problem) from error


def _mark(marks: Mapping[YamlPath, tuple[int, int]], node_path: YamlPath) -> tuple[int | None, int | None]:
    return mark_of(marks, node_path)


# ---------------------------------------------------------------------------- message templates
MAX_TEMPLATE_WIDTH = 200
_FIELD_NAME = re.compile(r"[^\W\d]\w*\Z")
_SPEC_NUMBER = re.compile(r"\d+")


def spec_is_bounded(spec: str) -> bool:
    """Whether a format spec asks for no nested field and no width or precision above the bound."""
    return "{" not in spec and all(int(number) <= MAX_TEMPLATE_WIDTH for number in _SPEC_NUMBER.findall(spec))


def template_problem(template: str) -> str | None:
    """Why a message template is refused, or None: fields are plain names (``{total}``), never
    attributes, indexes or positions (``{a.b}``, ``{a[0]}``, ``{0}``), with a bounded format spec."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        return f"消息模板的花括号不配对（{error}；字面花括号写成 {{{{ 和 }}}}）"
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if not _FIELD_NAME.match(field_name) or conversion is not None:
            return f"消息模板字段 {{{field_name}}} 只能是一个名称（不能取属性、下标、位置或转换）"
        if spec and not spec_is_bounded(spec):
            return f"消息模板字段 {{{field_name}:{spec}}} 的格式不允许（嵌套字段或宽度超过 {MAX_TEMPLATE_WIDTH}）"
    return None


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
def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "（是不是 “X”？）" for the choice closest to ``word`` (case folded), or an empty string."""
    by_folded = {choice.casefold(): choice for choice in choices}
    folded = word.casefold()
    lookalike = folded.translate(_LOOKALIKES)  # GK8O1 and GK20l are typos of GK801 and GK201
    for candidate, choice in by_folded.items():
        if candidate.translate(_LOOKALIKES) == lookalike:
            return f"（是不是 “{choice}”？）"
    found = difflib.get_close_matches(folded, list(by_folded), n=5, cutoff=0.6)
    if not found:
        return ""

    def closeness(candidate: str) -> tuple[float, int]:  # ties go to the longer common beginning
        shared = next((index for index, pair in enumerate(zip(candidate, folded, strict=False)) if pair[0] != pair[1]),
                      min(len(candidate), len(folded)))
        return difflib.SequenceMatcher(None, folded, candidate).ratio(), shared

    return f"（是不是 “{by_folded[max(found, key=closeness)]}”？）"


_LOOKALIKES = str.maketrans("oli", "011")
_TYPE_NAMES = {"object": "映射（键: 值）", "array": "列表", "string": "字符串", "integer": "整数",
               "number": "数值", "boolean": "true 或 false"}


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:80]


def schema_error_chinese(error: Any) -> tuple[YamlPath, str]:
    """A jsonschema error as (path of the offending node, a Chinese message)."""
    node_path: YamlPath = tuple(error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        # the alternative that fits the value's type says best what is wrong with it
        fitting = [sub for sub in error.context if sub.validator != "type"]
        return schema_error_chinese(min(fitting or error.context, key=lambda sub: len(sub.absolute_path)))
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))[0]
        hint = did_you_mean(unknown, allowed) or f"（可用的键: {', '.join(allowed)}）"
        return (*node_path, unknown), f"未知的键 “{unknown}”{hint}"
    if error.validator == "enum":
        choices = [str(choice) for choice in error.validator_value]
        hint = did_you_mean(str(error.instance), choices) if isinstance(error.instance, str) else ""
        return node_path, f"{_shown(error.instance)} 不是可选值{hint}（可选: {'、'.join(choices)}）"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = " 或 ".join(f"{_TYPE_NAMES.get(name, name)}（{name}）" for name in wanted)
        return node_path, f"应为{names}，实际是 {_shown(error.instance)}"
    if error.validator in ("minimum", "maximum"):
        return node_path, f"{_shown(error.instance)} 超出范围（{schema.get('minimum')}–{schema.get('maximum')}）"
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [key for key in error.validator_value if key not in error.instance]
        return node_path, f"缺少必填的键 “{'、'.join(map(str, missing))}”"
    if error.validator == "minLength":
        return node_path, "不能为空"
    return node_path, error.message


def _schema() -> dict[str, Any]:
    return json.loads(schema_text("rulebook.schema.json"))


def _validate_file(path: str, data: Any, marks: Mapping[YamlPath, tuple[int, int]]) -> None:
    import jsonschema  # imported only when a rulebook has to be validated

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda error: list(map(str, error.absolute_path)))
    if errors:
        error = jsonschema.exceptions.best_match(errors) or errors[0]
        node_path, problem = schema_error_chinese(error)
        line, column = _mark(marks, node_path)
        where = "/".join(map(str, node_path)) or "(顶层)"
        raise RulebookError(path, line, column, f"{where}: {problem}")


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
            relative_path, problem = schema_error_chinese(error)
            line, column = _mark(marks, (*rule_path, *relative_path))
            where = "/".join(map(str, relative_path))
            raise RulebookError(path, line, column,
                                f"规则 {raw['id']} (kind: {raw['kind']}): {where + ': ' if where else ''}{problem}")
    try:
        with deferred_compiling(not validate_params):  # a validated file's regexes compile on first use
            compiled = module.prepare(params) if hasattr(module, "prepare") else None
    except ParamError as error:
        line, column = _mark(marks, (*rule_path, *error.path))
        raise RulebookError(path, line, column, f"规则 {raw['id']}: {error.problem}") from error
    for key in ("message", "help"):
        problem = template_problem(raw.get(key) or "")
        if problem:
            line, column = _mark(marks, (*rule_path, key))
            raise RulebookError(path, line, column, f"规则 {raw['id']} 的 {key}: {problem}")
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


def _read_raw(path: Path | Traversable) -> _RawFile:
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


def builtin_rule_files() -> list[Traversable]:
    """The built-in rulebook files, ``common.yaml`` first; RulebookError when there are none (a
    broken installation must stop the run, never pass every report silently)."""
    folder = _data_folder(RULES_PACKAGE)
    files = [file for file in folder.iterdir() if file.name.endswith(".yaml") and file.is_file()]
    if not files:
        raise RulebookError(str(folder), None, None, "内置规则库为空：没有任何 .yaml 规则文件（请重新安装 gk-audit）")
    return sorted(files, key=lambda file: (file.name != "common.yaml", file.name))


def _validated_stamp(files: Iterable[Traversable]) -> Path:
    digest = hashlib.sha256()
    digest.update(schema_text("rulebook.schema.json").encode())
    for file in files:
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
    if builtin and not rulebook.rules:
        raise RulebookError(raw_files[0].path, None, None, "内置规则库中没有任何规则（请重新安装 gk-audit）")
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
