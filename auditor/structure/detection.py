"""The ``detection:`` block of a rulebook, compiled: how titles, years, eras, headings and table
regions are recognised. All patterns are matched against folded text (see auditor.textfold).

Keys (all optional, merged across rulebook files, later files win)::

    eras:               [{era: old, years: [1990, 2018]}, ...]
    default_era:        era used when neither a year nor a format signature decides
    title:              {search_lines: 15, max_length: 80, pattern: REGEX, year: REGEX(?P<year>)}
    statistical_period: REGEX with (?P<year>...)
    year_mention:       REGEX with (?P<year>...), counted over the first part of the report
    first_part_lines:   how many lines count as the first part when no second heading is found
    format_signatures:  [{era: "2021", patterns: [REGEX, ...]}, ...] tried in order
    headings:           [{level: 1, pattern: REGEX(?P<ordinal>), numeral: chinese|arabic}, ...]
    inline_series:      [{name: 一是, pattern: REGEX(?P<ordinal>), numeral: chinese}]
    table_regions:      {anchors: [REGEX], stops: [REGEX], max_label_length: 60, prose: REGEX}
    preamble:           {keys: [标题, ...], title_keys: [标题], rule: REGEX, max_lines: 20,
                         quiet_categories: [debris, ...]}: a crawler's key–value block at the top
    run_in:             {min_length: 200, signals: [REGEX], before: [REGEX], after: [REGEX],
                         row_label: REGEX, number: REGEX}: how a body without line breaks is cut into lines
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from auditor import regexcache
from auditor.records import field, record
from auditor.rulebook import ParamError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any


@record(eq=False, repr=False)
class HeadingPattern:
    """A heading pattern of one outline level and its numeral style."""
    level: int
    pattern: re.Pattern[str]
    numeral: str


@record(eq=False, repr=False)
class SeriesPattern:
    """A named pattern of a numbered series and its numeral style."""
    name: str
    pattern: re.Pattern[str]
    numeral: str


@record(eq=False, repr=False)
class PreambleSettings:
    """A key–value line (``标题: …``) is ``line``; its key is group ``key``, its value group ``value``."""

    line: re.Pattern[str]
    title_keys: frozenset[str]
    rule: re.Pattern[str] | None
    max_lines: int
    quiet_categories: frozenset[str]


@record(eq=False, repr=False)
class RunInSettings:
    """How a line that holds a whole report is cut: see ``auditor.structure.segments``."""

    min_length: int
    signals: tuple[re.Pattern[str], ...]
    before: tuple[re.Pattern[str], ...]
    after: tuple[re.Pattern[str], ...]
    row_label: re.Pattern[str] | None
    number: re.Pattern[str] | None


@record(eq=False, repr=False)
class Detection:
    """How an era's reports are recognised: eras, title, year and format signatures."""
    eras: tuple[tuple[str, int, int], ...] = ()
    default_era: str = "2021"
    title_search_lines: int = 15
    title_max_length: int = 80
    title_pattern: re.Pattern[str] | None = None
    title_year: re.Pattern[str] | None = None
    statistical_period: re.Pattern[str] | None = None
    year_mention: re.Pattern[str] | None = None
    first_part_lines: int = 40
    format_signatures: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = ()
    headings: tuple[HeadingPattern, ...] = ()
    inline_series: tuple[SeriesPattern, ...] = ()
    region_anchors: tuple[re.Pattern[str], ...] = ()
    region_stops: tuple[re.Pattern[str], ...] = ()
    region_max_label_length: int = 60
    region_prose: re.Pattern[str] | None = None
    preamble: PreambleSettings | None = None
    run_in: RunInSettings | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def era_for_year(self, year: int) -> str | None:
        for era, low, high in self.eras:
            if low <= year <= high:
                return era
        return None


LineSearch = Callable[[str], "re.Match[str] | None"]


@functools.cache
def line_search(pattern: re.Pattern[str]) -> LineSearch:
    """``pattern.search`` for a text of one line (no line break in it): ``pattern.match`` when the
    pattern opens with ``^`` or ``\\A``, which in such a text can only hold at its start. The match is
    the same; a search would try, and fail, at every other position of the line."""
    # worked out once per machine (parsing the patterns cost a cold start ~1 ms)
    anchored = regexcache.remembered(f"line_search:{pattern.flags}:{pattern.pattern}", lambda: _anchored(pattern))
    if not isinstance(anchored, bool):  # not what _anchored returns: a damaged cache file, rewritten
        anchored = regexcache.remember(f"line_search:{pattern.flags}:{pattern.pattern}", _anchored(pattern))
    return pattern.match if anchored else pattern.search


def _anchored(pattern: re.Pattern[str]) -> bool:
    from re import _constants, _parser  # the parsed form tells a leading ``^`` from one inside a group

    items = _parser.parse(pattern.pattern, pattern.flags).data
    starts = (_constants.AT_BEGINNING, _constants.AT_BEGINNING_STRING)
    return bool(items) and items[0][0] is _constants.AT and items[0][1] in starts


def compile_regex(source: Any, path: tuple[str | int, ...]) -> re.Pattern[str]:
    if not isinstance(source, str):
        raise ParamError(path, f"应为正则表达式字符串，而不是 {type(source).__name__}")
    try:
        compiled = regexcache.compile(source, re.MULTILINE)
    except re.error as error:
        raise ParamError(path, f"正则表达式无法编译: {error} （{source!r}）") from error
    from auditor.checks import compiling_deferred

    if compiling_deferred():  # a rulebook file that passed this check before
        return compiled
    from auditor.regex_safety import catastrophic_reason

    reason = catastrophic_reason(source, re.MULTILINE)
    if reason:
        raise ParamError(path, f"正则表达式可能灾难性回溯（{reason}），会让检查卡住；请改写 （{source!r}）")
    return compiled


def _optional(raw: Mapping[str, Any], key: str, path: tuple[str | int, ...]) -> re.Pattern[str] | None:
    return compile_regex(raw[key], (*path, key)) if key in raw else None


def _patterns(raw: Mapping[str, Any], key: str, path: tuple[str | int, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_regex(source, (*path, key, index)) for index, source in enumerate(raw.get(key, ())))


def compile_preamble(raw: Mapping[str, Any] | None) -> PreambleSettings | None:
    if not raw or not raw.get("keys"):
        return None
    keys = "|".join(re.escape(str(key)) for key in sorted(raw["keys"], key=len, reverse=True))
    line = compile_regex(rf"^\s*(?P<key>{keys})\s*:\s*(?P<value>.*?)\s*$", ("preamble", "keys"))
    return PreambleSettings(
        line=line, title_keys=frozenset(str(key) for key in raw.get("title_keys", ())),
        rule=_optional(raw, "rule", ("preamble",)), max_lines=int(raw.get("max_lines", 20)),
        quiet_categories=frozenset(str(category) for category in raw.get("quiet_categories", ())),
    )


def compile_run_in(raw: Mapping[str, Any] | None) -> RunInSettings | None:
    if not raw:
        return None
    path = ("run_in",)
    return RunInSettings(
        min_length=int(raw.get("min_length", 200)), signals=_patterns(raw, "signals", path),
        before=_patterns(raw, "before", path), after=_patterns(raw, "after", path),
        row_label=_optional(raw, "row_label", path), number=_optional(raw, "number", path),
    )


def compile_detection(raw: Mapping[str, Any]) -> Detection:
    title = raw.get("title") or {}
    regions = raw.get("table_regions") or {}
    return Detection(
        eras=tuple((str(entry["era"]), int(entry["years"][0]), int(entry["years"][1]))
                   for entry in raw.get("eras", ())),
        default_era=str(raw.get("default_era", "2021")),
        title_search_lines=int(title.get("search_lines", 15)),
        title_max_length=int(title.get("max_length", 80)),
        title_pattern=_optional(title, "pattern", ("title",)),
        title_year=_optional(title, "year", ("title",)),
        statistical_period=_optional(raw, "statistical_period", ()),
        year_mention=_optional(raw, "year_mention", ()),
        first_part_lines=int(raw.get("first_part_lines", 40)),
        format_signatures=tuple(
            (str(entry["era"]), tuple(compile_regex(source, ("format_signatures", index, "patterns", number))
                                      for number, source in enumerate(entry.get("patterns", ()))))
            for index, entry in enumerate(raw.get("format_signatures", ()))
        ),
        headings=tuple(
            HeadingPattern(int(entry["level"]), compile_regex(entry["pattern"], ("headings", index, "pattern")),
                           str(entry.get("numeral", "chinese")))
            for index, entry in enumerate(raw.get("headings", ()))
        ),
        inline_series=tuple(
            SeriesPattern(str(entry["name"]), compile_regex(entry["pattern"], ("inline_series", index, "pattern")),
                          str(entry.get("numeral", "chinese")))
            for index, entry in enumerate(raw.get("inline_series", ()))
        ),
        region_anchors=tuple(compile_regex(source, ("table_regions", "anchors", index))
                             for index, source in enumerate(regions.get("anchors", ()))),
        region_stops=tuple(compile_regex(source, ("table_regions", "stops", index))
                           for index, source in enumerate(regions.get("stops", ()))),
        region_max_label_length=int(regions.get("max_label_length", 60)),
        region_prose=_optional(regions, "prose", ("table_regions",)),
        preamble=compile_preamble(raw.get("preamble")),
        run_in=compile_run_in(raw.get("run_in")),
        raw=dict(raw),
    )
