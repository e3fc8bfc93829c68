"""Load and validate YAML rulebooks; the Rule and Rulebook model; era/profile selection.

A rulebook file has ``rules:`` (a list of rules), and optionally ``detection:`` (how titles,
years, headings and table regions are recognised) and ``tables:`` (table definitions). The
built-in rulebook is every ``rules/*.yaml`` file, ``common.yaml`` first. A user rulebook given with
``--rulebook`` adds rules, or overrides built-in rules field by field when it reuses an id.

Every error names the file, the line and column of the offending YAML node and what is wrong,
and is raised as RulebookError (the CLI exits 2).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping

from auditor import __version__, regexcache
from auditor.diagnostics import Severity
from auditor.machinecache import blake2b, cache_home, write_atomically
from auditor.records import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from typing import Any

    from auditor.safe_yaml import Marks, YamlPath

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
# Paths of plain folders and files are strings joined with os.path, not pathlib.Path: importing
# pathlib (with the urllib.parse and ipaddress it pulls in) is some 6% of a cold one-report check.
@functools.cache  # asked four times a start; the installation does not move while it runs
def _data_folder(package: str) -> str | Traversable:
    """The folder of a data package: its path when it is a plain folder (a wheel or an editable
    install), else a Traversable (a zip import); RulebookError (exit 2) when the installation lacks
    it. Code run straight from a checkout (``python -m auditor.cli`` in the repository, nothing
    installed) finds the repository's own folder."""
    import importlib.util  # the import system's own finder: no importlib.resources on every start

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if len(locations) == 1 and os.path.isdir(locations[0]):
        return os.path.normpath(locations[0])  # a wheel or an editable install: a plain folder
    from importlib import resources

    try:
        return resources.files(package)
    except ModuleNotFoundError as error:
        repository = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
        checkout = os.path.join(repository, package.rsplit(".", 1)[-1])
        in_checkout = os.path.isfile(os.path.join(repository, "setup.py"))
        if in_checkout and os.path.isfile(os.path.join(checkout, "__init__.py")):
            return checkout
        raise RulebookError(package, None, None, "安装不完整：找不到内置数据（请重新安装 gk-audit）") from error


def schema_text(name: str) -> str:
    """The text of one of the JSON Schemas shipped with the package (``rulebook.schema.json``, …)."""
    folder = _data_folder(SCHEMAS_PACKAGE)
    try:
        if isinstance(folder, str):
            with open(os.path.join(folder, name), encoding="utf-8") as stream:
                return stream.read()
        return (folder / name).read_text(encoding="utf-8")
    except OSError as error:
        raise RulebookError(f"{SCHEMAS_PACKAGE}/{name}", None, None,
                            "安装不完整：找不到 JSON Schema（请重新安装 gk-audit）") from error


def _package_root() -> str:
    """The folder holding rules/ (the repository, or the installed package): built-in rulebook
    files are shown relative to it, as rules/identities.yaml."""
    try:
        return os.path.dirname(os.path.normpath(str(_data_folder(RULES_PACKAGE))))
    except RulebookError:
        return os.path.dirname(os.path.realpath(__file__))


PACKAGE_ROOT = _package_root()


# ---------------------------------------------------------------------------- YAML with marks
def _load_yaml_with_marks(path: str, text: str) -> tuple[Any, Marks]:
    from auditor.safe_yaml import YamlProblem, load_marked  # only when a rulebook file is parsed

    try:
        return load_marked(text)
    except YamlProblem as error:
        raise RulebookError(path, error.line, error.column, error.problem) from error


def _mark(marks: Mapping[YamlPath, tuple[int, int]] | None, node_path: YamlPath) -> tuple[int | None, int | None]:
    if marks is None:
        return None, None
    from auditor.safe_yaml import mark_of

    return mark_of(marks, node_path)


# ---------------------------------------------------------------------------- message templates
MAX_TEMPLATE_WIDTH = 200
_FIELD_NAME = regexcache.compile(r"[^\W\d]\w*\Z")
_SPEC_NUMBER = regexcache.compile(r"\d+")


def spec_is_bounded(spec: str) -> bool:
    """Whether a format spec asks for no nested field and no width or precision above the bound."""
    return "{" not in spec and all(int(number) <= MAX_TEMPLATE_WIDTH for number in _SPEC_NUMBER.findall(spec))


def template_problem(template: str) -> str | None:
    """Why a message template is refused, or None: fields are plain names (``{total}``), never
    attributes, indexes or positions (``{a.b}``, ``{a[0]}``, ``{0}``), with a bounded format spec."""
    import string  # only when a rulebook file is checked (its import compiles string.Template's pattern)

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
@record(frozen=True, repr=False)
class Rule:
    """One rule of the rulebook: what it checks (kind and parameters), its texts and where it applies."""

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
    prepared: Any = field(default=None, compare=False, repr=False)  # see ``compiled``
    examples: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    enabled: bool = True

    def __init__(self, id: str, name: str, title: str, category: str, severity: Severity, message: str, kind: str,
                 help: str = "", basis: str = "", description: str = "", implied: bool = False,
                 severity_by_era: Mapping[str, Severity] | None = None, eras: frozenset[str] = frozenset(ERAS),
                 years: tuple[int, int] | None = None, params: Mapping[str, Any] | None = None,
                 prepared: Any = None, examples: Mapping[str, str] | None = None, source: str = "",
                 enabled: bool = True) -> None:
        # written out: every start makes one per rule, by keyword, and the generic __init__ takes
        # some 8 µs for that (issue 12); frozen, so the fields go straight into the instance's dict
        self.__dict__.update({
            "id": id, "name": name, "title": title, "category": category, "severity": severity,
            "message": message, "kind": kind, "help": help, "basis": basis, "description": description,
            "implied": implied, "severity_by_era": {} if severity_by_era is None else severity_by_era,
            "eras": eras, "years": years, "params": {} if params is None else params, "prepared": prepared,
            "examples": {} if examples is None else examples, "source": source, "enabled": enabled})

    @property
    def compiled(self) -> Any:
        """What the kind's ``prepare(params)`` made of the parameters (None for a kind without one).
        A rule of a rulebook file that passed validation before is prepared here, on first use: a
        run prepares (and imports the kind modules of) only the rules its reports' eras need."""
        prepared = self.prepared
        if type(prepared) is DeferredPrepare:
            prepared = prepared.run()
            object.__setattr__(self, "prepared", prepared)  # frozen: computed once, like a cached property
        return prepared

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


@record(eq=False, repr=False)
class Rulebook:
    """The merged rulebook: enabled rules, detection settings, table definitions and source files."""

    rules: tuple[Rule, ...]
    detection: Mapping[str, Any]
    tables: Mapping[str, Any]
    files: tuple[str, ...]
    # what the engine derives from the rules once per run (e.g. which rules run on an era and year)
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def rule(self, key: str) -> Rule | None:
        for rule in self.rules:
            if key in (rule.id, rule.name):
                return rule
        return None

    def by_kind(self, kind: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind == kind)


class DeferredPrepare:
    """A validated rule's ``prepare(params)``, run by ``Rule.compiled`` on first use."""

    __slots__ = ("kind", "params")

    def __init__(self, kind: str, params: Mapping[str, Any]) -> None:
        self.kind, self.params = kind, params

    def run(self) -> Any:
        from auditor.checks import deferred_compiling, kind_module

        module = kind_module(self.kind)
        if not hasattr(module, "prepare"):
            return None
        with deferred_compiling():  # known to compile: its regexes compile on first use too
            return module.prepare(self.params)


# ---------------------------------------------------------------------------- validation
def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "（是不是 “X”？）" for the choice closest to ``word`` (case folded), or an empty string."""
    by_folded = {choice.casefold(): choice for choice in choices}
    folded = word.casefold()
    lookalike = folded.translate(_LOOKALIKES)  # GK8O1 and GK20l are typos of GK801 and GK201
    for candidate, choice in by_folded.items():
        if candidate.translate(_LOOKALIKES) == lookalike:
            return f"（是不是 “{choice}”？）"
    import difflib  # only when a key is unknown

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


def _build_rule(path: str, index: int, raw: Mapping[str, Any], marks: Marks | None, trusted: bool = False) -> Rule:
    """The Rule of one merged rule entry. A ``trusted`` entry (its file passed every check before)
    is not checked again and is prepared on first use (see ``Rule.compiled``)."""
    params = {key: value for key, value in raw.items() if key not in COMMON_RULE_KEYS}
    prepared = DeferredPrepare(raw["kind"], params) if trusted else _prepared(path, index, raw, params, marks)
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
        params=params, prepared=prepared, examples=raw.get("examples", {}), source=path,
        enabled=bool(raw.get("enabled", True)),
    )


def _prepared(path: str, index: int, raw: Mapping[str, Any], params: dict[str, Any], marks: Marks | None) -> Any:
    """Check a rule's kind, parameters and templates, and prepare it; a located RulebookError if wrong."""
    from auditor.checks import deferred_compiling, kind_module

    rule_path: YamlPath = ("rules", index)
    try:
        module = kind_module(raw["kind"])
    except KeyError:
        line, column = _mark(marks, (*rule_path, "kind"))
        from auditor.checks import KINDS

        problem = f"规则 {raw['id']}: 未知的检查类型 kind: {raw['kind']!r}（可用: {', '.join(KINDS)}）"
        raise RulebookError(path, line, column, problem) from None
    param_schema = getattr(module, "PARAMS_SCHEMA", None)
    if param_schema is not None:
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
        with deferred_compiling(False):  # a new file's regexes compile now, so a bad one is reported with its place
            prepared = module.prepare(params) if hasattr(module, "prepare") else None
    except ParamError as error:
        line, column = _mark(marks, (*rule_path, *error.path))
        raise RulebookError(path, line, column, f"规则 {raw['id']}: {error.problem}") from error
    for key in ("message", "help"):
        problem = template_problem(raw.get(key) or "")
        if problem:
            line, column = _mark(marks, (*rule_path, key))
            raise RulebookError(path, line, column, f"规则 {raw['id']} 的 {key}: {problem}")
    return prepared


# ---------------------------------------------------------------------------- loading
class _RawFile:
    """One rulebook file as parsed: its data and the marks (line, column) of its nodes. A
    ``trusted`` file passed every check before; it has no marks and is not checked again."""

    __slots__ = ("data", "marks", "path", "trusted")

    def __init__(self, path: str, data: dict[str, Any], marks: Marks | None, trusted: bool = False) -> None:
        self.path, self.data, self.marks, self.trusted = path, data, marks, trusted


def _parse_raw(path: str, content: bytes | str) -> _RawFile:
    try:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
    except UnicodeDecodeError as error:
        raise RulebookError(path, None, None, "规则库文件不是 UTF-8 编码") from error
    data, marks = _load_yaml_with_marks(path, text)
    if not isinstance(data, dict):
        raise RulebookError(path, 1, 1, "规则库必须是一个映射（含 rules: 列表）")
    return _RawFile(path, data, marks)


def _read_bytes(path: str | Traversable) -> bytes:
    try:
        if isinstance(path, str):
            with open(path, "rb") as stream:
                return stream.read()
        return path.read_bytes()
    except OSError as error:
        raise RulebookError(str(path), None, None, f"无法读取规则库文件（{error.strerror or error}）") from error


def _read_raw(path: str | Traversable) -> _RawFile:
    return _parse_raw(str(path), _read_bytes(path))


def builtin_rule_files() -> list[str | Traversable]:
    """The built-in rulebook files (paths, or Traversables in a zip import), ``common.yaml`` first;
    RulebookError when there are none (a broken installation must stop the run, never pass every
    report silently)."""
    folder = _data_folder(RULES_PACKAGE)
    files: list[tuple[str, str | Traversable]]
    if isinstance(folder, str):
        try:
            with os.scandir(folder) as entries:
                files = [(entry.name, entry.path) for entry in entries
                         if entry.name.endswith(".yaml") and entry.is_file()]
        except OSError:
            files = []
    else:
        files = [(file.name, file) for file in folder.iterdir() if file.name.endswith(".yaml") and file.is_file()]
    if not files:
        raise RulebookError(str(folder), None, None, "内置规则库为空：没有任何 .yaml 规则文件（请重新安装 gk-audit）")
    return [file for _, file in sorted(files, key=lambda named: (named[0] != "common.yaml", named[0]))]


def _merge_rule(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    merged.update(override)
    return merged


def _checked_block(raw: _RawFile, key: str, check: Callable[[Any], object]) -> dict[str, Any]:
    """The file's ``key`` block after ``check`` accepted it; a ParamError becomes a located error."""
    block: dict[str, Any] = raw.data.get(key) or {}
    if raw.trusted:
        return block
    try:
        check(block)
    except ParamError as error:
        line, column = _mark(raw.marks, (key, *error.path))
        raise RulebookError(raw.path, line, column, f"{key}: {error.problem}") from error
    return block


class _Merged:
    """Rulebook files merged in order: the rule entries by id (in rule order), the ``detection``
    and ``tables`` blocks, and whether every detection block came from a trusted file."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[_RawFile, int, dict[str, Any]]] = {}
        self.detection: dict[str, Any] = {}
        self.tables: dict[str, Any] = {}
        self.files: list[str] = []
        self.detection_trusted = True

    def add(self, raw: _RawFile, is_user_file: bool) -> None:
        """Merge one file: new rules are added, a user file's rule with a known id overrides it
        field by field; a repeated id within the built-in files or one file is an error."""
        from auditor.structure.detection import compile_detection
        from auditor.structure.table_spec import validate_tables

        detection = _checked_block(raw, "detection", compile_detection)
        self.detection.update(detection)
        self.detection_trusted = self.detection_trusted and (raw.trusted or not detection)
        self.tables.update(_checked_block(raw, "tables", validate_tables))
        self.files.append(raw.path)
        for index, rule_data in enumerate(raw.data.get("rules") or []):
            rule_id = rule_data["id"]
            if rule_id in self.entries and is_user_file and self.entries[rule_id][0] is not raw:
                self.entries[rule_id] = (raw, index, _merge_rule(self.entries[rule_id][2], rule_data))
                continue
            if rule_id in self.entries:
                line, column = _mark(raw.marks, ("rules", index, "id"))
                raise RulebookError(raw.path, line, column, f"规则编号 {rule_id} 重复")
            missing = [key for key in ("name", "title", "category", "severity", "message", "kind")
                       if key not in rule_data]
            if missing:
                line, column = _mark(raw.marks, ("rules", index))
                raise RulebookError(raw.path, line, column, f"新规则 {rule_id} 缺少字段: {', '.join(missing)}")
            self.entries[rule_id] = (raw, index, dict(rule_data))

    def build(self) -> Rulebook:
        """The Rulebook; the entries of untrusted files are checked and prepared now."""
        from auditor.checks import deferred_compiling
        from auditor.structure.detection import compile_detection

        rules = [_build_rule(raw.path, index, data, raw.marks, raw.trusted)
                 for raw, index, data in self.entries.values()]
        names: dict[str, str] = {}
        for rule in rules:
            if rule.name in names and names[rule.name] != rule.id:
                raise RulebookError(rule.source, None, None,
                                    f"规则名 {rule.name} 同时用于 {names[rule.name]} 和 {rule.id}")
            names[rule.name] = rule.id
        with deferred_compiling(self.detection_trusted):  # trusted patterns were checked for safety before
            detection = compile_detection(self.detection)
        return Rulebook(rules=tuple(rule for rule in rules if rule.enabled), detection=detection,
                        tables=self.tables, files=tuple(self.files))


def _user_file_path(path: str) -> str:
    """A user's rulebook path as messages show it (``./x.yaml`` as ``x.yaml``, as pathlib shows it)."""
    from pathlib import Path  # only for a run given --rulebook

    return str(Path(path))


def load_rulebook(extra_paths: Iterable[str] = (), builtin: bool = True) -> Rulebook:
    """Load the built-in rulebook plus ``extra_paths`` (later files override earlier ids). The
    built-in files come checked from the built-rulebook cache (see ``_builtin_merged``); user files
    are parsed and checked on every load, every error located by file, line and column."""
    merged = _builtin_merged() if builtin else _Merged()
    user_files = [_read_raw(_user_file_path(path)) for path in extra_paths]
    for raw in user_files:
        _validate_file(raw.path, raw.data, raw.marks)
    for raw in user_files:
        merged.add(raw, is_user_file=True)
    rulebook = merged.build()
    if builtin and not rulebook.rules:
        raise RulebookError(merged.files[0], None, None, "内置规则库中没有任何规则（请重新安装 gk-audit）")
    return rulebook


# ---------------------------------------------------------------------------- built-rulebook cache
# The built-in files, parsed, validated and merged, are kept per machine as marshal data (plain
# dicts, lists and strings: loading it never runs code, unlike pickle), so that a run parses no
# YAML and imports neither PyYAML nor jsonschema until a rulebook file changes. The file is named
# by a key over everything its content depends on: the rulebook files' bytes and folder, the JSON
# Schema, the code that checks them (names, sizes and times of the package's modules), the package
# and Python versions and the cache layout. It is written atomically once the files passed every
# check, and never required: an unreadable, foreign or damaged file is ignored and rebuilt.
BUILT_FORMAT = 1  # bump when the layout of the cached data changes


def _code_signature() -> str:
    """Names, sizes and modification times of the modules that check a rulebook (a changed check
    kind or schema in a development checkout must not meet a cache built by the old code)."""
    package = os.path.dirname(__file__)
    parts = []
    for folder in (package, os.path.join(package, "checks"), os.path.join(package, "structure")):
        folder_name = os.path.basename(folder)
        try:
            with os.scandir(folder) as found:
                for entry in found:
                    if entry.name.endswith(".py"):
                        status = entry.stat()
                        parts.append(f"{folder_name}/{entry.name}:{status.st_size}:{status.st_mtime_ns}")
        except OSError:  # not a plain folder (a zip import): the package version stands for the code
            parts.append(f"{folder_name}: unreadable")
    return "\n".join(sorted(parts))


def _builtin_key(folder: str, contents: list[tuple[str, bytes]]) -> str:
    digest = blake2b(digest_size=32)  # BLAKE2 in software: over twice as fast as SHA-256 without OpenSSL
    for part in (str(BUILT_FORMAT), __version__, sys.version, folder, schema_text("rulebook.schema.json"),
                 _code_signature()):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for name, content in contents:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(len(content).to_bytes(8, "little") + content)
    return digest.hexdigest()


def builtin_cache_file(key: str) -> str:
    return os.path.join(cache_home(), "rulebook", f"{sys.implementation.cache_tag}-{key[:32]}.marshal")


def _builtin_merged() -> _Merged:
    """The built-in files merged, from the cache when it holds them, else parsed and checked
    (every rule prepared, every pattern compiled and checked for safety) and then cached."""
    files = builtin_rule_files()
    contents = [(str(file), _read_bytes(file)) for file in files]
    key = _builtin_key(str(_data_folder(RULES_PACKAGE)), contents)
    target = builtin_cache_file(key)
    merged = _load_built(target, key)
    if merged is not None:
        return merged
    raw_files = [_parse_raw(path, content) for path, content in contents]
    for raw in raw_files:
        _validate_file(raw.path, raw.data, raw.marks)
    checked = _Merged()
    for raw in raw_files:
        checked.add(raw, is_user_file=False)
    checked.build()  # raises for any problem: only a rulebook that passed every check is cached
    payload = _payload(checked, key)
    _save_built(target, payload)
    return _from_payload(payload)


def _payload(merged: _Merged, key: str) -> dict[str, Any]:
    return {"key": key, "files": list(merged.files), "detection": merged.detection, "tables": merged.tables,
            "rules": [(raw.path, index, data) for raw, index, data in merged.entries.values()]}


def _from_payload(payload: dict[str, Any]) -> _Merged:
    merged = _Merged()
    raws = {path: _RawFile(path, {}, None, trusted=True) for path in payload["files"]}
    merged.files = list(payload["files"])
    merged.detection = dict(payload["detection"])
    merged.tables = dict(payload["tables"])
    merged.entries = {data["id"]: (raws[path], index, data) for path, index, data in payload["rules"]}
    return merged


def _load_built(target: str, key: str) -> _Merged | None:
    """The cached built-in files, or None when the cache file is missing, unreadable or not ours."""
    import marshal

    try:
        with open(target, "rb") as stream:
            payload = marshal.loads(stream.read())
        if not isinstance(payload, dict) or payload.get("key") != key:
            return None
        return _from_payload(payload)
    except Exception:  # a damaged or foreign file only costs a rebuild
        return None


def _save_built(target: str, payload: dict[str, Any]) -> None:
    """Write the cache (atomically, best effort: a read-only or full disk only costs the next run
    the parsing and the checks)."""
    import marshal

    try:
        data = marshal.dumps(payload)
    except ValueError:  # a value marshal cannot hold (a YAML date): no cache, every run parses
        return
    if write_atomically(target, data):
        _prune(target)


KEPT_BUILT = 8  # cache files kept per folder: a few installed versions and checkouts, not every edit


def _prune(written: str) -> None:
    """Delete all but the most recently written KEPT_BUILT cache files of the folder (each edit of a
    rulebook file makes a new one)."""
    try:
        with os.scandir(os.path.dirname(written)) as entries:
            files = sorted((entry for entry in entries if entry.name.endswith(".marshal")),
                           key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        for stale in files[KEPT_BUILT:]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(stale.path)
    except OSError:
        pass


def era_for_year(detection: Mapping[str, Any], year: int) -> str | None:
    for entry in detection.get("eras", ()):
        low, high = entry["years"]
        if low <= year <= high:
            return str(entry["era"])
    return None
