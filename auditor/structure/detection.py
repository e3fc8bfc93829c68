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
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor import regexcache
from auditor.rulebook import ParamError


@dataclass(frozen=True)
class HeadingPattern:
    level: int
    pattern: re.Pattern[str]
    numeral: str


@dataclass(frozen=True)
class SeriesPattern:
    name: str
    pattern: re.Pattern[str]
    numeral: str


@dataclass(frozen=True)
class Detection:
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
    raw: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def era_for_year(self, year: int) -> str | None:
        for era, low, high in self.eras:
            if low <= year <= high:
                return era
        return None


def compile_regex(source: Any, path: tuple[str | int, ...]) -> re.Pattern[str]:
    if not isinstance(source, str):
        raise ParamError(path, f"应为正则表达式字符串，而不是 {type(source).__name__}")
    try:
        return regexcache.compile(source, re.MULTILINE)
    except re.error as error:
        raise ParamError(path, f"正则表达式无法编译: {error} （{source!r}）") from error


def _optional(raw: Mapping[str, Any], key: str, path: tuple[str | int, ...]) -> re.Pattern[str] | None:
    return compile_regex(raw[key], (*path, key)) if key in raw else None


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
        raw=dict(raw),
    )
