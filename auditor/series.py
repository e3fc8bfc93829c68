"""Series of reports of one agency: per-report summaries, pairing by agency and year, the cross pass.

A batch run keeps, per report, a compact ``ReportSummary`` instead of the Document: the agency
(normalised from the title, or a folder name by the config's ``series-layout``), year and era, the
table cells that cross-report rules and the series chart read (with their spans and the text of
their lines), and the narrative paragraphs that the copied-text rule compares. After every file
was checked, ``pair_series`` groups the summaries by agency and sorts each group by year
(O(n log n)); ``run_series`` runs the series rules (kinds ``series_link``, ``cross_report``,
``copied_text``) on each report and its predecessor, ``run_regions`` the ``region_sum`` rules on a
region's report and its members' (config ``series-regions``), and the findings go to the later (or
the region's) report. Summaries travel from the workers and wait for the pass packed (a few KB each),
and are unpacked a few at a time; with ``--jobs`` above 1 the agencies' pairs are compared in worker
processes too (``run_group_jobs``). Knowledge (agency patterns, identities, thresholds, messages) is
in rules/cross-report.yaml.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Document, LineMap, Position, SegmentMap, Span
from auditor.expr import CellSet, Domain, Expr, Identity, _cellsets, evaluate_sum
from auditor.records import field, record, replace
from auditor.rulebook import Rule, Rulebook
from auditor.structure import Report

SERIES_KINDS = ("series_link", "cross_report", "copied_text", "region_sum")
REGION_KIND = "region_sum"
LINK_KIND = "series_link"
THIS, PREVIOUS = "this", "previous"


# ---------------------------------------------------------------------------- summary model
class SummaryCell(NamedTuple):
    """A table cell kept for the cross pass; satisfies the expression language's CellLike.
    A named tuple with its span as four numbers: a summary holds hundreds of these, and is pickled."""

    table: str
    row: str
    column: str
    row_label: str
    column_label: str
    raw: str
    value_class: str  # the ValueClass's name (NUMBER, ZERO, BLANK, NA, TEXT): cheap to pickle
    value: Any
    start: int
    end: int
    position: tuple[int, int, int, int]  # start line, start column, end line, end column
    line: str  # the source line(s) under the span, for code frames in the other file's findings

    @property
    def span(self) -> Span:
        line, column, end_line, end_column = self.position
        return Span(Position(line, column), Position(end_line, end_column), self.start, self.end)


@record(frozen=True)
class SummaryTable:
    """The rows of one table that series rules read; satisfies the expression language's TableLike."""

    id: str
    cells: Mapping[tuple[str, str], SummaryCell]
    missing_rows: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()

    def cell(self, row: str, column: str) -> SummaryCell | None:
        return self.cells.get((row, column))


class Paragraph(NamedTuple):
    """A narrative paragraph: its text as written (its source lines), the section it is in, and its
    span as numbers (a named tuple, like SummaryCell: made for every narrative line, and pickled)."""

    text: str
    section: str
    start: int
    end: int
    position: tuple[int, int, int, int]  # start line, start column, end line, end column

    @property
    def span(self) -> Span:
        line, column, end_line, end_column = self.position
        return Span(Position(line, column), Position(end_line, end_column), self.start, self.end)


@record(frozen=True)
class ReportSummary:
    """What the series pass knows of one report (a few kilobytes, never the Document)."""

    path: str
    agency: str | None
    year: int | None
    era: str | None
    anchor: Span | None = None  # the title line: where series-level findings point
    anchor_line: str = ""
    tables: Mapping[str, SummaryTable] = field(default_factory=dict)
    paragraphs: tuple[Paragraph, ...] = ()
    figures: Mapping[str, Decimal | None] = field(default_factory=dict)
    read_error: str | None = None
    reference_only: bool = False  # a --previous file: compared with, never reported on


@record(frozen=True)
class PackedSummary:
    """A ReportSummary as a run keeps it until the series pass: a pickle of our own data, made in this
    run (zlib-compressed in runs of more than COMPRESS_ABOVE reports), with the few fields that
    pairing reads left outside."""

    path: str
    agency: str | None
    year: int | None
    era: str | None
    figures: Mapping[str, Decimal | None]
    blob: bytes
    read_error: str | None = None
    reference_only: bool = False

    def unpack(self) -> ReportSummary:
        return _unblob(self.blob, self.agency)


# Summaries are compressed only in runs of more reports than this: compressing costs about as much
# as making the summary, and a small run's store is small anyway (a summary is some 9 KB, 3 KB
# compressed; 100,000 reports: 300 MB of temporary file instead of 900).
COMPRESS_ABOVE = 2000


def pack(summary: ReportSummary, compress: bool = True) -> PackedSummary:
    blob = pickle.dumps(_plain(summary), protocol=pickle.HIGHEST_PROTOCOL)
    if compress:
        blob = zlib.compress(blob, 1)
    return PackedSummary(summary.path, summary.agency, summary.year, summary.era, summary.figures, blob,
                         summary.read_error, summary.reference_only)


AnySummary = ReportSummary | PackedSummary


def _unblob(blob: bytes, agency: str | None) -> ReportSummary:
    """The summary of a blob made by ``pack``, compressed or not (a pickle starts with its PROTO
    opcode, 0x80; a zlib stream never does), with ``agency`` (the run's, which may differ from the
    summary's own: repository layouts)."""
    return _from_plain(pickle.loads(blob if blob[:1] == b"\x80" else zlib.decompress(blob)), agency)


# A summary is pickled as plain values (``_plain``): pickle reduces each record and named tuple through
# copyreg (some 7,000 instructions an object, each way), a tuple of strings and numbers costs a few
# hundred; a summary holds dozens of paragraphs and cells. ``_from_plain`` makes the same summary again.
def _plain(summary: ReportSummary) -> tuple[Any, ...]:
    """``summary`` as tuples, dicts, strings and numbers (field by field, in ReportSummary's order)."""
    anchor_numbers = None if summary.anchor is None else summary.anchor.numbers()
    tables = [(key, table.id, [(cell_key, tuple(cell)) for cell_key, cell in table.cells.items()],
               table.missing_rows, table.missing_columns) for key, table in summary.tables.items()]
    return (summary.path, summary.agency, summary.year, summary.era, anchor_numbers, summary.anchor_line,
            tables, tuple(map(tuple, summary.paragraphs)), summary.figures, summary.read_error,
            summary.reference_only)


def _from_plain(plain: tuple[Any, ...], agency: str | None) -> ReportSummary:
    """The ReportSummary that ``_plain`` made ``plain`` of, with ``agency``."""
    path, _, year, era, anchor_numbers, anchor_line, tables, paragraphs, figures, read_error, reference = plain
    anchor = None if anchor_numbers is None else Span.of_numbers(anchor_numbers)
    make = tuple.__new__  # a named tuple without its Python-level __new__
    summary_tables = {key: SummaryTable(table_id, {cell_key: make(SummaryCell, cell) for cell_key, cell in cells},
                                        missing_rows, missing_columns)
                      for key, table_id, cells, missing_rows, missing_columns in tables}
    return ReportSummary(path, agency, year, era, anchor, anchor_line, summary_tables,
                         tuple(map(make, itertools.repeat(Paragraph), paragraphs)), figures, read_error, reference)


def _load(summary: AnySummary, cache: dict[str, ReportSummary]) -> ReportSummary:
    """The full summary; a few recent ones are kept (a series' pairs share their reports)."""
    if isinstance(summary, ReportSummary):
        return summary
    found = cache.get(summary.path)
    if found is None:
        if len(cache) >= 4:
            cache.pop(next(iter(cache)))
        found = cache[summary.path] = summary.unpack()
    return found


@record(frozen=True)
class Pair:
    """A report and its predecessor in its series (``previous`` None: none found). The pass unpacks
    ``previous`` only when the pair is ``comparable``: otherwise the series rules read no more of it
    than pairing does (path, year, era, read_error: series_link's messages), and it stays packed."""

    this: Any  # ReportSummary (or PackedSummary until the pass unpacks it)
    previous: Any
    gap: tuple[int, ...] = ()  # the years missing between the two
    explicit: bool = False  # the previous report was named by --previous

    @property
    def comparable(self) -> bool:
        """Both reports readable and one year apart (a gap or another year: nothing to compare)."""
        previous = self.previous
        if previous is None or previous.read_error is not None:
            return False
        return self.this.year is None or previous.year is None or previous.year == self.this.year - 1

    def scoped_tables(self) -> dict[str, SummaryTable]:
        tables = {f"{THIS}.{key}": table for key, table in self.this.tables.items()}
        if self.previous is not None:
            tables.update({f"{PREVIOUS}.{key}": table for key, table in self.previous.tables.items()})
        return tables


@record(frozen=True)
class SeriesInfo:
    """One detected series, as JSON ``series`` entries and the text note show it."""

    agency: str
    reports: tuple[tuple[int, str], ...]  # (year, path) in year order
    gaps: tuple[int, ...]
    figures: tuple[tuple[int, Mapping[str, Decimal | None]], ...] = ()

    def to_json(self) -> dict[str, Any]:
        figures = dict(self.figures)
        return {"agency": self.agency, "years": [year for year, _ in self.reports],
                "reports": [{"year": year, "path": path, "figures": _figures_json(figures.get(year, {}))}
                            for year, path in self.reports],
                "gaps": list(self.gaps)}


def _figures_json(figures: Mapping[str, Decimal | None]) -> dict[str, int | float | None]:
    return {name: (None if value is None else int(value) if value == value.to_integral_value() else float(value))
            for name, value in figures.items()}


# ---------------------------------------------------------------------------- rules
def series_rules(rulebook: Rulebook) -> tuple[Rule, ...]:
    return tuple(rule for rule in rulebook.rules if rule.kind in SERIES_KINDS)


def link_rule(rulebook: Rulebook) -> Rule | None:
    found = rulebook.by_kind(LINK_KIND)
    return found[0] if found else None


@record(frozen=True)
class Needs:
    """Which table rows (None: all rows) and narrative sections the series rules read."""

    rows: Mapping[str, frozenset[str] | None]
    figures: Mapping[str, Expr]
    sections: tuple[Any, ...]
    min_length: int
    link: Rule | None = None  # the series_link rule (agency patterns)


def _rows_of(cells: CellSet, variable: str | None, needs: dict[str, set[str] | None],
             domain_keys: frozenset[str] | None = None) -> None:
    table = cells.table.split(".", 1)[-1]
    keys = {key.name for key in cells.rows}
    if variable is not None and variable in keys:
        if domain_keys is None:  # the variable ranges over a table's rows or columns: keep every row
            needs[table] = None
            return
        keys = (keys - {variable}) | domain_keys
    if needs.get(table, set()) is None:
        return
    needs[table] = needs.get(table, set()) | keys  # type: ignore[operator]


def _identity_rows(identity: Identity, needs: dict[str, set[str] | None]) -> None:
    comparison = identity.comparison
    domain: Domain | None = identity.domain
    domain_keys = frozenset(key.name for key in domain.keys) if domain is not None and domain.keys else None
    for side in (comparison.left, comparison.right):
        for cells in _cellsets(side):
            _rows_of(cells, identity.variable, needs, domain_keys)
    if domain is not None and domain.table and domain.axis == "rows":
        needs[domain.table.split(".", 1)[-1]] = None


_NEEDS: dict[int, tuple[Rulebook, Needs]] = {}  # by rulebook: every report of a run asks


def needs_of(rulebook: Rulebook) -> Needs:
    """What the series rules of ``rulebook`` read (worked out once per rulebook and process)."""
    known = _NEEDS.get(id(rulebook))
    if known is not None and known[0] is rulebook:
        return known[1]
    if len(_NEEDS) >= 8:
        _NEEDS.clear()
    needs = _needs_of(rulebook)
    _NEEDS[id(rulebook)] = (rulebook, needs)
    return needs


def _needs_of(rulebook: Rulebook) -> Needs:
    rows: dict[str, set[str] | None] = {}
    for rule in rulebook.by_kind("cross_report"):
        _identity_rows(rule.compiled.identity, rows)
    for rule in rulebook.by_kind(REGION_KIND):
        for cells in rule.compiled.cells:
            _rows_of(cells, None, rows)
    link = link_rule(rulebook)
    figures: dict[str, Expr] = dict(link.compiled.figures) if link is not None else {}
    for expression in figures.values():
        for cells in _cellsets(expression):
            _rows_of(cells, None, rows)
    copied = rulebook.by_kind("copied_text")
    sections = tuple(pattern for rule in copied for pattern in rule.compiled.sections)
    min_length = min((rule.compiled.min_length for rule in copied), default=0)
    frozen = {table: (frozenset(keys) if keys is not None else None) for table, keys in rows.items()}
    return Needs(frozen, figures, sections, min_length, link)


# ---------------------------------------------------------------------------- summarising a report
def _line_text(report: Report, span: Span, lines: Sequence[str]) -> str:
    return _source_text(lines, span.start.line, span.end.line)


def _source_text(lines: Sequence[str], first: int, last: int) -> str:
    """Source lines ``first`` to ``last`` (1-based), joined; empty when ``first`` is out of range."""
    last = max(last, first)
    if not 1 <= first <= len(lines):
        return ""
    return lines[first - 1] if first == last else "\n".join(lines[first - 1:last])  # one line: shared, not copied


def _summary_tables(report: Report, needs: Needs, lines: Sequence[str]) -> dict[str, SummaryTable]:
    if not needs.rows:
        return {}
    from auditor.checks.identity import report_tables

    found: dict[str, SummaryTable] = {}
    tables = report_tables(report)
    for table_id, rows in needs.rows.items():
        table = tables.get(table_id)
        if table is None:
            continue
        cells = {}
        blank = _blank_columns(table)
        for (row, column), cell in table.cells.items():
            if (rows is None or row in rows) and column not in blank:
                position = _span_numbers(report.document, cell.start, cell.end)
                fields = (table_id, row, column, cell.row_label, cell.column_label, cell.raw,
                          _class_name(cell.value_class), cell.value, cell.start, cell.end, position,
                          _source_text(lines, position[0], position[2]))
                # SummaryCell(*fields) without the Python-level __new__ of a NamedTuple (a table has dozens)
                cells[(row, column)] = tuple.__new__(SummaryCell, fields)
        found[table_id] = SummaryTable(table_id, cells, tuple(table.missing_rows),
                                       (*table.missing_columns, *sorted(blank)))
    return found


@functools.cache  # a handful of classes, asked for every cell of every table summarised
def _class_name(value_class: Any) -> str:
    return str(getattr(value_class, "name", value_class)).upper()


def _span_numbers(document: Document, start: int, end: int) -> tuple[int, int, int, int]:
    """(line, column, end line, end column) of ``document.span(start, end)``, without making the
    Span and its Positions (a summary keeps the numbers of every cell and paragraph it holds).
    Worked out here, as ``LineMap.position`` and ``SegmentMap.position`` do, for the maps of text and
    Markdown files; through ``Document.span`` otherwise. tests/test_series.py holds the two to the
    same answers."""
    source_map = document.source_map
    if type(source_map) is SegmentMap:
        return _segment_numbers(source_map, len(document.text), start, end)
    if type(source_map) is not LineMap:
        span = document.span(start, end)
        return span.start.line, span.start.column, span.end.line, span.end.column
    starts = source_map.line_starts
    size = len(document.text)
    first = max(0, min(start, size))
    index = bisect.bisect_right(starts, first) - 1
    line, column = index + 1, first - starts[index] + 1
    if max(end, start) <= start:
        return line, column, line, column
    last = max(0, min(end - 1, size))
    index = bisect.bisect_right(starts, last) - 1
    return line, column, index + 1, last - starts[index] + 2


def _segment_numbers(source_map: SegmentMap, size: int, start: int, end: int) -> tuple[int, int, int, int]:
    """``_span_numbers`` through a SegmentMap (as ``SegmentMap.position`` finds a position): the
    segment holding an offset starts at a known source position, and runs on within its line."""
    offsets, anchors = source_map.text_offsets, source_map.source_positions
    first = max(0, min(start, size))
    index = max(bisect.bisect_right(offsets, first) - 1, 0)
    line, column = anchors[index].line, anchors[index].column + first - offsets[index]
    if max(end, start) <= start:
        return line, column, line, column
    last = max(0, min(end - 1, size))
    index = max(bisect.bisect_right(offsets, last) - 1, 0)
    return line, column, anchors[index].line, anchors[index].column + last - offsets[index] + 1


def _blank_columns(table: Any) -> set[str]:
    """Columns whose every cell is blank: a column the report does not give (an optional one)."""
    filled: set[str] = set()
    seen: set[str] = set()
    for (_, column), cell in table.cells.items():
        seen.add(column)
        if _class_name(cell.value_class) != "BLANK":
            filled.add(column)
    return seen - filled


def _paragraphs(report: Report, needs: Needs, lines: Sequence[str]) -> tuple[Paragraph, ...]:
    if not needs.sections:
        return ()
    document = report.document
    source_map = document.source_map
    # the text's lines are the file's (txt, md): a line's position needs no lookup
    same_lines = isinstance(source_map, LineMap) and source_map.line_starts == document.line_starts
    skipped = {other.line_index for other in report.outline} | report.table_lines  # headings' and tables' lines
    texts = document.text_lines
    found: list[Paragraph] = []
    for heading in report.outline:
        if heading.parent is not None or not any(pattern.search(heading.title) for pattern in needs.sections):
            continue
        start, end = report.section_range(heading)
        first, last = document.line_index_of(start) + 1, document.line_index_of(max(end - 1, start))
        for index in range(first, min(last + 1, len(texts))):
            if index in skipped:
                continue
            text = texts[index]
            length = len(text.strip())
            if length >= needs.min_length:
                found.append(_paragraph(document, index, text, length, heading.title, lines, same_lines))
    return tuple(found)


def _paragraph(document: Document, index: int, text: str, length: int, section: str, lines: Sequence[str],
               same_lines: bool) -> Paragraph:
    """The paragraph of line ``index`` (``text``, whose ``length`` characters without leading and
    trailing blanks it spans), as ``Document.line_span`` spans it."""
    lead = len(text) - len(text.lstrip()) if text[:1].isspace() else 0
    start = document.line_starts[index] + lead
    if same_lines:
        number = index + 1
        position = (number, lead + 1, number, lead + length + 1)
    else:
        position = _span_numbers(document, start, start + length)
    # Paragraph(...) without the Python-level __new__ of a NamedTuple (a report has dozens)
    return tuple.__new__(Paragraph, (_source_text(lines, position[0], position[2]), section, start,
                                     start + length, position))


def _agency_above(report: Report, title_line: int, compiled: Any) -> str | None:
    """The agency of a two-line title: the nearest non-blank line above the title line, if allowed."""
    for index in range(title_line - 1, max(title_line - 1 - compiled.above_title, -1), -1):
        text = report.document.line(index).text.strip()
        if text:
            return compiled.agency_of(text)
    return None


def summarise(report: Report, rulebook: Rulebook, path: str, agency: str | None = None) -> ReportSummary:
    """The summary of a checked report; ``agency`` (from the repository layout) overrides the title."""
    needs = needs_of(rulebook)
    document = report.document
    # the file's lines (the text's own, split once per document, when the file is the text)
    lines = document.text_lines if document.source_text is None else document.source_lines()
    link = needs.link
    title = report.title
    if agency is None and title is not None and link is not None:
        agency = link.compiled.agency_of(title.text) or _agency_above(report, title.line_index, link.compiled)
    anchor = report.document.span(title.start, title.end) if title is not None else report.document.span(0, 0)
    tables = _summary_tables(report, needs, lines)
    figures = {name: evaluate_sum(expression, tables)[0] for name, expression in needs.figures.items()}
    return ReportSummary(path, agency, report.report_year, report.era, anchor, _line_text(report, anchor, lines),
                         tables, _paragraphs(report, needs, lines), figures, None, False)  # every field


def unreadable_summary(path: str, reason: str, agency: str | None = None) -> ReportSummary:
    return ReportSummary(path, agency, None, None, read_error=reason)


# ---------------------------------------------------------------------------- pairing
def pair_series(summaries: Iterable[AnySummary]) -> tuple[list[Pair], list[SeriesInfo]]:
    """Group by agency, sort by year (O(n log n)); each report is paired with the latest earlier one."""
    groups: dict[str, list[AnySummary]] = {}
    for summary in summaries:
        if summary.agency and summary.year is not None and not summary.reference_only:
            groups.setdefault(summary.agency, []).append(summary)
    pairs: list[Pair] = []
    infos: list[SeriesInfo] = []
    for agency in sorted(groups):
        members = sorted(groups[agency], key=lambda summary: (summary.year or 0, summary.path))
        earlier: AnySummary | None = None  # the last report of the year before the current one
        last: AnySummary | None = None
        gaps: list[int] = []
        gap: tuple[int, ...] = ()
        for summary in members:
            assert summary.year is not None
            if last is None or last.year != summary.year:
                earlier = last
                gap = tuple(range(earlier.year + 1, summary.year)) if earlier and earlier.year is not None else ()
                gaps += gap
            if earlier is not None:
                pairs.append(Pair(summary, earlier, gap, False))
            last = summary
        infos.append(SeriesInfo(agency, tuple((summary.year or 0, summary.path) for summary in members),
                                tuple(gaps), tuple((summary.year or 0, summary.figures) for summary in members)))
    return pairs, infos


def explicit_pairs(drafts: Iterable[AnySummary], previous: Sequence[AnySummary]) -> list[Pair]:
    """``--previous``: every draft against the named file(s) of the year before it (else the first)."""
    pairs = []
    for draft in drafts:
        match = next((item for item in previous if draft.year is not None and item.year == draft.year - 1),
                     previous[0] if previous else None)
        pairs.append(Pair(draft, match, explicit=True))
    return pairs


# ---------------------------------------------------------------------------- the cross pass
Wants = Callable[[str, Rule], bool]


def run_pair(rules: Sequence[Rule], pair: Pair, wants: Wants) -> list[Diagnostic]:
    from auditor.checks import kind_module

    found: list[Diagnostic] = []
    for rule in rules:
        if rule.kind == REGION_KIND or not wants(pair.this.path, rule):
            continue
        if not rule.applies(pair.this.era, pair.this.year):
            continue
        found.extend(kind_module(rule.kind).check_pair(rule, pair))
    found.sort(key=Diagnostic.sort_key)
    return found


def run_series(pairs: Iterable[Pair], rulebook: Rulebook, wants: Wants) -> Iterator[tuple[str, list[Diagnostic]]]:
    """(path of the later report, its cross-report diagnostics) for every pair that has any."""
    rules = series_rules(rulebook)
    cache: dict[str, ReportSummary] = {}
    for pair in pairs:
        previous = _load(pair.previous, cache) if pair.previous is not None else None
        found = run_pair(rules, Pair(_load(pair.this, cache), previous, pair.gap, pair.explicit), wants)
        if found:
            yield pair.this.path, found


Regions = Callable[[str], Mapping[str, Sequence[str]]]


def region_cases(summaries: Sequence[AnySummary], regions_of: Regions) -> Iterator[Any]:
    """A RegionCase for every report of an agency that its config names as a region (``series-regions``)."""
    from auditor.checks.region_sum import RegionCase

    index = {(summary.agency, summary.year): summary for summary in summaries if summary.agency}
    cache: dict[str, ReportSummary] = {}
    for summary in summaries:
        members = regions_of(summary.path).get(summary.agency or "") if summary.agency else None
        if members and summary.year is not None:
            found = [(member, index.get((member, summary.year))) for member in members]
            yield RegionCase(_load(summary, cache), tuple(
                (member, _load(item, cache) if item is not None else None) for member, item in found))


def run_regions(cases: Iterable[Any], rulebook: Rulebook, wants: Wants) -> Iterator[tuple[str, list[Diagnostic]]]:
    from auditor.checks.region_sum import check_region

    rules = rulebook.by_kind(REGION_KIND)
    for case in cases:
        region = case.region
        found = [diagnostic for rule in rules if wants(region.path, rule) and rule.applies(region.era, region.year)
                 for diagnostic in check_region(rule, case)]
        if found:
            yield region.path, found


def other_file_label(span: Span, message: str, path: str, line: str) -> Label:
    """A label pointing into another report (its own path and the text under the span)."""
    return Label(span, message, path=path, source_line=line)


def series_notes(series: Sequence[Mapping[str, Any]], rulebook: Rulebook) -> list[str]:
    """One line per series (JSON ``series`` entries), worded by the series_link rule's ``note``."""
    from auditor.checks import render_template

    link = link_rule(rulebook)
    template = link.compiled.texts["note"] if link is not None else "{agency}: {years}"
    notes = []
    for entry in series:
        years = entry["years"]
        notes.append(render_template(template, {
            "agency": entry["agency"], "count": len(years), "first": years[0], "last": years[-1],
            "years": "、".join(str(year) for year in years), "gaps": "、".join(str(year) for year in entry["gaps"])}))
    return notes


# ---------------------------------------------------------------------------- the batch's series pass
def summarise_path(path: str, rulebook: Rulebook) -> ReportSummary:
    """Read a ``--previous`` file for comparison only (its own findings are not reported)."""
    from auditor.readers import ReadError, read_path
    from auditor.structure import analyse

    try:
        document = read_path(path)
    except ReadError as error:
        return unreadable_summary(path, str(error))
    except OSError as error:
        return unreadable_summary(path, error.strerror or str(error))
    report = analyse(document, rulebook.detection)
    report.cache["rulebook"] = rulebook
    return replace(summarise(report, rulebook, path), reference_only=True)


class _SparseLines(Sequence[str]):
    """The few source lines a summary knows (by 1-based number), for fingerprints of cross findings."""

    def __init__(self, lines: Mapping[int, str]) -> None:
        self._lines = lines
        self._length = max(lines, default=0)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._lines.get(number + 1, "") for number in range(*index.indices(self._length))]
        return self._lines.get(index + 1, "")


def known_lines(summary: ReportSummary) -> _SparseLines:
    lines: dict[int, str] = {}
    spans: list[tuple[Span | None, str]] = [(summary.anchor, summary.anchor_line)]
    spans += [(cell.span, cell.line) for table in summary.tables.values() for cell in table.cells.values()]
    spans += [(paragraph.span, paragraph.text) for paragraph in summary.paragraphs]
    for span, text in spans:
        if span is not None:
            for offset, line in enumerate(text.split("\n")):
                lines.setdefault(span.start.line + offset, line)
    return _SparseLines(lines)


def _surrogate_safe(text: str) -> bytes:
    """``text`` as bytes whose order is the code-point order of the text (a lone surrogate, from an
    undecodable file-name byte, included): how the store keeps keys it sorts on."""
    return text.encode("utf-8", "surrogatepass")


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@record(frozen=True)
class StoredSummary:
    """A summary row of a SummaryStore: what pairing reads; the rest is unpacked from the store."""

    path: str
    agency: str | None
    year: int | None
    era: str | None
    figures: Mapping[str, Decimal | None]
    read_error: str | None
    index: int  # the input's position in the run
    plan: int  # the input's settings (auditor.batch.Plan index)
    store: SummaryStore
    reference_only: bool = False

    def unpack(self) -> ReportSummary:
        return _unblob(self.store.blob(self.index), self.agency)


class SummaryStore:
    """The packed summaries of a run's reports, in SQLite (stdlib): on disk in a temporary folder
    for a large run, so the parent's memory does not grow with the number of reports. Also holds
    what the series pass finds, by input position, until the results are written out."""

    def __init__(self, on_disk: bool, fingerprints: bool = True) -> None:
        import sqlite3
        import weakref

        # "": SQLite's private temporary database on disk, removed from its folder as soon as it is
        # opened, so nothing is left behind however the process ends (even killed)
        # check_same_thread=False: the store lives as long as the results it backs and is closed by its
        # finalizer when they are dropped, which the garbage collector may run in any thread (a pool's
        # management thread, a server's); it is only ever used by one thread at a time
        self._db = sqlite3.connect("" if on_disk else ":memory:", isolation_level=None, check_same_thread=False)
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;"
            "CREATE TABLE summary (idx INTEGER PRIMARY KEY, plan INTEGER, agency BLOB, year INTEGER,"
            " path BLOB, meta BLOB, blob BLOB);"
            "CREATE TABLE found (idx INTEGER, plan INTEGER, blob BLOB);"
            "CREATE TABLE series (seq INTEGER PRIMARY KEY, blob BLOB);"
            "BEGIN;")
        self._finalizer = weakref.finalize(self, self._db.close)
        self._waiting: list[tuple[Any, ...]] = []  # rows not inserted yet (inserted many at a time)
        self._repeated: set[str] = set()  # paths given more than once (known once every summary is in)
        self.fingerprints = fingerprints  # the run makes fingerprints of findings (else ``merged`` has None)
        self._adjust: PlanAdjust | None = None  # severity overrides, applied as findings come in (``adjusting``)
        self.worst: Severity | None = None  # the most severe finding added so far

    def close(self) -> None:
        self._finalizer()

    def add(self, index: int, plan: int, summary: PackedSummary) -> None:
        meta = (summary.path, summary.agency, summary.year, summary.era, summary.figures, summary.read_error)
        self._waiting.append((index, plan, _surrogate_safe(summary.agency) if summary.agency else None,
                              summary.year, _surrogate_safe(summary.path), _dumps(meta), summary.blob))
        if len(self._waiting) >= 64:
            self._insert_waiting()

    def _insert_waiting(self) -> None:
        self._db.executemany("INSERT INTO summary VALUES (?, ?, ?, ?, ?, ?, ?)", self._waiting)
        self._waiting = []

    def indexed(self) -> None:
        """Every summary is in: index the columns the pass looks up."""
        self._insert_waiting()
        self._db.execute("COMMIT")
        self._db.executescript("CREATE INDEX summary_agency ON summary (agency, year, idx);"
                               "CREATE INDEX summary_path ON summary (path, idx); BEGIN;")
        self._repeated = {path.decode("utf-8", "surrogatepass") for (path,) in self._db.execute(
            "SELECT path FROM summary GROUP BY path HAVING count(*) > 1")}

    def _row(self, row: tuple[Any, ...]) -> StoredSummary:
        index, plan, meta = row
        path, agency, year, era, figures, read_error = pickle.loads(meta)
        return StoredSummary(path, agency, year, era, figures, read_error, index, plan, self, False)  # every field

    def blob(self, index: int) -> bytes:
        found: bytes = self._db.execute("SELECT blob FROM summary WHERE idx = ?", (index,)).fetchone()[0]
        return found

    def all(self) -> Iterator[StoredSummary]:
        """Every summary, in input order."""
        for row in self._db.execute("SELECT idx, plan, meta FROM summary ORDER BY idx"):
            yield self._row(row)

    def by_agency(self) -> Iterator[list[StoredSummary]]:
        """The summaries with an agency and a year, one list per agency, agencies in sorted order."""
        group: list[StoredSummary] = []
        last: bytes | None = None
        cursor = self._db.execute("SELECT idx, plan, meta, agency FROM summary"
                                  " WHERE agency IS NOT NULL AND year IS NOT NULL ORDER BY agency, idx")
        for *row, agency in cursor:
            if agency != last and group:
                yield group
                group = []
            last = agency
            group.append(self._row(tuple(row)))
        if group:
            yield group

    def find(self, agency: str, year: int) -> StoredSummary | None:
        """The last report of ``agency`` in ``year`` (region members)."""
        row = self._db.execute("SELECT idx, plan, meta FROM summary WHERE agency = ? AND year = ?"
                               " ORDER BY idx DESC LIMIT 1", (_surrogate_safe(agency), year)).fetchone()
        return self._row(row) if row is not None else None

    def target_of(self, summary: StoredSummary) -> tuple[int, int]:
        """(input position, plan) where the series findings of ``summary``'s report go: its own,
        or the last of its path's if the path was given more than once (``index_of``)."""
        if summary.path not in self._repeated:
            return summary.index, summary.plan
        row = self._db.execute("SELECT idx, plan FROM summary WHERE path = ? ORDER BY idx DESC LIMIT 1",
                               (_surrogate_safe(summary.path),)).fetchone()
        return int(row[0]), int(row[1])

    def adjusting(self, adjust: PlanAdjust) -> None:
        """Findings added from now on have their plan's severity overrides applied (``adjust``)."""
        self._adjust = adjust

    def add_found(self, target: tuple[int, int], found: list[tuple[Diagnostic, str]]) -> None:
        """Series findings of the report at ``target`` (input position, plan), each with its
        fingerprint less the occurrence index (made while its summary is at hand: ``_with_bases``).
        Their severity is adjusted here, once (see ``adjusting``): an override changes a finding's
        severity, never its place in the order."""
        if not found:
            return
        if self._adjust is not None:
            found = list(zip(self._adjust(target[1], [diagnostic for diagnostic, _ in found]),
                             (base for _, base in found), strict=True))
        worst = max(diagnostic.severity for diagnostic, _ in found)
        if self.worst is None or worst > self.worst:
            self.worst = worst
        self._db.execute("INSERT INTO found VALUES (?, ?, ?)", (*target, _dumps(found)))

    def found(self) -> Iterator[tuple[int, int, list[tuple[Diagnostic, str]]]]:
        """(input position, plan, series findings) of each report that has any (findings in the
        order found), in input order."""
        index: int | None = None
        plan = 0
        collected: list[tuple[Diagnostic, str]] = []
        for row_index, row_plan, blob in self._db.execute("SELECT idx, plan, blob FROM found ORDER BY idx, rowid"):
            if row_index != index and index is not None:
                yield index, plan, collected
                collected = []
            index, plan = row_index, row_plan
            collected += pickle.loads(blob)
        if index is not None:
            yield index, plan, collected

    def merged(self) -> Iterator[tuple[int, tuple[list[Diagnostic], list[str] | None]]]:
        """(input position, (series findings in sort-key order, their fingerprints or None)) of each
        report that has any, in input order."""
        from auditor.fingerprint import with_occurrences

        for index, _, found in self.found():
            found.sort(key=lambda item: item[0].sort_key())
            prints = with_occurrences([base for _, base in found]) if self.fingerprints else None
            yield index, ([diagnostic for diagnostic, _ in found], prints)

    def add_series(self, info: SeriesInfo) -> None:
        self._db.execute("INSERT INTO series (blob) VALUES (?)", (_dumps(info),))

    def series_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM series").fetchone()[0])

    def series(self) -> Iterator[SeriesInfo]:
        for (blob,) in self._db.execute("SELECT blob FROM series ORDER BY seq"):
            yield pickle.loads(blob)


class StoredSeries(Sequence[SeriesInfo]):
    """The series a run found, read from its store when asked (a large run may find thousands)."""

    def __init__(self, store: SummaryStore) -> None:
        self._store = store
        self._count = store.series_count()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[SeriesInfo]:
        return self._store.series()

    def __getitem__(self, index: Any) -> Any:
        return list(self)[index]


class SeriesEntries(Sequence[dict[str, Any]]):
    """The JSON ``series`` entries of a run, made one at a time (``SeriesInfo.to_json``)."""

    def __init__(self, series: Sequence[SeriesInfo]) -> None:
        self._series = series

    def __len__(self) -> int:
        return len(self._series)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (info.to_json() for info in self._series)

    def __getitem__(self, index: Any) -> Any:
        return [info.to_json() for info in self._series][index]


PlanWants = Callable[[int, Rule], bool]
PlanAdjust = Callable[[int, list[Diagnostic]], list[Diagnostic]]


def _run_pairs(store: SummaryStore, pairs: Iterable[Pair], rules: Sequence[Rule], wants: PlanWants) -> None:
    cache: dict[str, ReportSummary] = {}
    for pair in pairs:
        this: StoredSummary = pair.this
        previous = _load(pair.previous, cache) if pair.previous is not None and pair.comparable else pair.previous
        summary = _load(this, cache)
        found = run_pair(rules, Pair(summary, previous, pair.gap, pair.explicit),
                         lambda _, rule, plan=this.plan: wants(plan, rule))  # type: ignore[misc]
        if found:
            store.add_found(store.target_of(this), _with_bases(summary, found, store.fingerprints))


def _with_bases(summary: ReportSummary, found: list[Diagnostic], fingerprints: bool = True
                ) -> list[tuple[Diagnostic, str]]:
    """Each finding with its fingerprint less the occurrence index, from the lines its report's
    summary knows (made now, while the summary is unpacked, rather than unpacking it again later);
    an empty one for each when the run makes no fingerprints (``fingerprints`` False)."""
    from auditor.fingerprint import base_fingerprints

    if not fingerprints:
        return [(diagnostic, "") for diagnostic in found]
    return list(zip(found, base_fingerprints(known_lines(summary), found), strict=True))


def _run_store_regions(store: SummaryStore, rulebook: Rulebook, wants: PlanWants, regions_of: Regions) -> None:
    """``region_cases`` and ``run_regions`` over the store (members looked up by agency and year)."""
    from auditor.checks.region_sum import RegionCase, check_region

    rules = rulebook.by_kind(REGION_KIND)
    if not rules:
        return
    cache: dict[str, ReportSummary] = {}
    for summary in store.all():
        members = regions_of(summary.path).get(summary.agency or "") if summary.agency else None
        if not members or summary.year is None:
            continue
        found_members = [(member, store.find(member, summary.year)) for member in members]
        case = RegionCase(_load(summary, cache), tuple(
            (member, _load(item, cache) if item is not None else None) for member, item in found_members))
        region = case.region
        found = [diagnostic for rule in rules if wants(summary.plan, rule) and rule.applies(region.era, region.year)
                 for diagnostic in check_region(rule, case)]
        if found:
            store.add_found(store.target_of(summary), _with_bases(region, found, store.fingerprints))


# ---------------------------------------------------------------------------- the pass in worker processes
class GroupJob(NamedTuple):
    """The pairs of one agency's series, for a worker process: the summaries as stored (agency,
    plan, packed blob) and the pairs as positions in that list (previous None: no predecessor)."""

    summaries: tuple[tuple[str | None, int, bytes], ...]
    pairs: tuple[tuple[int, int | None, tuple[int, ...]], ...]


GroupResult = list[list[tuple[Diagnostic, str]]]  # per pair of a GroupJob: its findings (maybe none)
Runner = Callable[[Iterator[list[GroupJob]]], Iterator[list[GroupResult]]]  # results in the jobs' order


def _group_job(store: SummaryStore, group: list[StoredSummary], pairs: list[Pair]) -> GroupJob:
    position = {id(summary): number for number, summary in enumerate(group)}
    return GroupJob(tuple((summary.agency, summary.plan, store.blob(summary.index)) for summary in group),
                    tuple((position[id(pair.this)], position[id(pair.previous)] if pair.previous is not None else None,
                           pair.gap) for pair in pairs))


def run_group_jobs(jobs: list[GroupJob], rules: Sequence[Rule], wants: PlanWants, fingerprints: bool = True
                   ) -> list[GroupResult]:
    """The series rules on the pairs of each job (in a worker process): what ``_run_pairs`` finds,
    each finding with its fingerprint less the occurrence index (see ``_with_bases``)."""
    results = []
    for job in jobs:
        summaries = [_unblob(blob, agency) for agency, _, blob in job.summaries]
        found_by_pair = []
        for this, previous, gap in job.pairs:
            plan = job.summaries[this][1]
            pair = Pair(summaries[this], summaries[previous] if previous is not None else None, gap, False)
            found = run_pair(rules, pair, lambda _, rule, plan=plan: wants(plan, rule))  # type: ignore[misc]
            found_by_pair.append(_with_bases(summaries[this], found, fingerprints) if found else [])
        results.append(found_by_pair)
    return results


PAIRS_PER_BATCH = 48  # pairs sent to a worker at a time (whole agencies: a batch may hold more)


def _run_groups_elsewhere(store: SummaryStore, runner: Runner) -> None:
    """``_run_pairs`` on every agency's pairs, by ``runner`` (worker processes), batches of about
    PAIRS_PER_BATCH pairs at a time; the findings are stored in the order the sequential pass stores them."""
    from collections import deque

    waiting: deque[list[Pair]] = deque()  # the pairs of each job sent, oldest first

    def batches() -> Iterator[list[GroupJob]]:
        jobs: list[GroupJob] = []
        pairs_in_batch = 0
        for group in store.by_agency():
            pairs, infos = pair_series(group)
            for info in infos:
                store.add_series(info)
            if not pairs:
                continue
            jobs.append(_group_job(store, group, pairs))
            waiting.append(pairs)
            pairs_in_batch += len(pairs)
            if pairs_in_batch >= PAIRS_PER_BATCH:
                yield jobs
                jobs, pairs_in_batch = [], 0
        if jobs:
            yield jobs

    for results in runner(batches()):
        for found_by_pair in results:
            for pair, found in zip(waiting.popleft(), found_by_pair, strict=True):
                if found:
                    store.add_found(store.target_of(pair.this), found)


def store_pass(store: SummaryStore, rulebook: Rulebook, wants: PlanWants, adjust: PlanAdjust,
               previous: Sequence[str] = (), regions_of: Regions | None = None, runner: Runner | None = None
               ) -> Severity | None:
    """Pair the stored summaries into series, run the series rules, and keep in the store each
    report's findings (severity overrides applied by ``adjust``, fingerprints made) and the series
    found. Returns the worst severity of the findings (None: none). ``runner`` (batch runs with
    ``--jobs`` above 1) runs the pairs of each agency in worker processes (``run_group_jobs``)."""
    store.indexed()
    store.adjusting(adjust)
    rules = series_rules(rulebook)
    if previous:
        references = [summarise_path(path, rulebook) for path in previous]
        _run_pairs(store, explicit_pairs(store.all(), references), rules, wants)
    elif runner is not None:
        _run_groups_elsewhere(store, runner)
    else:
        for group in store.by_agency():
            pairs, infos = pair_series(group)
            _run_pairs(store, pairs, rules, wants)
            for info in infos:
                store.add_series(info)
    if regions_of is not None:
        _run_store_regions(store, rulebook, wants, regions_of)
    return store.worst


def wants_series(rulebooks: Iterable[Rulebook], input_count: int, previous: Sequence[str]) -> bool:
    """Summaries are kept when there is something to pair: several inputs, or ``--previous``."""
    return (input_count > 1 or bool(previous)) and any(series_rules(rulebook) for rulebook in rulebooks)


def summary_of_result(result: Any, rulebook: Rulebook, agency: str | None = None, compress: bool = True
                      ) -> PackedSummary:
    """The packed summary of a checked file (an unreadable one keeps only its path and why);
    ``agency``, by the repository layout (config ``series-layout``), overrides the title's."""
    if result.report is None:
        return pack(unreadable_summary(result.path, result.read_error or "", agency), compress)
    return pack(summarise(result.report, rulebook, result.path, agency), compress)


def batch_pass(store: SummaryStore, rulebook: Rulebook, state: Any, request: Any, runner: Runner | None = None
               ) -> Severity | None:
    """The series pass of a batch run (``auditor/batch.py``): each file's own selection and
    severity overrides apply to its cross-report findings (``series-layout`` agencies were set
    as the summaries were stored). Returns the worst severity found. ``runner``: see store_pass."""
    from auditor.batch import _override_severity
    from auditor.config import series_regions

    def wants(plan: int, rule: Rule) -> bool:
        return bool(state.plans[plan].options.selection.wants(rule))

    def adjust(plan: int, found: list[Diagnostic]) -> list[Diagnostic]:
        return _override_severity(found, state.plans[plan].severity)

    return store_pass(store, rulebook, wants, adjust, request.previous,
                      lambda path: series_regions(path, request.cli), runner)
