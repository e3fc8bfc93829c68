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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.config import ConfigError

VERSION = 1
Key = tuple[str, str, str]  # (path, rule, fingerprint without occurrence index)


@dataclass(frozen=True)
class StaleEntry:
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


def load(path: str) -> Counter[Key]:
    """The entries of a baseline file; ConfigError naming the file if it cannot be used."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(path, "", "基线文件不存在（先用 --write-baseline 生成）") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(path, "", f"无法读取基线文件（{error}）") from error
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
        raise ConfigError(path, "version", f"不是 gk-audit 第 {VERSION} 版基线文件")
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(data["entries"]):
        try:
            counts[(str(entry["path"]), str(entry["rule"]), str(entry["fingerprint"]))] += int(entry["count"])
        except (KeyError, TypeError, ValueError) as error:
            raise ConfigError(path, f"entries[{index}]", "须有 path、rule、fingerprint、count") from error
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
    return (f"note: 基线 {baseline_path} 中有 {total} 条记录已不再出现（问题已修正或文本已改动），"
            f"可用 --baseline-prune 删去")
