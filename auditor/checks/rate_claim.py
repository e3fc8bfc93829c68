r"""kind: rate_claim — a rate stated in the text (办结率100%) that the counts beside it make impossible.

"共受理申请26件，办结28件，办结率100%": more cases closed than received cannot give a rate of at
most 100% computed as closed ÷ received. Either a count is wrong, or the cases closed include others
(carried over from the year before) and the rate is not what it says. A plausibility warning.

For each match of ``claim`` (one scan of the text), the ``part`` (办结N件) and the ``whole`` (受理N件)
are looked for in the claim's paragraph: the nearest match before the claim, else the first after
it. A count not stated there is taken from the table, when ``part_values`` / ``whole_values`` give
it (the first expression whose cells are all numbers). The check fires when the part exceeds the
whole while the stated rate is at most 100%; it never guesses a missing count.

Parameters:
    claim:         (required) regex for the stated rate; ``{percent}`` stands for its number
                   (``办结率\s*(?:为|达|达到)?\s*{percent}\s*%``).
    part, whole:   (required) regexes for the two counts; ``{number}`` stands for the number
                   as the narrative kind reads it (3,746 / 12 / 十三).
    part_values, whole_values: expressions of the expression language (``old_appendix.concluded[value]``)
                   giving a count from the table when the paragraph does not state it.
    skip:          regex; a paragraph matching it is not checked (it names the cases carried over from
                   the year before, which the cases closed may include: ``结转``).
    cell_label:    template of a table cell's label ({row_label} {column_label} {value}).
    texts:         ``part`` / ``whole``: labels on the stated counts ({number}).
Message fields: {stated} (the rate as written, without %), {part} {whole}.

Example (GK834 rate-claim-implausible)::

    claim: '办结率\s*(?:为|达|达到)?\s*{percent}\s*%'
    part: '办结[^。;,]{0,6}?{number}\s*件'
    whole: '(?:受理|收到)[^。;,]{0,12}?{number}\s*件'

fails on "全年共受理政府信息公开申请26件，办结28件，办结率100%"; passes on "…办结26件，办结率100%".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal

from auditor.checks import emit, render_template
from auditor.checks.identity import number_text, report_tables
from auditor.checks.narrative import NUMBER, parse_number
from auditor.checks.percentage import HUNDRED, PERCENT
from auditor.diagnostics import Diagnostic, Label
from auditor.document import Span
from auditor.expr import Expr, ExprError, Term, evaluate_sum, parse_sum
from auditor.records import record
from auditor.regexcache import compile as compile_regex
from auditor.rulebook import ParamError, Rule
from auditor.structure import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "rate_claim"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["claim", "part", "whole"],
    "properties": {
        "claim": {"type": "string", "minLength": 1},
        "part": {"type": "string", "minLength": 1},
        "whole": {"type": "string", "minLength": 1},
        "part_values": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "whole_values": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "skip": {"type": "string", "minLength": 1},
        "cell_label": {"type": "string"},
        "texts": {"type": "object", "additionalProperties": False,
                  "properties": {"part": {"type": "string"}, "whole": {"type": "string"}}},
    },
}
FALLBACK_CELL_LABEL = "{row_label} {column_label} = {value}"


@record(eq=False, repr=False)
class Compiled:
    """A rate_claim rule's parameters: the claim, part and whole patterns and the table values."""
    claim: re.Pattern[str]
    part: re.Pattern[str]
    whole: re.Pattern[str]
    part_values: tuple[Expr, ...]
    whole_values: tuple[Expr, ...]
    cell_label: str
    texts: dict[str, str]
    skip: re.Pattern[str] | None = None


@record(eq=False, repr=False)
class Count:
    """A count as stated in the text (its span) or read from the table (its cells)."""

    value: Decimal
    span: tuple[int, int] | None = None
    terms: tuple[Term, ...] = ()


def _pattern(params: dict[str, Any], name: str, field: str, source: str) -> re.Pattern[str]:
    text = str(params[name])
    if "{" + field + "}" not in text:
        raise ParamError((name,), f"正则表达式缺少 {{{field}}}")
    try:
        return compile_regex(text.replace("{" + field + "}", source), re.MULTILINE)
    except re.error as error:
        raise ParamError((name,), f"正则表达式无效（{error}）") from error


def _expressions(params: dict[str, Any], name: str) -> tuple[Expr, ...]:
    parsed = []
    for index, source in enumerate(params.get(name, ())):
        try:
            parsed.append(parse_sum(source))
        except ExprError as error:
            raise ParamError((name, index), str(error)) from error
    return tuple(parsed)


def prepare(params: dict[str, Any]) -> Compiled:
    return Compiled(
        claim=_pattern(params, "claim", "percent", PERCENT), part=_pattern(params, "part", "number", NUMBER),
        whole=_pattern(params, "whole", "number", NUMBER), part_values=_expressions(params, "part_values"),
        whole_values=_expressions(params, "whole_values"),
        cell_label=params.get("cell_label", FALLBACK_CELL_LABEL), texts=dict(params.get("texts", {})),
        skip=_skip(params),
    )


def _skip(params: dict[str, Any]) -> re.Pattern[str] | None:
    if "skip" not in params:
        return None
    try:
        return compile_regex(str(params["skip"]), re.MULTILINE)
    except re.error as error:
        raise ParamError(("skip",), f"正则表达式无效（{error}）") from error


def _stated(pattern: re.Pattern[str], folded: str, start: int, claim: tuple[int, int], end: int) -> Count | None:
    """The nearest match before the claim in its paragraph, else the first after it."""
    before = [match for match in pattern.finditer(folded, start, claim[0])]
    match = before[-1] if before else pattern.search(folded, claim[1], end)
    if match is None:
        return None
    value = parse_number(match.group("number"))
    return Count(value, match.span("number")) if value is not None else None


def _from_table(expressions: tuple[Expr, ...], tables: Mapping[str, Any]) -> Count | None:
    for expression in expressions:
        value, terms = evaluate_sum(expression, tables)
        if value is not None:
            return Count(value, None, terms)
    return None


def _labels(rule: Rule, report: Report, count: Count, text: str) -> list[Label]:
    document = report.document
    if count.span is not None:
        return [Label(document.span(*count.span), render_template(text, {"number": number_text(count.value)}))]
    labels = []
    for term in count.terms:
        cell = term.cell
        if cell is None:
            continue
        values = {"row_label": cell.row_label, "column_label": cell.column_label, "value": number_text(term.value)}
        labels.append(Label(document.span(cell.start, cell.end), render_template(rule.compiled.cell_label, values)))
    return labels


def _paragraph(folded: str, start: int, end: int) -> tuple[int, int]:
    first = folded.rfind("\n", 0, start) + 1
    last = folded.find("\n", end)
    return first, len(folded) if last == -1 else last


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    folded = report.document.folded
    tables: Mapping[str, Any] | None = None
    for claim in compiled.claim.finditer(folded):
        stated = Decimal(claim.group("percent"))
        if stated > HUNDRED:
            continue
        start, end = _paragraph(folded, *claim.span())
        if compiled.skip is not None and compiled.skip.search(folded, start, end):
            continue
        part = _stated(compiled.part, folded, start, claim.span(), end)
        whole = _stated(compiled.whole, folded, start, claim.span(), end)
        if part is None or whole is None:
            tables = report_tables(report) if tables is None else tables
            part = part or _from_table(compiled.part_values, tables)
            whole = whole or _from_table(compiled.whole_values, tables)
        if part is None or whole is None or part.value <= whole.value:
            continue
        labels = (_labels(rule, report, part, compiled.texts.get("part", "{number}"))
                  + _labels(rule, report, whole, compiled.texts.get("whole", "{number}")))
        span: Span = report.document.span(*claim.span())
        yield emit(rule, report.era, span, {"stated": claim.group("percent"), "part": number_text(part.value),
                                            "whole": number_text(whole.value)}, labels=labels)
