"""Baselines: record today's findings, then report only new ones.

``--write-baseline FILE`` writes every finding as an entry ``{path, rule, fingerprint, count}``
(path relative to the repository root; fingerprint of the normalised span text and its line, never a
line number, see auditor.fingerprint). ``--baseline FILE`` drops findings the baseline covers (up to
``count`` per key); entries of checked files that no longer match are *stale*, and
``--baseline-prune`` rewrites the file without them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence

from auditor.config import ConfigError
from auditor.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

VERSION = 1
Key = tuple[str, str, str]  # (path, rule, fingerprint without occurrence index)


@record(eq=False, repr=False)
class StaleEntry:
    """A baseline entry that current findings no longer match: ``unmatched`` of its recorded occurrences."""

    path: str
    rule: str
    fingerprint: str
    unmatched: int

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "rule": self.rule, "fingerprint": self.fingerprint, "unmatched": self.unmatched}


def base_fingerprint(fingerprint: str) -> str:
    return fingerprint.split(":", 1)[0]


def keys_of(path: str, rules: Iterable[str], fingerprints: Iterable[str]) -> list[Key]:
    return [(path, rule, base_fingerprint(fingerprint)) for rule, fingerprint in zip(rules, fingerprints, strict=True)]


def dump(counts: Counter[Key]) -> str:
    entries = [{"path": path, "rule": rule, "fingerprint": fingerprint, "count": count}
               for (path, rule, fingerprint), count in sorted(counts.items()) if count > 0]
    return json.dumps({"tool": "gk-audit", "version": VERSION, "entries": entries}, ensure_ascii=False,
                      indent=2) + "\n"


MAX_COUNT = 1_000_000


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"不允许的数值 {name}")


def _parse(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except FileNotFoundError as error:
        raise ConfigError(path, "", "基线文件不存在（先用 --write-baseline 生成）") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, "", f"无法读取基线文件（{getattr(error, 'strerror', None) or error}）") from error
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ConfigError(path, "", f"JSON 语法错误: {error.msg}", error.lineno, error.colno) from error
    except ValueError as error:  # NaN, Infinity
        raise ConfigError(path, "", f"基线文件中有{error}") from error
    except RecursionError as error:
        raise ConfigError(path, "", "基线文件嵌套过深") from error


def _entry_key(entry: Any) -> tuple[Key, int] | None:
    if not isinstance(entry, dict):
        return None
    fields = [entry.get(name) for name in ("path", "rule", "fingerprint")]
    count = entry.get("count")
    if not all(isinstance(field, str) for field in fields) or type(count) is not int or not 0 <= count <= MAX_COUNT:
        return None
    return (fields[0], fields[1], fields[2]), count


def load(path: str) -> Counter[Key]:
    """The entries of a baseline file; ConfigError naming the file if it cannot be used."""
    data = _parse(path)
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
        raise ConfigError(path, "version", f"不是 gk-audit 第 {VERSION} 版基线文件")
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(data["entries"]):
        found = _entry_key(entry)
        if found is None:
            raise ConfigError(path, f"entries[{index}]",
                              f"须有字符串 path、rule、fingerprint 和 0 到 {MAX_COUNT} 之间的整数 count")
        counts[found[0]] += found[1]
    return counts


class BaselineFilter:
    """Consumes baseline entries file by file; remembers what matched for stale reporting and pruning."""

    def __init__(self, counts: Counter[Key]) -> None:
        self.counts = counts
        self.matched: Counter[Key] = Counter()
        self.checked_paths: set[str] = set()

    def new_findings(self, keys: Sequence[Key]) -> list[int]:
        """Indices (into ``keys``) of the findings the baseline does not cover."""
        if keys:
            self.checked_paths.add(keys[0][0])
        fresh: list[int] = []
        for index, key in enumerate(keys):
            if self.matched[key] < self.counts.get(key, 0):
                self.matched[key] += 1
            else:
                fresh.append(index)
        return fresh

    def mark_checked(self, path: str) -> None:
        self.checked_paths.add(path)

    def stale(self) -> list[StaleEntry]:
        return [StaleEntry(path, rule, fingerprint, count - self.matched[(path, rule, fingerprint)])
                for (path, rule, fingerprint), count in sorted(self.counts.items())
                if path in self.checked_paths and self.matched[(path, rule, fingerprint)] < count]

    def pruned(self) -> Counter[Key]:
        """The baseline without stale entries (entries of files not checked this run are kept)."""
        return Counter({key: (self.matched[key] if key[0] in self.checked_paths else count)
                        for key, count in self.counts.items()})


def stale_note(stale: Sequence[StaleEntry], baseline_path: str) -> str:
    if not stale:
        return ""
    total = sum(entry.unmatched for entry in stale)
    return (f"提示: 基线 {baseline_path} 中有 {total} 条记录已不再出现（问题已修正或文本已改动），"
            f"可用 --baseline-prune 删去")
