r"""kind: narrative — a number stated in the text contradicts the table that holds it.

Reports repeat their statistics in prose ("全年共收到政府信息公开申请25件"); when the prose and the
table disagree, one of them is wrong. Each *fact* pairs regexes for the sentence (matched against
the folded text outside tables) with the table cells that hold the same quantity, written in the
expression language of ``auditor/expr.py`` (a sum of cells). The check warns when the stated
number differs from the cells; it stays silent when the table is absent or a cell it needs is not a
number (blank, ``无``, text): it never guesses.

Parameters:
    facts:       list (required) of:
        name:      what the number counts, for messages (``{fact}``).
        patterns:  regexes; ``{number}`` stands for the stated number (Arabic digits with thousands
                   separators, decimals, or Chinese numerals: 十三). A pattern without ``{number}``
                   states zero (``未发生行政复议``).
        values:    expressions giving the table's value, e.g. ``t4.row[review_total]``; the first one
                   whose tables the report has is used (so one fact serves several eras).
        skip:      regexes; a sentence matching one of them is not about this fact.
        require:   regexes; when given, the sentence must match one of them (``信息公开``: an
                   amount of 经费 is only this fact's when the sentence is about disclosure work).
        units:     for amounts: ``{unit: factor}``, the factor turning a number in that unit into
                   the table's unit (``{万元: 1, 元: 0.0001}``); a pattern writes ``{unit}`` where
                   the unit stands. A stated unit, or a unit written in the cell, that is not in
                   the map is not converted but skipped: the check never guesses a unit.
        table_unit: the unit of the table's value, shown after ``{value}`` (``万元``); a cell that
                   writes its own unit is converted with ``units``.
        tolerance: a decimal, in the table's unit: the largest difference still taken as agreement
                   (default 0). A stated amount also agrees when it is the table's value rounded
                   to the digits the prose wrote (``约5万元`` beside 5.2).
    skip:        regexes; sentences about another scope (the whole city or county: ``全市``,
                 ``全县``, ``备案``) are not compared with the agency's own table.
    own_scope:   list of ``{skip: regex, title: regex}``: a ``skip`` word is the report's own scope, and
                 so not skipped, when the title (with the line above it, where titles are split) matches
                 ``title`` — ``全区`` in the report of a 区人民政府 itself, not of one of its offices.
    cell_label:  (required) template of a table cell's label ({row_label} {column_label} {value}).
    zero_statement: how ``{number}`` shows a statement of zero made without a number (a pattern
                 without ``{number}``); ``{text}`` stands for the words matched (default ``{text}``):
                 ``'0（“{text}”）'`` gives "正文说结转下年度继续办理的申请 0（“申请均已办结”）".
    cells_joiner: (required) text between the cells in ``{cells}`` (``、``).
Message fields: {fact} {number} (as written, with its unit) {unit} (or empty) {stated} {value} (with
the fact's ``table_unit``) {value_terms} {cells}.

A value expression whose row or column the report's table does not have in its era (the 2019
``t2_1`` has ``made``, the 2021 one ``issued``) does not apply: the next one is tried.

Example (GK901 narrative-applications)::

    facts:
      - name: 本年新收政府信息公开申请
        patterns: ['(?:收到|新收|受理)[^。;]{0,12}?申请{number}件']
        values: ['t3.new[total]']

fails on "共收到政府信息公开申请25件" beside a table whose 本年新收·总计 is 23; passes when it is 25.
An amount::

      - name: 行政事业性收费金额
        patterns: ['行政事业性收费[^。;,\d]{0,10}?{number}\s*{unit}']
        units: {万元: 1, 元: 0.0001}
        values: ['t2_8.fees[amount]']

passes on "行政事业性收费12000元" beside 1.2 (万元) and fails beside 12.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import accumulate

from auditor import regexcache
from auditor.checks import compile_patterns, emit, render_template
from auditor.checks.identity import cell_name, number_text, report_tables, terms_text
from auditor.diagnostics import Diagnostic, Label
from auditor.expr import Expr, ExprError, Term, evaluate_sum, expression_tables, parse_sum, table_axis
from auditor.records import record
from auditor.rulebook import ParamError, Rule
from auditor.structure import Report
from auditor.structure.numerals import chinese_to_int
from auditor.textscan import finditer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "narrative"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["facts", "cell_label", "cells_joiner"],
    "properties": {
        "facts": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object", "additionalProperties": False, "required": ["name", "patterns", "values"],
                "properties": {
                    "name": {"type": "string"},
                    "patterns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "values": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "skip": {"type": "array", "items": {"type": "string"}},
                    "require": {"type": "array", "items": {"type": "string"}},
                    "units": {"type": "object", "minProperties": 1,
                              "additionalProperties": {"type": "number", "exclusiveMinimum": 0}},
                    "table_unit": {"type": "string"},
                    "tolerance": {"type": "number", "minimum": 0},
                },
            },
        },
        "skip": {"type": "array", "items": {"type": "string"}},
        "own_scope": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["skip", "title"],
            "properties": {"skip": {"type": "string"}, "title": {"type": "string"}}}},
        "cell_label": {"type": "string"},
        "cells_joiner": {"type": "string"},
        "zero_statement": {"type": "string"},
    },
}

# a number as reports write it in prose: 3,746 / 12 / 0.5 / 十三 / 一百零五
NUMBER = r"(?P<number>(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])|[零〇一二两三四五六七八九十百千万]+)"
SENTENCE_END = "。;!?\n"


def parse_number(text: str) -> Decimal | None:
    """``"3,746"`` -> 3746, ``"十三"`` -> 13, ``"0.5"`` -> 0.5; None if not a number."""
    text = text.strip()
    if text and text[0].isdigit():
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    value = chinese_to_int(text)
    return Decimal(value) if value is not None else None


@record(eq=False, repr=False)
class Fact:
    """One fact a narrative rule checks: the patterns stating it, the table values it must equal, its units and
    tolerance."""
    name: str
    patterns: tuple[re.Pattern[str], ...]
    values: tuple[Expr, ...]
    skip: tuple[re.Pattern[str], ...]
    require: tuple[re.Pattern[str], ...] = ()
    units: Mapping[str, Decimal] | None = None  # None: a count, compared exactly and without units
    table_unit: str = ""
    tolerance: Decimal = Decimal(0)


@record(eq=False, repr=False)
class Compiled:
    """A narrative rule's parameters: its facts, skip words and texts."""
    facts: tuple[Fact, ...]
    skip: tuple[re.Pattern[str], ...]
    cell_label: str
    cells_joiner: str
    own_scope: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ()
    zero_statement: str = "{text}"


def _units(raw: dict[str, Any]) -> dict[str, Decimal] | None:
    """The unit map with exact factors (the schema has checked they are positive numbers)."""
    if "units" not in raw:
        return None
    return {unit: Decimal(str(factor)) for unit, factor in raw["units"].items()}


def _fact(raw: dict[str, Any], index: int) -> Fact:
    units = _units(raw)
    unit_group = "(?P<unit>" + "|".join(re.escape(unit) for unit in sorted(units or {}, key=len, reverse=True)) + ")"
    patterns = [source.replace("{number}", NUMBER).replace("{unit}", unit_group) for source in raw["patterns"]]
    values = []
    for position, source in enumerate(raw["values"]):
        try:
            values.append(parse_sum(source))
        except ExprError as error:
            raise ParamError(("facts", index, "values", position), f"表达式有误: {error}\n{error.pointer()}") from error
    return Fact(
        name=raw["name"],
        patterns=tuple(compile_patterns(patterns, ("facts", index, "patterns"))),
        values=tuple(values),
        skip=tuple(compile_patterns(raw.get("skip", []), ("facts", index, "skip"))),
        require=tuple(compile_patterns(raw.get("require", []), ("facts", index, "require"))),
        units=units,
        table_unit=raw.get("table_unit", ""),
        tolerance=Decimal(str(raw.get("tolerance", 0))),
    )


def prepare(params: dict[str, Any]) -> Compiled:
    return Compiled(
        facts=tuple(_fact(raw, index) for index, raw in enumerate(params["facts"])),
        skip=tuple(compile_patterns(params.get("skip", []), ("skip",))),
        cell_label=params["cell_label"],
        cells_joiner=params["cells_joiner"],
        own_scope=tuple(_own_scope(entry, index) for index, entry in enumerate(params.get("own_scope", []))),
        zero_statement=params.get("zero_statement", "{text}"),
    )


def _own_scope(entry: dict[str, str], index: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    skip = compile_patterns(entry["skip"], ("own_scope", index, "skip"))[0]
    return skip, compile_patterns(entry["title"], ("own_scope", index, "title"))[0]


def own_scope_words(report: Report, compiled: Compiled) -> tuple[re.Pattern[str], ...]:
    """The skip words that name the report's own scope, judged by its title (and the line above it)."""
    if not compiled.own_scope or report.title is None:
        return ()
    lines = report.document.all_lines
    above = [line.folded.strip() for line in lines[max(0, report.title.line_index - 1):report.title.line_index]]
    title = " ".join([*above, lines[report.title.line_index].folded.strip()])
    return tuple(skip for skip, pattern in compiled.own_scope if pattern.search(title))


_SENTENCE_ENDS: dict[str, tuple[str, list[int]]] = {}  # ends -> (the text, its sentence-end offsets)


def _sentence_ends(text: str, ends: str) -> list[int]:
    """Offsets of every character of ``ends`` in ``text``, found once per text (the last text
    asked about is kept, so the calls for every match of every rule share one scan)."""
    cached = _SENTENCE_ENDS.get(ends)
    if cached is None or cached[0] is not text:
        pieces = regexcache.compile("[" + re.escape(ends) + "]").split(text)  # compiled once per machine
        # each end sits one past the text before it: running sums of (piece length + 1) from -1,
        # computed in C (a Match object per sentence end cost more than the rest of the rule)
        positions = list(accumulate(map((1).__add__, map(len, pieces[:-1])), initial=-1))
        del positions[0]
        cached = (text, positions)
        _SENTENCE_ENDS[ends] = cached
    return cached[1]


def sentence_bounds(text: str, start: int, end: int, ends: str = SENTENCE_END) -> tuple[int, int]:
    """The sentence around ``text[start:end]``: from the last sentence end before it to the next.
    A binary search in the text's sentence ends, so a text without any costs no rescans."""
    positions = _sentence_ends(text, ends)
    before = bisect.bisect_left(positions, start) - 1
    after = bisect.bisect_left(positions, end)
    return (positions[before] + 1 if before >= 0 else 0), (positions[after] if after < len(positions) else len(text))


@record(eq=False, repr=False)
class Statement:
    """A number the text states for a fact: its span, value and how it was written."""
    fact: Fact
    start: int
    end: int
    stated: Decimal
    written: str  # the number as written, with its unit for a fact with units
    unit: str = ""  # the unit (folded), for a fact with units


def _other_scope(sentence: str, compiled: Compiled, own: tuple[re.Pattern[str], ...]) -> bool:
    """A skip word in the sentence that is not the report's own scope."""
    return any(not any(word.fullmatch(match.group(0)) for word in own)
               for skip in compiled.skip for match in skip.finditer(sentence))


def _about_fact(sentence: str, fact: Fact, compiled: Compiled, own: tuple[re.Pattern[str], ...] = ()) -> bool:
    if _other_scope(sentence, compiled, own) or any(skip.search(sentence) for skip in fact.skip):
        return False
    return not fact.require or any(required.search(sentence) for required in fact.require)


def _statements(report: Report, compiled: Compiled) -> Iterator[Statement]:
    folded = report.document.folded
    seen: set[tuple[int, int]] = set()
    own = own_scope_words(report, compiled)
    words = report.document.index
    for fact in compiled.facts:
        for pattern in fact.patterns:
            # finditer, skipped when a word every match needs is absent, tried only where a match can start
            for match in finditer(words, pattern):
                has_number = "number" in pattern.groupindex and match.group("number") is not None
                start, end = match.span("number") if has_number else match.span()
                if (start, end) in seen or report.in_table(start):
                    continue
                if "\n" in folded[match.start():match.end()]:  # a heading's words are not the next line's subject
                    continue
                left, right = sentence_bounds(folded, match.start(), match.end())
                if not _about_fact(folded[left:right], fact, compiled, own):
                    continue
                stated = parse_number(match.group("number")) if has_number else Decimal(0)
                if stated is None:
                    continue
                unit = (match.group("unit") or "") if "unit" in pattern.groupindex else ""
                written_end = match.end("unit") if unit else end
                seen.add((start, end))
                written = report.document.text[start:written_end]
                if not has_number:
                    written = compiled.zero_statement.replace("{text}", written)
                yield Statement(fact, start, end, stated, written, unit)


def _applies(terms: Sequence[Term], tables: Mapping[str, Any]) -> bool:
    """False when the expression names a row or column the table does not have in this era."""
    for term in terms:
        if term.is_cell and term.cell is None:
            table = tables[term.table]
            if term.row not in table_axis(table, "rows") or term.column not in table_axis(table, "columns"):
                return False
    return True


def table_value(values: Sequence[Expr], tables: Any) -> tuple[Decimal | None, tuple[Term, ...]]:
    """The first expression that applies to the report's tables, evaluated; (None, ()) if none does."""
    for expression in values:
        if expression_tables(expression) <= set(tables):
            value, terms = evaluate_sum(expression, tables)
            if _applies(terms, tables):
                return value, terms
    return None, ()


def _table_factor(fact: Fact, terms: Sequence[Term]) -> Decimal | None:
    """The factor from the unit the cells are written in to the table's unit; None if unknown or mixed."""
    units = fact.units or {}
    written = {getattr(term.cell, "unit", "") for term in terms if term.cell is not None}
    written.discard("")
    if not written:
        return Decimal(1)
    if len(written) > 1 or next(iter(written)) not in units:
        return None
    return units[next(iter(written))]


def in_table_unit(statement: Statement, value: Decimal, terms: Sequence[Term]) -> Decimal | None:
    """The table's value in the table's unit (a count as it is); None when a cell's unit is unknown."""
    if statement.fact.units is None:
        return value
    factor = _table_factor(statement.fact, terms)
    return None if factor is None else value * factor


def agrees(statement: Statement, value: Decimal) -> bool | None:
    """Whether the stated number agrees with the table's value (in the table's unit); None when
    the stated unit cannot be converted."""
    fact = statement.fact
    if fact.units is None:
        return abs(statement.stated - value) <= fact.tolerance
    # a statement of none ("未收取任何费用") needs no unit: zero is zero in any unit
    stated_factor = fact.units.get(statement.unit) if statement.unit or statement.stated else Decimal(1)
    if not stated_factor:
        return None
    if abs(statement.stated * stated_factor - value) <= fact.tolerance:
        return True
    # "约5万元" beside 5.2: the table's value rounded to the digits the prose wrote
    exponent = statement.stated.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return (value / stated_factor).quantize(quantum, rounding=ROUND_HALF_UP) == statement.stated


def _labels(report: Report, compiled: Compiled, terms: Sequence[Term]) -> list[Label]:
    labels = []
    for term in terms:
        if term.cell is None:
            continue
        text = render_template(compiled.cell_label, {
            "row_label": cell_name(term).split("·")[0], "column_label": term.cell.column_label.strip(),
            "value": number_text(term.value)})
        labels.append(Label(report.document.span(term.cell.start, term.cell.end), " ".join(text.split())))
    return labels


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    tables = report_tables(report)
    if not tables:
        return
    for statement in _statements(report, compiled):
        value, terms = table_value(statement.fact.values, tables)
        if value is not None:
            value = in_table_unit(statement, value, terms)
        if value is None or agrees(statement, value) is not False:
            continue
        values = {
            "fact": statement.fact.name, "number": statement.written, "unit": statement.unit,
            "stated": number_text(statement.stated),
            "value": number_text(value) + statement.fact.table_unit, "value_terms": terms_text(terms),
            "cells": compiled.cells_joiner.join(cell_name(term) for term in terms),
        }
        yield emit(rule, report.era, report.document.span(statement.start, statement.end), values,
                   labels=_labels(report, compiled, terms))
