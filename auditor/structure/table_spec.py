"""Table definitions from the rulebook's top-level ``tables:`` mapping, compiled for one era.

A definition (see rules/tables-*.yaml) looks like::

    t3:
      title: 收到和处理政府信息公开申请情况表      # shown in messages
      eras: ["2019", "2021"]                     # which reports carry it (default: all eras)
      required: true                             # a report of these eras must have it
      layout: rows                               # rows: a label then its cells; vector: one unlabelled row
      section: ['收到和处理', '依申请']            # regexes for the part (level-1 heading) it belongs in
      anchors: ['\\(本列数据的勾稽关系为', ...]     # regexes (folded text) where the table starts
      header: [信息内容]                          # labels opening the header row: when no anchor matches,
                                                 # a header row with the table's columns, then its rows
      row_total: total                           # the column that is the sum of the others in each row
                                                 # (lets a row whose digits ran together be split, once)
      ends: ['^\\s*[一二三四五六七八九十]+、', '附件下载']  # regexes (folded line): a line matching one that
                                                 # holds no label of the table ends it (a heading, page
                                                 # furniture)
      min_rows_found: 0.3                        # below this share of its required rows found (from 1: this
                                                 # number of rows), the table is of another format: not read
                                                 # cell by cell (tables.other_format_tables) when, too,
      min_lines_recognised: 0.5                  # fewer than this share of its own rows (lines with a label
                                                 # and a number) hold a row label of the definition
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
spaces, tabs and line breaks (so ``商业 企业`` and a label wrapped over up to three lines match),
an ordinal before them and a parenthetical suffix after them are allowed.

``validate_tables`` checks what the schema cannot (regexes compile, keys unique within an era) when
the rulebook is loaded, raising ParamError with the YAML path of the bad entry.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Mapping, Sequence

from auditor import records, regexcache
from auditor.records import record
from auditor.rulebook import ParamError
from auditor.textfold import fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

# a label is a whole cell: no Han character or letter right before or after it
_HAN_OR_LETTER = r"\u3400-\u9fffA-Za-z"
_SUFFIX = r"(?:\([^()]{0,160}\))?"
_WORD = regexcache.compile(f"[{_HAN_OR_LETTER}]")
MAX_LABEL_BREAKS = 2  # a label wrapped inside its cell: at most this many line breaks in it


_UNSQUEEZED_RUN = regexcache.compile(r"[^ \t\n\r]+")


@record(eq=False, repr=False)
class OffsetMap:
    """``map[i]`` is the folded-text offset of character ``i`` of the squeezed text. Stored as runs
    of kept characters (one per gap of blanks), not one entry per character: building it is a
    C-level regex pass even for a long report."""

    run_starts: tuple[int, ...]  # folded offset where each run of kept characters starts
    run_ends: tuple[int, ...]
    squeezed_starts: tuple[int, ...]  # squeezed index of each run's first character
    length: int

    def __init__(self, run_starts: tuple[int, ...], run_ends: tuple[int, ...], squeezed_starts: tuple[int, ...],
                 length: int) -> None:  # written out: made per table area of every report
        self.run_starts, self.run_ends = run_starts, run_ends
        self.squeezed_starts, self.length = squeezed_starts, length

    def __getitem__(self, index: int) -> int:
        run = bisect.bisect_right(self.squeezed_starts, index) - 1
        return self.run_starts[run] + index - self.squeezed_starts[run]

    def index_at(self, offset: int) -> int:
        """The squeezed index of the first kept character at or after folded ``offset``."""
        run = bisect.bisect_right(self.run_starts, offset) - 1
        if run >= 0 and offset < self.run_ends[run]:
            return self.squeezed_starts[run] + offset - self.run_starts[run]
        return self.squeezed_starts[run + 1] if run + 1 < len(self.squeezed_starts) else self.length


@record(eq=False, repr=False)
class Squeezed:
    """Folded text without spaces, tabs and line breaks, where labels are matched (so ``商业 企业``
    is ``商业企业`` and a label wrapped in its cell is whole); ``offsets[i]`` is the offset in the
    folded text of ``text[i]``. A match counts only as a whole cell: no Han character or letter
    right before or after it in the folded text, and at most MAX_LABEL_BREAKS line breaks inside."""

    folded: str
    text: str
    offsets: OffsetMap

    def __init__(self, folded: str, text: str, offsets: OffsetMap) -> None:  # written out, as OffsetMap's
        self.folded, self.text, self.offsets = folded, text, offsets

    @classmethod
    def of(cls, folded: str) -> Squeezed:
        # the runs of kept characters and where they start: every blank made a line break (a few
        # str.replace), the text split at them (a run of blanks leaves empty pieces between, dropped),
        # each piece starting one character after the end of the one before; every step runs in C,
        # three times faster than splitting at a regex of the blanks
        lines = folded.replace(" ", "\n").replace("\t", "\n").replace("\r", "\n").split("\n")
        line_starts = itertools.accumulate(map((1).__add__, map(len, lines)), initial=0)
        pieces = list(itertools.compress(lines, lines))
        starts = list(itertools.compress(line_starts, lines))
        lengths = list(map(len, pieces))
        squeezed_starts = list(itertools.accumulate(lengths, initial=0))
        offsets = OffsetMap(tuple(starts), tuple(map(operator.add, starts, lengths)),
                            tuple(squeezed_starts[:-1]), squeezed_starts[-1])
        return cls(folded, "".join(pieces), offsets)

    def _whole(self, start: int, end: int, label_end: int) -> bool:
        before = start > 0 and _WORD.match(self.folded[start - 1]) is not None
        after = end < len(self.folded) and _WORD.match(self.folded[end]) is not None
        return not before and not after and self.folded.count("\n", start, label_end) <= MAX_LABEL_BREAKS

    def search(self, pattern: re.Pattern[str], start: int, end: int) -> tuple[int, int] | None:
        """The folded-text span of the first whole-cell match between two folded offsets."""
        # a search of the whole text (a line's labels) needs no offsets looked up: the first kept
        # character is at 0, and at or after the text's end there is only the squeezed text's end
        position = 0 if start <= 0 else self.offsets.index_at(start)
        stop = self.offsets.length if end >= len(self.folded) else self.offsets.index_at(end)
        while True:
            match = pattern.search(self.text, position, stop)
            if match is None:
                return None
            first = self.offsets[match.start()]
            label_end = self.offsets[match.end("label") - 1] + 1
            for last in (match.end(), match.end("label")):
                span = (first, self.offsets[last - 1] + 1)
                if self._whole(*span, label_end):
                    return span
            position = match.start() + 1


def has_label(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` (a line or part of one) holds a whole-cell match of ``pattern``."""
    if pattern.search("".join(_UNSQUEEZED_RUN.findall(text))) is None:
        return False  # no match at all in the squeezed text (most calls): no offsets needed
    return Squeezed.of(text).search(pattern, 0, len(text)) is not None


@record(frozen=True, repr=False)
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
    ambiguous: bool = False  # a row label that is also a column label (其他, 总计)


@record(eq=False, repr=False)
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
    header: re.Pattern[str] | None = None  # labels opening the header row, on folded text (see loose_regex)
    row_total: str | None = None  # the column that is the sum of the others in every row
    ends: tuple[re.Pattern[str], ...] = ()  # a line matching one (and holding no label of the table) ends it
    min_rows_found: float | None = None  # share of required rows (from 1: rows) below which: another format
    min_lines_recognised: float = 0.5  # ... if also fewer of the table's own row lines are recognised

    @functools.cached_property
    def data_rows(self) -> tuple[LabelSpec, ...]:
        """The rows that hold values (not group labels); asked for many times per report."""
        return tuple(row for row in self.rows if not row.group)


def label_regex(texts: Sequence[str]) -> str:
    """A regex source matching any of ``texts`` as a whole cell of squeezed folded text."""
    alternatives = []
    # longest first; equal lengths in text order, not the set's (which changes with each process's
    # string hashing): the same source in every run, so the regex cache finds it
    for text in sorted({"".join(fold(text).split()) for text in texts}, key=lambda text: (-len(text), text)):
        alternatives.append(re.escape(text))
    return f"(?P<label>{'|'.join(alternatives)})(?P<suffix>{_SUFFIX})"


def loose_regex(texts: Sequence[str]) -> str:
    """A regex source matching any of ``texts`` as a whole cell of folded text, with spaces allowed
    between characters (for searching the document without squeezing it)."""
    alternatives = [r"\s*".join(map(re.escape, "".join(fold(text).split())))
                    for text in sorted(set(texts), key=lambda text: (-len(text), text))]  # same order every run
    return f"(?<![{_HAN_OR_LETTER}])(?:{'|'.join(alternatives)})(?![{_HAN_OR_LETTER}])"


def _in_era(entry: Mapping[str, Any], era: str) -> bool:
    eras = entry.get("eras")
    return eras is None or era in {str(item) for item in eras}


def _label_spec(entry: Mapping[str, Any]) -> LabelSpec:
    texts = [str(entry["label"]), *map(str, entry.get("aliases", ()))]
    return LabelSpec(
        key=str(entry["key"]), label=str(entry["label"]), pattern=regexcache.compile(label_regex(texts)),
        group=bool(entry.get("group", False)), subtotal=bool(entry.get("subtotal", False)),
        optional=bool(entry.get("optional", False)), money=bool(entry.get("money", False)),
        signed=bool(entry.get("signed", False)),
    )


def _squeeze(text: str) -> str:
    return "".join(fold(text).split())


def _mark_ambiguous(rows: tuple[LabelSpec, ...], columns: tuple[LabelSpec, ...]) -> tuple[LabelSpec, ...]:
    """Rows whose label is also a column's label: a lone cell with it does not by itself end a row."""
    def is_column(row: LabelSpec) -> bool:
        return any(column.pattern.fullmatch(_squeeze(row.label)) for column in columns)
    return tuple(records.replace(row, ambiguous=True) if is_column(row) else row for row in rows)


def _any_of(labels: Sequence[LabelSpec]) -> re.Pattern[str]:
    sources = [label.pattern.pattern for label in labels]
    renamed = [source.replace("?P<label>", "?:").replace("?P<suffix>", "?:") for source in sources]
    return regexcache.compile("(?P<label>" + ("|".join(f"(?:{source})" for source in renamed) or r"(?!)") + ")")


def _table_spec(table_id: str, raw: Mapping[str, Any], era: str) -> TableSpec:
    columns = tuple(_label_spec(entry) for entry in raw.get("columns", ()) if _in_era(entry, era))
    rows = _mark_ambiguous(tuple(_label_spec(entry) for entry in raw.get("rows", ()) if _in_era(entry, era)),
                           columns)
    section = raw.get("section", ())
    header = [str(text) for text in raw.get("header", ())]
    return TableSpec(
        id=table_id, title=str(raw.get("title", table_id)), layout=str(raw.get("layout", "rows")),
        required=bool(raw.get("required", True)),
        anchors=tuple(regexcache.compile(source, re.MULTILINE) for source in raw.get("anchors", ())),
        section=tuple(regexcache.compile(source) for source in ([section] if isinstance(section, str) else section)),
        rows=rows, columns=columns, any_row_label=_any_of(rows), any_header_label=_any_of(rows + columns),
        header=regexcache.compile(loose_regex(header)) if header else None,
        row_total=str(raw["row_total"]) if raw.get("row_total") else None,
        ends=tuple(regexcache.compile(source, re.MULTILINE) for source in raw.get("ends", ())),
        min_rows_found=float(raw["min_rows_found"]) if raw.get("min_rows_found") is not None else None,
        min_lines_recognised=float(raw.get("min_lines_recognised", 0.5)),
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


# ---------------------------------------------------------------------------- load-time validation
def _check_regexes(sources: Any, path: tuple[str | int, ...]) -> None:
    located = [(path, sources)] if isinstance(sources, str) else [((*path, index), source)
                                                                   for index, source in enumerate(sources or ())]
    for where, source in located:
        try:
            regexcache.compile(str(source), re.MULTILINE)
        except re.error as error:
            raise ParamError(where, f"正则表达式无效（{error}）: {source!r}") from error


def _check_keys(entries: Sequence[Mapping[str, Any]], path: tuple[str | int, ...]) -> None:
    """Keys are unique among the entries that apply to any one era."""
    for era in ("old", "2019", "2021"):
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            key = str(entry.get("key"))
            if not _in_era(entry, era):
                continue
            if key in seen:
                raise ParamError((*path, index, "key"), f"键 {key!r} 在 {era} 年度格式中重复")
            seen.add(key)


def validate_tables(tables: Mapping[str, Any]) -> None:
    """Raise ParamError (path relative to ``tables``) for a regex that does not compile or a key
    used twice in one era. Compiling here also fills ``re``'s cache for the first report."""
    for table_id, raw in tables.items():
        if not isinstance(raw, Mapping):
            continue
        _check_regexes(raw.get("anchors"), (table_id, "anchors"))
        _check_regexes(raw.get("section"), (table_id, "section"))
        _check_regexes(raw.get("ends"), (table_id, "ends"))
        for axis in ("rows", "columns"):
            _check_keys(raw.get(axis) or (), (table_id, axis))
