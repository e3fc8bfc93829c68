"""kind: narrative — a number stated in the text contradicts the table that holds it.

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
    skip:        regexes; sentences about another scope (the whole city or county: ``全市``,
                 ``全县``, ``备案``) are not compared with the agency's own table.
    cell_label:  template of a table cell's label ({row_label} {column_label} {value}).
Message fields: {fact} {number} (as written) {stated} {value} {value_terms} {cells}.

Example (GK901 narrative-applications)::

    facts:
      - name: 本年新收政府信息公开申请
        patterns: ['(?:收到|新收|受理)[^。;]{0,12}?申请{number}件']
        values: ['t3.new[total]']

fails on "共收到政府信息公开申请25件" beside a table whose 本年新收·总计 is 23; passes when it is 25.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from auditor.checks import compile_patterns, emit, render_template
from auditor.checks.identity import cell_name, number_text, report_tables, terms_text
from auditor.diagnostics import Diagnostic, Label
from auditor.expr import Expr, ExprError, Term, evaluate_sum, expression_tables, parse_sum
from auditor.rulebook import ParamError, Rule
from auditor.structure import Report
from auditor.structure.numerals import chinese_to_int

KIND = "narrative"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["facts"],
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
                },
            },
        },
        "skip": {"type": "array", "items": {"type": "string"}},
        "cell_label": {"type": "string"},
    },
}

# a number as reports write it in prose: 3,746 / 12 / 0.5 / 十三 / 一百零五
NUMBER = r"(?P<number>(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])|[零〇一二两三四五六七八九十百千万]+)"
SENTENCE_END = "。;!?\n"
DEFAULT_CELL_LABEL = "{row_label} {column_label} = {value}"


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


@dataclass(frozen=True)
class Fact:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    values: tuple[Expr, ...]
    skip: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Compiled:
    facts: tuple[Fact, ...]
    skip: tuple[re.Pattern[str], ...]
    cell_label: str


def _fact(raw: dict[str, Any], index: int) -> Fact:
    patterns = [source.replace("{number}", NUMBER) for source in raw["patterns"]]
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
    )


def prepare(params: dict[str, Any]) -> Compiled:
    return Compiled(
        facts=tuple(_fact(raw, index) for index, raw in enumerate(params["facts"])),
        skip=tuple(compile_patterns(params.get("skip", []), ("skip",))),
        cell_label=params.get("cell_label", DEFAULT_CELL_LABEL),
    )


def sentence_bounds(text: str, start: int, end: int, ends: str = SENTENCE_END) -> tuple[int, int]:
    """The sentence around ``text[start:end]``: from the last sentence end before it to the next."""
    left = max(text.rfind(char, 0, start) for char in ends) + 1
    rights = [position for position in (text.find(char, end) for char in ends) if position != -1]
    return left, min(rights, default=len(text))


@dataclass(frozen=True)
class Statement:
    fact: Fact
    start: int
    end: int
    stated: Decimal
    written: str


def _statements(report: Report, compiled: Compiled) -> Iterator[Statement]:
    folded = report.document.folded
    seen: set[tuple[int, int]] = set()
    for fact in compiled.facts:
        for pattern in fact.patterns:
            for match in pattern.finditer(folded):
                has_number = "number" in pattern.groupindex and match.group("number") is not None
                start, end = match.span("number") if has_number else match.span()
                if (start, end) in seen or report.in_table(start):
                    continue
                left, right = sentence_bounds(folded, match.start(), match.end())
                sentence = folded[left:right]
                if any(skip.search(sentence) for skip in (*compiled.skip, *fact.skip)):
                    continue
                stated = parse_number(match.group("number")) if has_number else Decimal(0)
                if stated is None:
                    continue
                seen.add((start, end))
                yield Statement(fact, start, end, stated, report.document.text[start:end])


def table_value(values: Sequence[Expr], tables: Any) -> tuple[Decimal | None, tuple[Term, ...]]:
    """The first expression whose tables the report has, evaluated; (None, ()) if none applies."""
    for expression in values:
        if expression_tables(expression) <= set(tables):
            return evaluate_sum(expression, tables)
    return None, ()


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
        if value is None or value == statement.stated:
            continue
        values = {
            "fact": statement.fact.name, "number": statement.written, "stated": number_text(statement.stated),
            "value": number_text(value), "value_terms": terms_text(terms),
            "cells": "、".join(cell_name(term) for term in terms),
        }
        yield emit(rule, report.era, report.document.span(statement.start, statement.end), values,
                   labels=_labels(report, compiled, terms))
