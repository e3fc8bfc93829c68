"""kind: identity — an arithmetic identity between the cells of the statistics tables.

The identity is written in the expression language of ``auditor/expr.py`` (parsed by our own code,
never ``eval``). For each instance of the quantifier the check computes both sides over the cells
that hold numbers:

* the identity fails: one diagnostic per failed instance. Its primary span is the cell that holds
  the stated total (the first cell of the side named by ``total``), and every contributing cell is a
  labelled secondary span carrying its value. When one cell takes part in several failed
  instances (of this rule or of the other identity rules over the same table: T3-1 and T3-2
  over-determine table 3), a note names it as the likely error.
* a cell it needs is blank, ``无``/``—``, text or missing: the instance is not checkable. All such
  instances of a rule give ONE diagnostic (``not_checkable_severity``, default info) listing the
  cells, never a silent pass.
* a table it names was not found in the report: nothing to check (the table rules report that).

Parameters:
    expression:              the identity (required), e.g.
                             ``for c in t3.columns: t3.new[c] + t3.carried[c] == t3.c7[c] + t3.forward[c]``
    total:                   ``left`` (default) or ``right``: the side that holds the stated total.
    words:                   the identity in words, for messages and help (``{words}``).
    tolerance:               allowed difference (money), overrides the expression's ``within``.
    not_checkable_message:   template for the not-checkable diagnostic ({words} {count} {cells}).
    not_checkable_severity:  ``info`` (default) or ``warning``.
    shared_note:             template for the likely-error note ({cell} {value} {count}).
    fix_note:                template of the likely fix, added when one value of that cell makes every
                             identity it takes part in hold ({cell} {value} {fix} {count}).
    cell_label:              template of a contributing cell's label ({row_label} {column_label} {value}).
    max_reported:            failed instances reported one by one (default 6); the rest are summed up
                             in a note of the last one.
    more_note:               template of that note (fields {count} {words}).
    blank_word:              how a blank cell is named in the not-checkable message and its labels (空白).
    texts:                   the smaller fragments of the not-checkable diagnostic:
                             ``joiner``   between the cells listed in ``{cells}`` (``、``);
                             ``more_cells`` after the listed cells when there are more than eight
                             (`` 等 {count} 格``; {count} all the cells, {more} those not listed);
                             ``listed``   a listed cell with what it holds (``{cell}“{raw}”``);
                             ``listed_blank`` a listed blank cell (``{cell}（{blank}）``, {blank}
                             is ``blank_word``);
                             ``quoted``   the label on each further cell (``“{raw}”``; a blank
                             cell's {raw} is ``blank_word``);
                             ``unreadable_table`` the whole message when the instances are not
                             checkable because their table's cells cannot be told apart
                             ({words} {table}): one diagnostic at the table, no cells listed.
    when_present:            ``true``: an instance whose stated total cell the table does not have is
                             skipped, not reported as not checkable (optional subtotal rows).

The built-in rules give every template and text. One a rulebook omits falls back to the bare values
(``{words}: {count} ({cells})``, ``{cell} = {value} ({count})``, ``+{count}``, ``∅`` for a blank, …),
with no wording in any language.

Message fields: {total_label} {total} {parts} {parts_terms} {lhs} {rhs} {lhs_terms} {rhs_terms}
{difference} {row_label} {column_label} {binding_label} {words}.

Example (GK801 t3-balance)::

    - id: GK801
      kind: identity
      expression: 'for c in t3.columns: t3.new[c] + t3.carried[c] == t3.c7[c] + t3.forward[c]'
      total: right

fails on a table 三 whose 总计 column reads 新收 12, 结转 11, （七）总计 22, 结转下年度 0 (12+11 ≠ 22+0);
passes when （七）总计 is 23.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from auditor.checks import emit, render_template
from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Span
from auditor.expr import ExprError, Identity, Outcome, Term, evaluate, parse
from auditor.records import record, replace
from auditor.rulebook import ParamError, Rule
from auditor.structure import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "identity"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["expression"],
    "properties": {
        "expression": {"type": "string", "minLength": 1},
        "total": {"enum": ["left", "right"]},
        "words": {"type": "string"},
        "tolerance": {"type": "number", "minimum": 0},
        "not_checkable_message": {"type": "string"},
        "not_checkable_severity": {"enum": ["info", "warning"]},
        "shared_note": {"type": "string"},
        "fix_note": {"type": "string"},
        "cell_label": {"type": "string"},
        "max_reported": {"type": "integer", "minimum": 1},
        "more_note": {"type": "string"},
        "blank_word": {"type": "string"},
        "texts": {
            "type": "object", "additionalProperties": False,
            "properties": {name: {"type": "string"} for name in
                           ("joiner", "more_cells", "listed", "listed_blank", "quoted", "unreadable_table")},
        },
        "when_present": {"type": "boolean"},
    },
}

# language-free fallbacks for templates and texts a rulebook omits
FALLBACK_NOT_CHECKABLE = "{words}: {count} ({cells})"
FALLBACK_SHARED_NOTE = "{cell} = {value} ({count})"
FALLBACK_FIX_NOTE = "{cell} = {fix} ({count})"
FALLBACK_CELL_LABEL = "{row_label} {column_label} = {value}"
FALLBACK_MORE_NOTE = "+{count}"
FALLBACK_BLANK_WORD = "∅"
FALLBACK_TEXTS = {"unreadable_table": "{words}: {table}", "joiner": ", ", "more_cells": " (+{more})",
                  "listed": "{cell} {raw}",
                  "listed_blank": "{cell} {blank}", "quoted": "{raw}"}
CACHE_KEY = "identity.outcomes"
COUNTS_KEY = "identity.failure_counts"
SPEC_LABELS_KEY = "identity.spec_labels"
LABEL_LENGTH = 18
LISTED_CELLS = 8


@record(eq=False, repr=False)
class Compiled:
    """An identity rule's parameters: the identity parsed, its texts, tolerance and limits."""
    identity: Identity
    total: str
    words: str
    tolerance: Decimal | None
    not_checkable_message: str
    not_checkable_severity: Severity
    shared_note: str
    fix_note: str
    cell_label: str
    max_reported: int
    more_note: str
    blank_word: str
    texts: dict[str, str]
    when_present: bool


def parse_expression(params: dict[str, Any]) -> Identity:
    """The rule's ``expression`` parsed, or a ParamError located at it (for every identity-like kind)."""
    try:
        return parse(params["expression"])
    except ExprError as error:
        raise ParamError(("expression",), f"表达式有误: {error}\n{error.pointer()}") from error


def prepare(params: dict[str, Any]) -> Compiled:
    identity = parse_expression(params)
    tolerance = params.get("tolerance")
    return Compiled(
        identity=identity,
        total=params.get("total", "left"),
        words=params.get("words", params["expression"]),
        tolerance=Decimal(str(tolerance)) if tolerance is not None else None,
        not_checkable_message=params.get("not_checkable_message", FALLBACK_NOT_CHECKABLE),
        not_checkable_severity=Severity.parse(params.get("not_checkable_severity", "info")),
        shared_note=params.get("shared_note", FALLBACK_SHARED_NOTE),
        fix_note=params.get("fix_note", FALLBACK_FIX_NOTE),
        cell_label=params.get("cell_label", FALLBACK_CELL_LABEL),
        max_reported=int(params.get("max_reported", 6)),
        more_note=params.get("more_note", FALLBACK_MORE_NOTE),
        blank_word=params.get("blank_word", FALLBACK_BLANK_WORD),
        texts={**FALLBACK_TEXTS, **params.get("texts", {})},
        when_present=bool(params.get("when_present", False)),
    )


# ---------------------------------------------------------------------------- tables and outcomes
def report_tables(report: Report) -> Mapping[str, Any]:
    """The report's tables by id (the table reader caches them per report)."""
    try:
        from auditor.structure.tables import tables_of
    except ModuleNotFoundError as error:  # the table reader is not installed in this tree yet
        if error.name == "auditor.structure.tables":
            return {}
        raise
    return tables_of(report)


def _outcomes_of(rule: Rule, report: Report, tables: Mapping[str, Any]) -> list[Outcome]:
    compiled: Compiled = rule.compiled
    outcomes = evaluate(compiled.identity, tables, compiled.tolerance)
    if compiled.when_present:
        outcomes = [outcome for outcome in outcomes if _stated_total(compiled, outcome).cell is not None]
    return outcomes


def _stated_total(compiled: Compiled, outcome: Outcome) -> Term:
    side = outcome.left if compiled.total == "left" else outcome.right
    return next((term for term in side if term.is_cell), side[0])


def all_outcomes(rule: Rule, report: Report) -> dict[str, list[Outcome]]:
    """Outcomes of every identity rule that applies to the report, computed once per report, so that
    a failed instance can be compared with the failures of the sibling identities."""
    cached = report.cache.get(CACHE_KEY)
    if cached is not None and rule.id in cached:
        return cached
    tables = report_tables(report)
    rulebook = report.cache.get("rulebook")
    siblings = [rule]
    if rulebook is not None:
        siblings += [other for other in rulebook.by_kind(KIND)
                     if other.id != rule.id and other.applies(report.era, report.report_year)]
    outcomes = {sibling.id: _outcomes_of(sibling, report, tables) for sibling in siblings}
    report.cache[CACHE_KEY] = outcomes
    return outcomes


def _report_failure_counts(report: Report, outcomes: Mapping[str, Sequence[Outcome]]) -> Counter[tuple[str, str, str]]:
    """``failure_counts`` of the report's outcomes, counted once for all the identity rules."""
    cached = report.cache.get(COUNTS_KEY)
    if cached is None or cached[0] is not outcomes:
        cached = (outcomes, failure_counts(outcomes))
        report.cache[COUNTS_KEY] = cached
    counts: Counter[tuple[str, str, str]] = cached[1]
    return counts


def failure_counts(outcomes: Mapping[str, Sequence[Outcome]]) -> Counter[tuple[str, str, str]]:
    """How many failed instances (over all identity rules) each cell takes part in."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for instances in outcomes.values():
        for outcome in instances:
            if outcome.status == "fail":
                counts.update({term.address for term in outcome.terms if term.is_cell})
    return counts


# ---------------------------------------------------------------------------- text
def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"


def number_text(value: Decimal | None) -> str:
    if value is None:
        return "?"
    text = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return text


def cell_name(term: Term) -> str:
    if term.cell is None:
        return f"{term.table}.{term.row}[{term.column}]"
    parts = [_short(term.cell.row_label), _short(term.cell.column_label)]
    return "·".join(part for part in parts if part) or f"{term.table}.{term.row}[{term.column}]"


def terms_text(terms: Sequence[Term]) -> str:
    text = ""
    for index, term in enumerate(terms):
        value = number_text(term.value)
        if index == 0:
            text = value if term.sign > 0 else f"-{value}"
        else:
            text += ("+" if term.sign > 0 else "-") + value
    return text


def _total_term(compiled: Compiled, outcome: Outcome) -> Term:
    side = outcome.left if compiled.total == "left" else outcome.right
    other = outcome.right if compiled.total == "left" else outcome.left
    for term in (*side, *other):
        if term.is_cell and term.cell is not None:
            return term
    return side[0]


def _binding_label(outcome: Outcome, total: Term) -> str:
    if not outcome.binding or total.cell is None:
        return ""
    key = outcome.binding[0][1]
    if key == total.column:
        return _short(total.cell.column_label)
    return _short(total.cell.row_label) if key == total.row else key


def _values(compiled: Compiled, outcome: Outcome, total: Term) -> dict[str, Any]:
    lhs, rhs = number_text(outcome.lhs), number_text(outcome.rhs)
    left_is_total = compiled.total == "left"
    total_side, parts_side = (outcome.left, outcome.right) if left_is_total else (outcome.right, outcome.left)
    difference = (outcome.lhs or Decimal(0)) - (outcome.rhs or Decimal(0))
    return {
        "lhs": lhs, "rhs": rhs, "lhs_terms": terms_text(outcome.left), "rhs_terms": terms_text(outcome.right),
        "total": lhs if compiled.total == "left" else rhs, "parts": rhs if compiled.total == "left" else lhs,
        "total_terms": terms_text(total_side), "parts_terms": terms_text(parts_side),
        "difference": number_text(abs(difference)), "total_label": cell_name(total),
        "row_label": _short(total.cell.row_label) if total.cell is not None else total.row,
        "column_label": _short(total.cell.column_label) if total.cell is not None else total.column,
        "binding_label": _binding_label(outcome, total), "words": compiled.words,
    }


# ---------------------------------------------------------------------------- diagnostics
def _cell_labels(report: Report, compiled: Compiled, terms: Sequence[Term], skip: Term) -> list[Label]:
    labels = []
    seen = {skip.address}
    for term in terms:
        if not term.is_cell or term.cell is None or term.address in seen:
            continue
        seen.add(term.address)
        text = render_template(compiled.cell_label, {
            "row_label": _short(term.cell.row_label), "column_label": _short(term.cell.column_label),
            "value": number_text(term.value) if term.value is not None else term.cell.raw.strip() or "∅",
        })
        labels.append(Label(report.document.span(term.cell.start, term.cell.end), " ".join(text.split())))
    return labels


def _coefficient(outcome: Outcome, address: tuple[str, str, str]) -> int:
    """How many times the cell counts in ``lhs - rhs`` of the outcome (0 when it is not in it)."""
    left = sum(term.sign for term in outcome.left if term.is_cell and term.address == address)
    right = sum(term.sign for term in outcome.right if term.is_cell and term.address == address)
    return left - right


def likely_fix(suspect: Term, outcomes: Mapping[str, Sequence[Outcome]]) -> Decimal | None:
    """The one value of ``suspect`` that makes every identity it takes part in hold, or None.

    Each equality the cell is in asks for one change (``-(lhs - rhs) / coefficient``); a passing one
    asks for none. Only when they all ask for the same non-zero change, to a value that is not
    negative, is there a fix to name; an inequality or an uncheckable instance over the cell means
    no fix can be promised."""
    if suspect.value is None:
        return None
    changes: set[Decimal] = set()
    for instances in outcomes.values():
        for outcome in instances:
            coefficient = _coefficient(outcome, suspect.address)
            if coefficient == 0:
                continue
            if outcome.status == "unknown" or outcome.op != "==" or outcome.lhs is None or outcome.rhs is None:
                return None
            changes.add(-(outcome.lhs - outcome.rhs) / coefficient)
            if len(changes) > 1:
                return None
    if len(changes) != 1:
        return None
    fixed = suspect.value + changes.pop()
    if fixed == suspect.value or fixed < 0 or (fixed != fixed.to_integral_value()
                                               and suspect.value == suspect.value.to_integral_value()):
        return None
    return fixed


def _shared_notes(compiled: Compiled, outcome: Outcome, outcomes: Mapping[str, Sequence[Outcome]],
                  counts: Counter[tuple[str, str, str]]) -> list[str]:
    cells = {term.address: term for term in outcome.terms if term.is_cell and term.cell is not None}
    shared = {address: counts[address] for address in cells if counts[address] >= 2}
    if not shared:
        return []
    most = max(shared.values())
    suspects = [cells[address] for address, count in shared.items() if count == most]
    if len(suspects) > 2:  # several cells share the failures equally: no single suspect
        return []
    notes = []
    for term in suspects:
        fields = {"cell": cell_name(term), "value": number_text(term.value), "count": most}
        notes.append(render_template(compiled.shared_note, fields))
        fix = likely_fix(term, outcomes)
        if fix is not None:
            notes.append(render_template(compiled.fix_note, {**fields, "fix": number_text(fix)}))
    return notes


def _failure(rule: Rule, report: Report, outcome: Outcome, outcomes: Mapping[str, Sequence[Outcome]],
             counts: Counter[tuple[str, str, str]]) -> Diagnostic:
    compiled: Compiled = rule.compiled
    total = _total_term(compiled, outcome)
    span = report.document.span(total.cell.start, total.cell.end) if total.cell is not None else None
    labels = _cell_labels(report, compiled, outcome.terms, total)
    return emit(rule, report.era, span, _values(compiled, outcome, total), labels=labels,
                notes=_shared_notes(compiled, outcome, outcomes, counts))


def _raw(cell: Any, compiled: Compiled) -> str:
    return cell.raw.strip() or compiled.blank_word


def _spec_labels(report: Report) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Row and column labels by key of each table definition of the report's era, once per report."""
    cached: dict[str, tuple[dict[str, str], dict[str, str]]] | None = report.cache.get(SPEC_LABELS_KEY)
    if cached is None:
        try:
            from auditor.structure.tables import specs_of
        except ModuleNotFoundError:
            return {}
        cached = {table_id: ({row.key: row.label for row in spec.rows},
                             {column.key: column.label for column in spec.columns})
                  for table_id, spec in specs_of(report).items()}
        report.cache[SPEC_LABELS_KEY] = cached
    return cached


def spec_label(report: Report, term: Term) -> str:
    """A missing cell named by its table definition's row and column labels (else by its keys)."""
    labels = _spec_labels(report).get(term.table)
    if labels is None:
        return cell_name(term)
    rows, columns = labels
    parts = [_short(rows.get(term.row, term.row)), _short(columns.get(term.column, term.column))]
    return "·".join(part for part in parts if part)


def _listed(report: Report, term: Term, compiled: Compiled) -> str:
    if term.cell is None:
        return spec_label(report, term)
    raw = term.cell.raw.strip()
    if raw:
        return render_template(compiled.texts["listed"], {"cell": cell_name(term), "raw": raw})
    return render_template(compiled.texts["listed_blank"], {"cell": cell_name(term), "blank": compiled.blank_word})


def _table_span(report: Report, terms: Sequence[Term]) -> Span | None:
    """Where the table of ``terms`` starts (its anchor), for cells the table lacks altogether."""
    table = report_tables(report).get(terms[0].table) if terms else None
    if table is None:
        return None
    anchor_end = getattr(table, "anchor_end", -1)
    return report.document.span(table.start, anchor_end if anchor_end > table.start else table.start + 1)


def _not_checkable(rule: Rule, report: Report, outcomes: Sequence[Outcome]) -> Diagnostic:
    compiled: Compiled = rule.compiled
    unreadable: dict[tuple[str, str, str], Term] = {}
    for outcome in outcomes:
        for term in outcome.unreadable:
            unreadable.setdefault(term.address, term)
    terms = list(unreadable.values())
    present = [term for term in terms if term.cell is not None]
    texts = compiled.texts
    listed = texts["joiner"].join(_listed(report, term, compiled) for term in terms[:LISTED_CELLS])
    if len(terms) > LISTED_CELLS:
        listed += render_template(texts["more_cells"], {"count": len(terms), "more": len(terms) - LISTED_CELLS})
    span = report.document.span(present[0].cell.start, present[0].cell.end) if present else _table_span(report, terms)
    labels = [Label(report.document.span(term.cell.start, term.cell.end),
                    render_template(texts["quoted"], {"raw": _raw(term.cell, compiled)}))
              for term in present[1:LISTED_CELLS]]
    message = render_template(compiled.not_checkable_message,
                              {"words": compiled.words, "count": len(terms), "cells": listed})
    diagnostic = emit(rule, report.era, span, {"words": compiled.words}, labels=labels,
                      severity=compiled.not_checkable_severity)
    return replace(diagnostic, message=message)


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    outcomes = all_outcomes(rule, report)
    mine = outcomes.get(rule.id, [])
    if not mine:  # a table it names is absent: nothing to check
        return
    failed = [outcome for outcome in mine if outcome.status == "fail"]
    counts = _report_failure_counts(report, outcomes) if failed else Counter()
    reported = [_failure(rule, report, outcome, outcomes, counts) for outcome in failed[: compiled.max_reported]]
    if len(failed) > compiled.max_reported:
        rest = len(failed) - compiled.max_reported
        more = render_template(compiled.more_note, {"count": rest, "words": compiled.words})
        reported[-1] = replace(reported[-1], notes=(*reported[-1].notes, more))
    yield from reported
    unknown = [outcome for outcome in mine if outcome.status == "unknown"]
    tables = report_tables(report)
    broken = {table_id for table_id, table in tables.items() if getattr(table, "unreadable", ())}
    unreadable = [outcome for outcome in unknown if any(term.table in broken for term in outcome.unreadable)]
    unknown = [outcome for outcome in unknown if outcome not in unreadable]
    if unreadable:
        yield _unreadable_table(rule, report, unreadable, broken)
    if unknown:
        yield _not_checkable(rule, report, unknown)


def _unreadable_table(rule: Rule, report: Report, outcomes: Sequence[Outcome], broken: set[str]) -> Diagnostic:
    """Instances over a table whose cells cannot be told apart: one diagnostic at the table."""
    compiled: Compiled = rule.compiled
    terms = [term for outcome in outcomes for term in outcome.unreadable if term.table in broken]
    table = report_tables(report)[terms[0].table]
    span = _table_span(report, terms)
    message = render_template(compiled.texts["unreadable_table"],
                              {"words": compiled.words, "table": getattr(table, "title", terms[0].table)})
    diagnostic = emit(rule, report.era, span, {"words": compiled.words}, severity=compiled.not_checkable_severity)
    return replace(diagnostic, message=message)
