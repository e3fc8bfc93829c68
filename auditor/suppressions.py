"""Suppressions with reasons: a suppressions file, and inline comments in Markdown/HTML reports.

The suppressions file (``gk-audit-suppressions.yaml`` next to the config, or ``--suppressions``)::

    suppressions:
      - path: "2023/*.txt"          # glob, relative to the suppressions file
        rule: GK201                 # rule id or name
        text: XX年                   # the finding's span contains this text (or fingerprint: …)
        reason: 引用的是上级文件原文  # required

An inline comment suppresses the named rules for the next block (the next non-blank lines up to a
blank line)::

    <!-- gk-audit: ignore GK201 原因：此处引用模板原文 -->

A suppression that suppresses nothing is reported under the rulebook's ``unused_suppression``
rule (GK010), like ruff's RUF100; an inline comment without a reason takes no effect and is
reported the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from auditor import regexcache
from auditor.checks import emit
from auditor.config import ConfigError, glob_matches
from auditor.diagnostics import Diagnostic
from auditor.document import Position, Span
from auditor.records import record
from auditor.rulebook import Rule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

    from auditor.safe_yaml import Marks, YamlPath

INLINE = regexcache.compile(r"<!--\s*gk-audit\s*:\s*ignore\s+(?P<rules>[A-Za-z0-9_,\s-]+?)"
                    r"\s*(?:(?:原因|理由|reason)\s*[:：]\s*(?P<reason>.*?))?\s*-->", re.IGNORECASE)
UNUSED_KIND = "unused_suppression"


# ---------------------------------------------------------------------------- inline comments
@record(eq=False, repr=False)
class InlineSuppression:
    """A suppression comment in the report: the rules, the reason and the lines it covers."""
    rules: frozenset[str]
    reason: str
    span: Span
    first_line: int
    last_line: int


def _block_after(lines: Sequence[str], comment_line: int) -> tuple[int, int]:
    """1-based (first, last) lines of the block after the comment on ``comment_line`` (1-based)."""
    first = comment_line + 1
    while first <= len(lines) and not lines[first - 1].strip():
        first += 1
    last = first
    while last + 1 <= len(lines) and lines[last].strip():
        last += 1
    return first, min(last, len(lines))


def find_inline(source_lines: Sequence[str]) -> list[InlineSuppression]:
    found: list[InlineSuppression] = []
    for number, line in enumerate(source_lines, start=1):
        if "gk-audit" not in line:
            continue
        for match in INLINE.finditer(line):
            rules = frozenset(item for item in re.split(r"[\s,]+", match["rules"]) if item)
            span = Span(Position(number, match.start() + 1), Position(number, match.end() + 1))
            first, last = _block_after(source_lines, number)
            found.append(InlineSuppression(rules, (match["reason"] or "").strip(), span, first, last))
    return found


def _covers(suppression: InlineSuppression, diagnostic: Diagnostic) -> bool:
    if diagnostic.span is None or not ({diagnostic.rule, diagnostic.name} & suppression.rules):
        return False
    return suppression.first_line <= diagnostic.span.start.line <= suppression.last_line


def _unused_message(suppression: InlineSuppression) -> str:
    rules = "、".join(sorted(suppression.rules))
    if not suppression.reason:
        return f"忽略注释（{rules}）没有写明原因，未生效"
    return f"忽略注释（{rules}）没有压制任何问题：其后的段落中没有这些规则的发现"


def apply_inline(source_lines: Sequence[str], diagnostics: list[Diagnostic], unused_rule: Rule | None,
                 era: str | None) -> list[Diagnostic]:
    """Drop diagnostics covered by inline comments; add one for each comment that covered none."""
    suppressions = find_inline(source_lines)
    if not suppressions:
        return diagnostics
    kept: list[Diagnostic] = []
    used: set[int] = set()
    for diagnostic in diagnostics:
        covering = [index for index, item in enumerate(suppressions) if item.reason and _covers(item, diagnostic)]
        used.update(covering)
        if not covering:
            kept.append(diagnostic)
    if unused_rule is not None:
        for index, suppression in enumerate(suppressions):
            if index not in used:
                kept.append(emit(unused_rule, era, suppression.span, {"problem": _unused_message(suppression)}))
    kept.sort(key=Diagnostic.sort_key)
    return kept


# ---------------------------------------------------------------------------- suppressions file
@record(eq=False, repr=False)
class Entry:
    """One entry of a suppressions file; ``line`` is where it starts in that file."""

    path: str
    rule: str
    reason: str
    line: int
    text: str | None = None
    fingerprint: str | None = None

    def matches_rule(self, diagnostic: Diagnostic) -> bool:
        return self.rule in (diagnostic.rule, diagnostic.name)

    def matches(self, diagnostic: Diagnostic, fingerprint: str, source_lines: Sequence[str]) -> bool:
        if not self.matches_rule(diagnostic):
            return False
        if self.fingerprint is not None:
            return fingerprint == self.fingerprint or fingerprint.split(":")[0] == self.fingerprint
        if self.text is not None:
            from auditor.fingerprint import normalise, span_texts  # only for an entry that names a text

            span_text, neighbourhood = span_texts(source_lines, diagnostic)
            wanted = normalise(self.text)
            return wanted in span_text or (not span_text and wanted in neighbourhood)
        return True


@record(eq=False, repr=False)
class SuppressionFile:
    """A suppression file and its entries."""
    path: str  # absolute, symlinks resolved
    entries: tuple[Entry, ...]

    def entries_for(self, file_path: str) -> list[int]:
        return [index for index, entry in enumerate(self.entries)
                if glob_matches(entry.path, file_path, os.path.dirname(self.path))]


_ENTRY_KEYS = {"path", "rule", "reason", "text", "fingerprint"}


def _entry(path: str, index: int, data: Any, marks: Marks, node_path: YamlPath) -> Entry:
    from auditor.safe_yaml import mark_of

    key = f"suppressions[{index}]"

    def error(problem: str, field: str = "") -> ConfigError:
        line, column = mark_of(marks, (*node_path, field) if field else node_path)
        return ConfigError(str(path), f"{key}.{field}" if field else key, problem, line, column)

    if not isinstance(data, dict):
        raise error("每一项必须是一个映射（path、rule、reason …）")
    unknown = set(data) - _ENTRY_KEYS
    if unknown:
        raise error(f"未知的键: {', '.join(sorted(map(str, unknown)))}")
    for required in ("path", "rule"):
        if not isinstance(data.get(required), str) or not data[required].strip():
            raise error("缺少或为空", required)
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise error("每条压制都必须写明原因（reason）", "reason")
    line = mark_of(marks, node_path)[0] or 1
    return Entry(path=data["path"], rule=str(data["rule"]), reason=reason.strip(), line=line,
                 text=str(data["text"]) if data.get("text") is not None else None,
                 fingerprint=str(data["fingerprint"]) if data.get("fingerprint") is not None else None)


def load_suppressions(path: str | os.PathLike[str]) -> SuppressionFile:
    """Read a suppressions file (a list, or a mapping with ``suppressions:``); ConfigError if bad."""
    from auditor.safe_yaml import YamlProblem, load_marked, mark_of  # only where a suppressions file is

    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), "", f"无法读取压制文件（{error}）") from error
    try:
        data, marks = load_marked(text)
    except YamlProblem as error:
        raise ConfigError(str(path), "", error.problem, error.line, error.column) from error
    if data is None:
        return SuppressionFile(os.path.realpath(path), ())
    prefix: YamlPath = ()
    if isinstance(data, dict):
        if "suppressions" not in data:
            raise ConfigError(str(path), "suppressions", "缺少 suppressions: 列表", 1, 1)
        data, prefix = data["suppressions"], ("suppressions",)
    if not isinstance(data, list):
        line, column = mark_of(marks, prefix)
        raise ConfigError(str(path), "suppressions", "必须是一个列表", line, column)
    entries = tuple(_entry(path, index, item, marks, (*prefix, index)) for index, item in enumerate(data))
    return SuppressionFile(os.path.realpath(path), entries)


@record(eq=False, repr=False)
class FileOutcome:
    """What the suppressions file did on one checked file: entries that applied and that were used."""

    applicable: frozenset[int]
    used: frozenset[int]


def apply_file(suppressions: SuppressionFile | None, file_path: str, diagnostics: list[Diagnostic],
               fingerprints: list[str], source_lines: Sequence[str]) -> tuple[list[int], FileOutcome]:
    """Indices of the diagnostics to keep, and which entries applied to / were used on this file."""
    if suppressions is None:
        return list(range(len(diagnostics))), FileOutcome(frozenset(), frozenset())
    applicable = suppressions.entries_for(file_path)
    keep: list[int] = []
    used: set[int] = set()
    for position, (diagnostic, fingerprint) in enumerate(zip(diagnostics, fingerprints, strict=True)):
        hits = [index for index in applicable
                if suppressions.entries[index].matches(diagnostic, fingerprint, source_lines)]
        used.update(hits)
        if not hits:
            keep.append(position)
    return keep, FileOutcome(frozenset(applicable), frozenset(used))


def unused_entries(suppressions: SuppressionFile, outcomes: Sequence[FileOutcome], rule: Rule | None
                   ) -> list[Diagnostic]:
    """GK010 for each entry that applied to a checked file but suppressed nothing."""
    if rule is None:
        return []
    applicable = frozenset().union(*(outcome.applicable for outcome in outcomes))
    used = frozenset().union(*(outcome.used for outcome in outcomes))
    found = []
    for index in sorted(applicable - used):
        entry = suppressions.entries[index]
        span = Span(Position(entry.line, 1), Position(entry.line, 2))
        problem = f"压制文件中的第 {index + 1} 条（{entry.rule}，{entry.path}）没有压制任何问题"
        found.append(emit(rule, None, span, {"problem": problem}))
    return found
