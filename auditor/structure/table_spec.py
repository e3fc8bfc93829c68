"""Table definitions from the rulebook's top-level ``tables:`` mapping, compiled for one era.

A definition (see rules/tables-*.yaml) looks like::

    t3:
      title: 收到和处理政府信息公开申请情况表      # shown in messages
      eras: ["2019", "2021"]                     # which reports carry it (default: all eras)
      required: true                             # a report of these eras must have it
      layout: rows                               # rows: a label then its cells; vector: one unlabelled row
      section: ['收到和处理', '依申请']            # regexes for the part (level-1 heading) it belongs in
      anchors: ['\\(本列数据的勾稽关系为', ...]     # regexes (folded text) where the table starts
      columns:
        - {key: natural, label: 自然人}
        - {key: total, label: 总计}
      rows:
        - {key: new, label: 本年新收政府信息公开申请数量}
        - {key: results, label: 本年度办理结果, group: true}   # label only, carries no cells
        - {key: c6, label: 其他处理, eras: ["2019"]}          # keys may repeat across disjoint eras

Row and column entries take ``label`` (as printed), ``aliases`` (other spellings), ``eras``,
``optional`` (not reported when absent); rows take ``group`` (label-only) and ``subtotal`` (a
group that may carry cells); columns take ``money`` (values are Decimal) and ``signed`` (may be
negative, e.g. 本年增/减). Labels are plain text: folded (spec §0) and matched on text without
spaces and tabs (so spaces inside a label are tolerated; a line break is not, except inside the
suffix), an ordinal before them and a parenthetical suffix after them are allowed.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.textfold import fold

# a label is a whole cell: no Han character or letter right before or after it
_HAN_OR_LETTER = r"\u3400-\u9fffA-Za-z"
_SUFFIX = r"(?:\n?\([^()\n]{0,80}(?:\n[^()\n]{0,80}){0,2}\))?"
_WORD = re.compile(f"[{_HAN_OR_LETTER}]")


@dataclass(frozen=True)
class Squeezed:
    """Folded text without spaces and tabs, where labels are matched (so ``商业 企业`` is
    ``商业企业``); ``offsets[i]`` is the offset in the folded text of ``text[i]``. A match counts
    only as a whole cell: no Han character or letter right before or after it in the folded text."""

    folded: str
    text: str
    offsets: tuple[int, ...]

    @classmethod
    def of(cls, folded: str) -> Squeezed:
        offsets = tuple(index for index, char in enumerate(folded) if char != " " and char != "\t")
        return cls(folded, "".join(folded[index] for index in offsets), offsets)

    def _whole(self, start: int, end: int) -> bool:
        before = start > 0 and _WORD.match(self.folded[start - 1]) is not None
        after = end < len(self.folded) and _WORD.match(self.folded[end]) is not None
        return not before and not after

    def search(self, pattern: re.Pattern[str], start: int, end: int) -> tuple[int, int] | None:
        """The folded-text span of the first whole-cell match between two folded offsets."""
        position = bisect.bisect_left(self.offsets, start)
        stop = bisect.bisect_left(self.offsets, end)
        while True:
            match = pattern.search(self.text, position, stop)
            if match is None:
                return None
            first = self.offsets[match.start()]
            for last in (match.end(), match.end("label")):
                span = (first, self.offsets[last - 1] + 1)
                if self._whole(*span):
                    return span
            position = match.start() + 1


def has_label(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` (a line or part of one) holds a whole-cell match of ``pattern``."""
    return Squeezed.of(text).search(pattern, 0, len(text)) is not None


@dataclass(frozen=True)
class LabelSpec:
    """A row or a column of a table definition."""

    key: str
    label: str
    pattern: re.Pattern[str]
    group: bool = False
    subtotal: bool = False
    optional: bool = False
    money: bool = False
    signed: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A table definition for one era, with its labels compiled."""

    id: str
    title: str
    layout: str
    required: bool
    anchors: tuple[re.Pattern[str], ...]
    section: tuple[re.Pattern[str], ...]
    rows: tuple[LabelSpec, ...]
    columns: tuple[LabelSpec, ...]
    any_row_label: re.Pattern[str]
    any_header_label: re.Pattern[str]

    @property
    def data_rows(self) -> tuple[LabelSpec, ...]:
        return tuple(row for row in self.rows if not row.group)


def label_regex(texts: Sequence[str]) -> str:
    """A regex source matching any of ``texts`` as a whole cell of squeezed folded text."""
    alternatives = []
    for text in sorted({"".join(fold(text).split()) for text in texts}, key=len, reverse=True):
        alternatives.append(re.escape(text))
    return f"(?P<label>{'|'.join(alternatives)})(?P<suffix>{_SUFFIX})"


def _in_era(entry: Mapping[str, Any], era: str) -> bool:
    eras = entry.get("eras")
    return eras is None or era in {str(item) for item in eras}


def _label_spec(entry: Mapping[str, Any]) -> LabelSpec:
    texts = [str(entry["label"]), *map(str, entry.get("aliases", ()))]
    return LabelSpec(
        key=str(entry["key"]), label=str(entry["label"]), pattern=re.compile(label_regex(texts)),
        group=bool(entry.get("group", False)), subtotal=bool(entry.get("subtotal", False)),
        optional=bool(entry.get("optional", False)), money=bool(entry.get("money", False)),
        signed=bool(entry.get("signed", False)),
    )


def _any_of(labels: Sequence[LabelSpec]) -> re.Pattern[str]:
    sources = [label.pattern.pattern for label in labels]
    renamed = [source.replace("?P<label>", "?:").replace("?P<suffix>", "?:") for source in sources]
    return re.compile("(?P<label>" + ("|".join(f"(?:{source})" for source in renamed) or r"(?!)") + ")")


def _table_spec(table_id: str, raw: Mapping[str, Any], era: str) -> TableSpec:
    rows = tuple(_label_spec(entry) for entry in raw.get("rows", ()) if _in_era(entry, era))
    columns = tuple(_label_spec(entry) for entry in raw.get("columns", ()) if _in_era(entry, era))
    section = raw.get("section", ())
    return TableSpec(
        id=table_id, title=str(raw.get("title", table_id)), layout=str(raw.get("layout", "rows")),
        required=bool(raw.get("required", True)),
        anchors=tuple(re.compile(source, re.MULTILINE) for source in raw.get("anchors", ())),
        section=tuple(re.compile(source) for source in ([section] if isinstance(section, str) else section)),
        rows=rows, columns=columns, any_row_label=_any_of(rows), any_header_label=_any_of(rows + columns),
    )


class _Identity:
    """Hashes by identity, so a rulebook's ``tables`` mapping can key a cache while it lives."""

    def __init__(self, value: Mapping[str, Any]) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.value is self.value


@functools.lru_cache(maxsize=16)
def _compiled(tables: _Identity, era: str) -> tuple[TableSpec, ...]:
    return tuple(_table_spec(str(table_id), raw, era) for table_id, raw in tables.value.items()
                 if _in_era(raw, era))


def table_specs(tables: Mapping[str, Any], era: str) -> tuple[TableSpec, ...]:
    """The table definitions that apply to ``era``, compiled once per rulebook and era."""
    return _compiled(_Identity(tables), era)
