"""Project configuration: ``[tool.gk-audit]`` in pyproject.toml, or ``gk-audit.yaml``/``.gk-audit.yaml``.

The configuration of a file is the one found nearest to it, walking up from its folder (ruff-style:
the nearest file wins outright, files are not merged). In a folder, ``gk-audit.yaml`` is preferred
to ``.gk-audit.yaml``, which is preferred to a pyproject.toml with a ``[tool.gk-audit]`` table.

    select: [GK2, typography]          # rule ids, id prefixes, names or categories
    ignore: [GK602]
    severity: {GK303: info}            # per-rule (or name, or category) severity
    fail-on: warning
    profile: "2021"                    # or year: 2023, overriding detection
    extend-rulebook: [rules/local.yaml]
    exclude: ["drafts/**"]
    series-layout: "reports/{agency}/**"   # the agency of a report series is this folder's name
    series-regions: {某县人民政府: [某县教育局, 某镇人民政府]}   # a region's figures = its members' sum
    per-path:
      "2023/**": {ignore: [GK201]}     # per-path ignores add to ignore; other keys replace

Paths and globs are relative to the config file. Command-line flags override the config.
Every error names the file and the key (ConfigError; the CLI exits 2).
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping

from auditor import regexcache
from auditor.records import field, record
from auditor.rulebook import did_you_mean, schema_error_chinese, schema_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

    from auditor.rulebook import Rulebook
    from auditor.safe_yaml import Marks, YamlPath

# auditor.safe_yaml (the YAML loader and its marks) is imported where a configuration file is read or
# an error located: a run with no configuration file does not need it

CONFIG_NAMES = ("gk-audit.yaml", ".gk-audit.yaml", "pyproject.toml")
SUPPRESSIONS_NAME = "gk-audit-suppressions.yaml"
DEFAULT_SOURCE = "(默认)"
CLI_SOURCE = "(命令行)"


class ConfigError(Exception):
    """A configuration (or suppressions, or baseline) file or a command-line value cannot be used;
    names the file (with line and column when known) and the key."""

    def __init__(self, path: str, key: str, problem: str, line: int | None = None, column: int | None = None
                 ) -> None:
        self.path, self.key, self.problem, self.line, self.column = path, key, problem, line, column
        where = f"{path}:{line}:{column}" if line is not None else path
        super().__init__(f"{where}: 配置错误: {key + ': ' if key else ''}{problem}")


@record(frozen=True, eq=False, repr=False)  # frozen: a default argument value
class CliOverrides:
    """What the command line said; ``None``/empty means "not given" (the config decides)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    profile: str | None = None
    year: int | None = None
    rulebooks: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    config: str | None = None
    suppressions: str | None = None


@record(eq=False, repr=False)
class ProjectConfig:
    """One configuration file, validated, with paths made absolute."""

    path: str | None  # absolute, symlinks resolved
    data: Mapping[str, Any]
    marks: Mapping[YamlPath, tuple[int, int]] = field(default_factory=dict, compare=False)

    def error(self, node_path: YamlPath, problem: str) -> ConfigError:
        """A ConfigError located at ``node_path`` (a path into ``data``)."""
        from auditor.safe_yaml import mark_of

        line, column = mark_of(self.marks, node_path)
        return ConfigError(self.source, _dotted(node_path), problem, line, column)

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path) if self.path is not None else os.getcwd()

    @property
    def source(self) -> str:
        return self.path if self.path is not None else DEFAULT_SOURCE

    def suppressions_file(self) -> str | None:
        if "suppressions" in self.data:
            return _joined(self.folder, str(self.data["suppressions"]))
        candidate = os.path.join(self.folder, SUPPRESSIONS_NAME)
        return candidate if self.path is not None and os.path.isfile(candidate) else None


@record(eq=False, repr=False)
class Settings:
    """The effective settings for one file, and where each value came from."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    fail_on: str = "error"
    profile: str | None = None
    year: int | None = None
    rulebooks: tuple[str, ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"select": list(self.select), "ignore": list(self.ignore), "severity": dict(self.severity),
                "fail-on": self.fail_on, "profile": self.profile, "year": self.year,
                "extend-rulebook": list(self.rulebooks)}


# ---------------------------------------------------------------------------- globs
@functools.lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts) + r"(?:/.*)?\Z")


def glob_matches(pattern: str, path: str | os.PathLike[str], base: str | os.PathLike[str]) -> bool:
    """Whether ``path`` matches ``pattern`` taken relative to ``base`` (``**`` spans folders;
    a pattern without ``/`` matches a file or folder name anywhere below ``base``)."""
    relative = _relative_to(resolved(path), resolved(base))
    if relative is None:
        return False
    return _glob_regex(pattern).match(relative.replace(os.sep, "/")) is not None


# ---------------------------------------------------------------------------- loading
@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(schema_text("config.schema.json"))


def _dotted(node_path: YamlPath) -> str:
    return ".".join(map(str, node_path))


def _validate(path: str | os.PathLike[str], data: Any, prefix: str, marks: Marks) -> None:
    import jsonschema

    from auditor.safe_yaml import mark_of

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda error: list(map(str, error.absolute_path)))
    if errors:
        error = jsonschema.exceptions.best_match(errors) or errors[0]
        node_path, problem = schema_error_chinese(error)
        line, column = mark_of(marks, node_path)
        key = _dotted((prefix, *node_path) if prefix else node_path)
        raise ConfigError(str(path), key or "(顶层)", problem, line, column)


_TOML_POSITION = regexcache.compile(r"\(at line (?P<line>\d+), column (?P<column>\d+)\)")


def _toml_key_line(lines: list[str], start: int, key: str) -> tuple[int, int] | None:
    """The first line at or after ``start`` that writes ``key`` (as a key or in a table header)."""
    quoted = re.escape(key)
    pattern = re.compile(rf'(?:^|[\s.{{,\[])"?(?P<key>{quoted})"?\s*(?:=|\]|\.)')
    for index in range(start, len(lines)):
        found = pattern.search(lines[index].split("#", 1)[0])
        if found:
            return index, found.start("key")
    return None


def _toml_marks(text: str, data: Any) -> Marks:
    """Approximate marks for a [tool.gk-audit] table: each key's first line below the table header."""
    lines = text.splitlines()
    header = next((index for index, line in enumerate(lines)
                   if re.match(r'\s*\[\s*tool\s*\.\s*"?gk-audit"?\s*[\].]', line)), None)
    if header is None:
        return {}
    marks: Marks = {(): (header + 1, 1)}

    def walk(value: Any, node_path: YamlPath, start: int) -> None:
        if not isinstance(value, dict):
            return
        for key, child in value.items():
            found = _toml_key_line(lines, start, str(key))
            if found is not None:
                marks[(*node_path, key)] = (found[0] + 1, found[1] + 1)
                walk(child, (*node_path, key), found[0])

    walk(data, (), header)
    return marks


def _read_table(path: str | os.PathLike[str]) -> tuple[Any, str, Marks] | None:
    """The raw gk-audit table of ``path``, its key prefix and its marks, or None (a pyproject
    without one)."""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except OSError as error:
        raise ConfigError(str(path), "", f"无法读取（{error.strerror or error}）") from error
    except UnicodeDecodeError as error:
        raise ConfigError(str(path), "", "文件不是 UTF-8 编码") from error
    if os.path.basename(path) == "pyproject.toml":
        import tomllib  # only for a pyproject.toml: its import compiles regexes on every start

        try:
            tool = tomllib.loads(text).get("tool")
        except tomllib.TOMLDecodeError as error:
            position = _TOML_POSITION.search(str(error))
            line, column = (int(position["line"]), int(position["column"])) if position else (None, None)
            problem = _TOML_POSITION.sub("", str(error)).strip()
            raise ConfigError(str(path), "", f"TOML 语法错误: {problem}", line, column) from error
        except RecursionError as error:
            raise ConfigError(str(path), "", "TOML 嵌套过深") from error
        table = tool.get("gk-audit") if isinstance(tool, dict) else None
        return (table, "tool.gk-audit", _toml_marks(text, table)) if table is not None else None
    from auditor.safe_yaml import YamlProblem, load_marked

    try:
        data, marks = load_marked(text)
    except YamlProblem as error:
        raise ConfigError(str(path), "", error.problem, error.line, error.column) from error
    return ({} if data is None else data), "", marks


@functools.lru_cache(maxsize=1024)
def load_config_file(path: str | os.PathLike[str]) -> ProjectConfig | None:
    """Read and validate one configuration file; None for a pyproject.toml without our table."""
    found = _read_table(path)
    if found is None:
        return None
    data, prefix, marks = found
    _validate(path, data, prefix, marks)
    return ProjectConfig(os.path.realpath(path), data, marks)


@functools.lru_cache(maxsize=4096)
def _config_in(folder: str) -> ProjectConfig | None:
    for name in CONFIG_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            config = load_config_file(candidate)
            if config is not None:
                return config
    return None


def _folder_and_parents(folder: str) -> Iterable[str]:
    """``folder`` (absolute, normal) and each folder above it, up to the root."""
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


@functools.lru_cache(maxsize=4096)
def find_config(folder: str) -> ProjectConfig:
    """The nearest configuration at or above ``folder`` (absolute, normal; an empty one if there is none)."""
    for candidate in _folder_and_parents(folder):
        config = _config_in(candidate)
        if config is not None:
            return config
    return ProjectConfig(None, {})


def clear_caches() -> None:
    """Forget files read so far (a long-lived process re-reads edited configs)."""
    for cached in (load_config_file, _config_in, find_config, _nearest_suppressions, _real_folder):
        cached.cache_clear()


# ---------------------------------------------------------------------------- paths
# Paths are strings handled with os.path, not pathlib.Path: a run asks for every file's config, and
# importing pathlib (with the urllib.parse and ipaddress it pulls in) is some 6% of a cold
# one-report check (issue 12). ``os.path.realpath`` is what ``Path.resolve()`` does on POSIX.
@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str, cwd: str) -> str:
    """``folder`` (relative to ``cwd`` when relative) with its symlinks resolved."""
    return os.path.realpath(os.path.join(cwd, folder))


def _relative_to(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` (both absolute and normal), ``.`` for the folder itself; None
    when ``path`` is not inside it (``PurePath.relative_to``, lexically)."""
    if path == folder:
        return "."
    inside = folder if folder.endswith(os.sep) else folder + os.sep
    return path[len(inside):] if path.startswith(inside) else None


def _joined(folder: str, relative: str) -> str:
    """``folder / relative`` as pathlib writes it (``./x`` as ``x``): names a file the config names."""
    from pathlib import Path  # only for a config that names a file

    return str(Path(folder, relative))


_PLAIN_SEPARATORS = os.sep == "/" and os.altsep is None


def _plain_split(path: str | os.PathLike[str]) -> tuple[str, str, int] | None:
    """(resolved folder, name, ``lstat`` mode) of ``path`` when it is plain (no ``.``/``..`` part,
    no doubled or trailing slash) and not a link: then ``Path(path).resolve()`` is that folder /
    name. A run asks this of every file, several times; ``resolve`` looks at every folder of the
    path (some 20 µs), here the folder is resolved once per run (cached) and only the file itself is
    looked at. None: ``resolve`` must decide."""
    text = os.fspath(path)
    if (not _PLAIN_SEPARATORS or not text or text.startswith(".") or text.endswith("/") or "//" in text
            or "/." in text):
        return None
    try:
        mode = os.lstat(text).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISLNK(mode):
        return None
    folder, _, name = text.rpartition("/")
    absolute = text.startswith("/")
    return _real_folder(folder or ("/" if absolute else "."), "" if absolute else os.getcwd()), name, mode


def resolved(path: str | os.PathLike[str]) -> str:
    """``str(Path(path).resolve())``, its folder cached for the run (see ``_plain_split``)."""
    plain = _plain_split(path)
    if plain is None:
        return os.path.realpath(path)
    folder, name, _ = plain
    return os.path.join(folder, name)


def _governing_folder(path: str) -> str:
    """The folder whose configuration governs ``path``: the path itself if a folder, else its folder."""
    plain = _plain_split(path) if path != "-" else None
    if plain is not None:
        folder, name, mode = plain
        return os.path.join(folder, name) if stat.S_ISDIR(mode) else folder
    target = os.path.realpath(path) if path != "-" else os.path.join(os.getcwd(), "-")
    return target if os.path.isdir(target) else os.path.dirname(target)


@functools.lru_cache(maxsize=4096)
def _nearest_suppressions(folder: str) -> str | None:
    for candidate in _folder_and_parents(folder):
        if os.path.isfile(os.path.join(candidate, SUPPRESSIONS_NAME)):
            return os.path.join(candidate, SUPPRESSIONS_NAME)
        if _config_in(candidate) is not None:
            return None
    return None


def suppressions_for(path: str, cli: CliOverrides) -> str | None:
    """``--suppressions``, else the config's ``suppressions`` or the file next to the config, else the
    nearest gk-audit-suppressions.yaml when there is no config file."""
    if cli.suppressions is not None:
        return os.path.realpath(cli.suppressions)
    config = config_for(path, cli)
    if config.path is not None:
        return config.suppressions_file()
    return _nearest_suppressions(_governing_folder(path))


def config_for(path: str, cli: CliOverrides) -> ProjectConfig:
    """The configuration that governs ``path``: ``--config`` if given, else the nearest one."""
    if cli.config is not None:
        config = load_config_file(os.path.realpath(cli.config))
        if config is None:
            raise ConfigError(cli.config, "tool.gk-audit", "文件中没有 [tool.gk-audit] 表")
        return config
    return find_config(_governing_folder(path))


# ---------------------------------------------------------------------------- rule keys
def rule_key_known(key: str, rulebook: Rulebook) -> bool:
    """Whether ``key`` names a rule of ``rulebook``: an id, an id prefix, a name or a category."""
    return any(key in (rule.id, rule.name, rule.category) or (key.isalnum() and rule.id.startswith(key))
               for rule in rulebook.rules)


def _rule_key_choices(rulebook: Rulebook) -> set[str]:
    return {value for rule in rulebook.rules for value in (rule.id, rule.name, rule.category)}


def unknown_rule_key_problem(key: str, rulebook: Rulebook) -> str | None:
    if rule_key_known(key, rulebook):
        return None
    hint = did_you_mean(key, _rule_key_choices(rulebook)) or "（用 gk-audit rules 查看全部）"
    return f"没有编号、编号前缀、名称或类别为 “{key}” 的规则{hint}"


def _config_rule_keys(data: Mapping[str, Any]) -> Iterable[tuple[YamlPath, str]]:
    blocks: list[tuple[YamlPath, Mapping[str, Any]]] = [((), data)]
    blocks += [(("per-path", pattern), override) for pattern, override in data.get("per-path", {}).items()]
    for prefix, block in blocks:
        for name in ("select", "ignore"):
            yield from (((*prefix, name, index), key) for index, key in enumerate(block.get(name, ())))
        yield from (((*prefix, "severity", key), key) for key in block.get("severity", {}))


def check_rule_keys(config: ProjectConfig, cli: CliOverrides, rulebook: Rulebook) -> None:
    """ConfigError (exit 2) for a rule id, name or category in --select/--ignore or in the config's
    select, ignore, severity or per-path entries that no rule of ``rulebook`` has: a typo must not
    turn the gate off."""
    for option, keys in (("--select", cli.select), ("--ignore", cli.ignore)):
        for key in keys:
            problem = unknown_rule_key_problem(key, rulebook)
            if problem:
                raise ConfigError(option, "", problem)
    for node_path, key in _config_rule_keys(config.data):
        problem = unknown_rule_key_problem(key, rulebook)
        if problem:
            raise config.error(node_path, problem)


# ---------------------------------------------------------------------------- resolution
def _matching_overrides(config: ProjectConfig, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    per_path: Mapping[str, Mapping[str, Any]] = config.data.get("per-path", {})
    return [(pattern, override) for pattern, override in per_path.items()
            if path != "-" and glob_matches(pattern, path, config.folder)]


def _apply(values: dict[str, Any], origins: dict[str, str], data: Mapping[str, Any], source: str) -> None:
    for key in ("select", "profile", "year", "fail-on"):
        if key in data:
            values[key], origins[key] = data[key], source
    if "ignore" in data:
        values["ignore"] = [*values.get("ignore", []), *data["ignore"]]
        origins["ignore"] = source if "ignore" not in origins else f"{origins['ignore']} + {source}"
    if "severity" in data:
        values["severity"] = {**values.get("severity", {}), **data["severity"]}
        origins["severity"] = source if "severity" not in origins else f"{origins['severity']} + {source}"


def _apply_cli(values: dict[str, Any], origins: dict[str, str], cli: CliOverrides) -> None:
    given = {"select": list(cli.select), "ignore": list(cli.ignore), "fail-on": cli.fail_on,
             "profile": cli.profile, "year": cli.year}
    for key, value in given.items():
        if value:
            values[key], origins[key] = value, CLI_SOURCE
    if cli.rulebooks:
        values["extend-rulebook"] = [*values.get("extend-rulebook", []), *map(_absolute, cli.rulebooks)]
        origins["extend-rulebook"] = f"{origins.get('extend-rulebook', DEFAULT_SOURCE)} + {CLI_SOURCE}"


def _absolute(path: str) -> str:
    return os.path.realpath(path)


def resolve_settings(path: str, cli: CliOverrides = CliOverrides()) -> Settings:
    """The effective settings for ``path``: its config, then matching per-path overrides, then the CLI."""
    config = config_for(path, cli)
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    _apply(values, origins, config.data, config.source)
    if "extend-rulebook" in config.data:
        values["extend-rulebook"] = [_joined(config.folder, item) for item in config.data["extend-rulebook"]]
        origins["extend-rulebook"] = config.source
    for pattern, override in _matching_overrides(config, path):
        _apply(values, origins, override, f"{config.source} [per-path \"{pattern}\"]")
    _apply_cli(values, origins, cli)
    year = values.get("year")
    return Settings(
        select=tuple(values.get("select", ())), ignore=tuple(values.get("ignore", ())),
        severity=tuple(sorted(values.get("severity", {}).items())),
        fail_on=values.get("fail-on", "error"), profile=values.get("profile"),
        year=int(year) if year is not None else None,
        rulebooks=tuple(values.get("extend-rulebook", ())),
        origins={key: origins.get(key, DEFAULT_SOURCE)
                 for key in ("select", "ignore", "severity", "fail-on", "profile", "year", "extend-rulebook")},
    )


def is_excluded(path: str, cli: CliOverrides) -> bool:
    """Whether a file found by walking a folder is excluded by ``--exclude`` or its config's ``exclude``."""
    if any(glob_matches(pattern, path, os.getcwd()) for pattern in cli.exclude):
        return True
    config = config_for(path, cli)
    return any(glob_matches(pattern, path, config.folder) for pattern in config.data.get("exclude", ()))


def series_agency(path: str, cli: CliOverrides = CliOverrides()) -> str | None:
    """The agency of ``path`` by its config's ``series-layout`` (``reports/{agency}/**``: the folder
    in that place of the path, relative to the config file), or None when no layout applies."""
    config = config_for(path, cli)
    layout = config.data.get("series-layout")
    if not layout or path == "-":
        return None
    relative = _relative_to(resolved(path), resolved(config.folder))
    if relative is None:
        return None
    parts = [part for part in relative.split(os.sep) if part not in ("", ".")]
    pattern = str(layout).strip("/").split("/")
    index = pattern.index("{agency}")
    if len(parts) <= index + 1:  # the agency is a folder: the file must be inside it
        return None
    import fnmatch  # only for a config with a series layout

    if not all(fnmatch.fnmatchcase(part, glob) for glob, part in zip(pattern[:index], parts[:index], strict=False)):
        return None
    return parts[index]


def series_regions(path: str, cli: CliOverrides = CliOverrides()) -> Mapping[str, list[str]]:
    """The config's ``series-regions``: a region's agency → its member agencies (for region_sum rules)."""
    if path == "-":
        return {}
    regions: Mapping[str, list[str]] = config_for(path, cli).data.get("series-regions", {})
    return regions


def describe(path: str, cli: CliOverrides = CliOverrides()) -> str:
    """``gk-audit config``: the effective settings for ``path`` and where each came from."""
    clear_caches()
    config = config_for(path, cli)
    settings = resolve_settings(path, cli)
    lines = [f"# 配置文件: {config.source}", f"# 检查对象: {path}"]
    width = max(len(key) for key in settings.as_dict())
    for key, value in settings.as_dict().items():
        shown = json.dumps(value, ensure_ascii=False)
        lines.append(f"{key.ljust(width)} = {shown}    # 来自 {settings.origins[key]}")
    excludes = [*cli.exclude, *config.data.get("exclude", ())]
    lines.append(f"{'exclude'.ljust(width)} = {json.dumps(excludes, ensure_ascii=False)}")
    suppressions = suppressions_for(path, cli)
    lines.append(f"{'suppressions'.ljust(width)} = {json.dumps(str(suppressions) if suppressions else None)}")
    return "\n".join(lines) + "\n"
