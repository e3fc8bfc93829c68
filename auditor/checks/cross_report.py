"""kind: cross_report — an identity between this year's report and last year's, cell by cell.

Runs in the series pass (``auditor/series.py``) on each report and its predecessor in its series
(or the file named by ``--previous``). The identity is written in the expression language of
``auditor/expr.py`` with table names qualified by a scope: ``this.t3.carried[c]`` is a cell of this
year's report, ``previous.t3.forward[c]`` one of last year's. For each instance:

* ``compare: equal`` (default): the identity must hold; a failed instance gives one diagnostic
  whose primary span is the first ``this.`` cell of the comparison (where the fix goes) and whose
  labels are the other cells with their values; last year's cells are labels *in the other file*
  (with its path).
* ``compare: jump``: the two sides are compared as figures of two years; when the larger is at
  least ``floor`` and at least ``factor`` times the smaller, a diagnostic (usually info) says so.
* a cell is blank, ``无``/``—``, text or missing, or last year's report lacks a table the identity
  names, or is of an era not in ``previous_eras``: ONE "not checkable" diagnostic
  (``not_checkable_severity``, default info) saying why, never a silent pass (``equal`` only: a
  jump is a hint, not a requirement).
* this year's report lacks the table: nothing (the table rules report that).

The rule's ``applies_to`` selects this year's report (e.g. ``years: [2020, 2100]`` exempts 2019, the
transition from the old statistics).

Parameters:
    expression:              the identity (required), e.g.
                             ``for c in this.t3.columns: this.t3.carried[c] == previous.t3.forward[c]``
    compare:                 ``equal`` (default) or ``jump``.
    factor:                  for ``jump``: the ratio that counts as a jump (default 10).
    floor:                   for ``jump``: the larger figure must be at least this (default 0).
    words:                   the identity in words ({words}).
    previous_eras:           eras last year's report must be of to be compared (default: any).
    cell_label:              label of a contributing cell ({year} {row_label} {column_label} {value}).
    not_checkable_message:   template of the not-checkable diagnostic ({words} {reason}).
    texts:                   the reasons: ``missing_table`` ({previous_path} {table}), ``missing_column``
                             (last year's table does not give a column: {previous_path} {column}), ``other_era``
                             ({previous_path} {previous_era}), ``cells`` ({cells}: the cells that are not
                             numbers), ``joiner`` between them, ``listed`` one of them ({year} {cell}
                             {raw}), ``absent`` one the report does not give ({year} {cell}).
    not_checkable_severity:  ``info`` (default) or ``warning``.
    max_reported:            failed instances reported one by one (default 6); the rest in a note.
    more_note:               template of that note ({count} {words}).
    when_present:            ``true``: an instance whose first ``this.`` cell this year's table does
                             not have is skipped (an optional column, e.g. 历年累计: checked where the
                             report gives it). A column left entirely blank counts as not given.

Message fields: {words} {lhs} {rhs} {lhs_terms} {rhs_terms} {difference} {row_label}
{column_label} {binding_label} {year} {previous_year} {previous_path} {factor}.

Example (GK951 series-carry-over)::

    - id: GK951
      kind: cross_report
      expression: 'for c in this.t3.columns: this.t3.carried[c] == previous.t3.forward[c]'
      applies_to: {eras: ["2019", "2021"], years: [2020, 2100]}

fails when 2022's 二、上年结转 总计 is 11 but 2021's 四、结转下年度继续办理 总计 is 9; passes at 9.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from auditor.checks import emit, render_template
from auditor.checks.identity import cell_name, number_text, parse_expression, terms_text
from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.expr import Identity, Outcome, Term, evaluate
from auditor.records import record, replace
from auditor.rulebook import ParamError, Rule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "cross_report"
SCOPE = "series"  # runs on pairs of reports after the batch, not on one report
TEXT_NAMES = ("missing_table", "missing_column", "other_era", "cells", "joiner", "listed", "absent")
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["expression"],
    "properties": {
        "expression": {"type": "string", "minLength": 1},
        "compare": {"enum": ["equal", "jump"]},
        "factor": {"type": "number", "exclusiveMinimum": 1},
        "floor": {"type": "number", "minimum": 0},
        "words": {"type": "string"},
        "previous_eras": {"type": "array", "items": {"enum": ["old", "2019", "2021"]}, "minItems": 1},
        "cell_label": {"type": "string"},
        "not_checkable_message": {"type": "string"},
        "not_checkable_severity": {"enum": ["info", "warning"]},
        "texts": {"type": "object", "additionalProperties": False,
                  "properties": {name: {"type": "string"} for name in TEXT_NAMES}},
        "max_reported": {"type": "integer", "minimum": 1},
        "more_note": {"type": "string"},
        "when_present": {"type": "boolean"},
    },
}
FALLBACK_TEXTS = {"missing_table": "{previous_path}: {table} ∅", "other_era": "{previous_path}: {previous_era}",
                  "cells": "{cells}", "joiner": ", ", "listed": "{year} {cell} {raw}", "absent": "{year} {cell} ∅",
                  "missing_column": "{previous_path}: {column} ∅"}
SCOPES = ("this.", "previous.")


@record(frozen=True)
class Compiled:
    identity: Identity
    compare: str
    factor: Decimal
    floor: Decimal
    words: str
    previous_eras: frozenset[str] | None
    cell_label: str
    not_checkable_message: str
    not_checkable_severity: Severity
    texts: dict[str, str]
    max_reported: int
    more_note: str
    when_present: bool


def prepare(params: dict[str, Any]) -> Compiled:
    identity = parse_expression(params)
    unscoped = sorted(table for table in identity.tables if not table.startswith(SCOPES))
    if unscoped:
        raise ParamError(("expression",), f"跨年表达式的表名须以 this. 或 previous. 开头：{', '.join(unscoped)}")
    eras = params.get("previous_eras")
    return Compiled(
        identity=identity, compare=params.get("compare", "equal"),
        factor=Decimal(str(params.get("factor", 10))), floor=Decimal(str(params.get("floor", 0))),
        words=params.get("words", params["expression"]),
        previous_eras=frozenset(eras) if eras else None,
        cell_label=params.get("cell_label", "{year} {row_label} {column_label} = {value}"),
        not_checkable_message=params.get("not_checkable_message", "{words}: {reason}"),
        not_checkable_severity=Severity.parse(params.get("not_checkable_severity", "info")),
        texts={**FALLBACK_TEXTS, **params.get("texts", {})},
        max_reported=int(params.get("max_reported", 6)), more_note=params.get("more_note", "+{count}"),
        when_present=bool(params.get("when_present", False)),
    )


# ---------------------------------------------------------------------------- helpers
def _is_previous(term: Term) -> bool:
    return term.table.startswith("previous.")


def _first_this(outcome: Outcome) -> Term | None:
    """The first ``this.`` cell of the comparison, if this year's table has it."""
    first = next((term for term in outcome.terms if term.is_cell and not _is_previous(term)), None)
    return first if first is not None and first.cell is not None else None


def _primary(outcome: Outcome) -> Term | None:
    return next((term for term in outcome.terms if not _is_previous(term) and term.cell is not None), None)


def _labels(compiled: Compiled, pair: Any, terms: Sequence[Term], skip: Term | None) -> list[Label]:
    from auditor.series import other_file_label

    labels: list[Label] = []
    seen = {skip.address} if skip is not None else set()
    for term in terms:
        if not term.is_cell or term.cell is None or term.address in seen:
            continue
        seen.add(term.address)
        report = pair.previous if _is_previous(term) else pair.this
        text = " ".join(render_template(compiled.cell_label, {
            "year": report.year, "row_label": term.cell.row_label, "column_label": term.cell.column_label,
            "value": number_text(term.value) if term.value is not None else term.cell.raw.strip() or "∅"}).split())
        if _is_previous(term):
            labels.append(other_file_label(term.cell.span, text, report.path, term.cell.line))
        else:
            labels.append(Label(term.cell.span, text))
    return labels


def _values(compiled: Compiled, pair: Any, outcome: Outcome, primary: Term) -> dict[str, Any]:
    lhs, rhs = outcome.lhs or Decimal(0), outcome.rhs or Decimal(0)
    binding = outcome.binding[0][1] if outcome.binding else ""
    cell = primary.cell
    binding_label = cell.column_label if binding == primary.column else cell.row_label if binding else ""
    return {
        "words": compiled.words, "lhs": number_text(lhs), "rhs": number_text(rhs),
        "lhs_terms": terms_text(outcome.left), "rhs_terms": terms_text(outcome.right),
        "difference": number_text(abs(lhs - rhs)), "row_label": cell.row_label, "column_label": cell.column_label,
        "binding_label": binding_label, "year": pair.this.year, "previous_year": pair.previous.year,
        "previous_path": pair.previous.path, "factor": number_text(compiled.factor),
    }


def _is_jump(compiled: Compiled, outcome: Outcome) -> bool:
    if outcome.lhs is None or outcome.rhs is None:
        return False
    big, small = max(abs(outcome.lhs), abs(outcome.rhs)), min(abs(outcome.lhs), abs(outcome.rhs))
    return big >= compiled.floor and big > 0 and big >= compiled.factor * small


def _not_checkable(rule: Rule, pair: Any, reason: str) -> Diagnostic:
    compiled: Compiled = rule.compiled
    diagnostic = emit(rule, pair.this.era, pair.this.anchor, {"words": compiled.words},
                      severity=compiled.not_checkable_severity)
    message = render_template(compiled.not_checkable_message, {"words": compiled.words, "reason": reason})
    return replace(diagnostic, message=message)


def _term_label(pair: Any, term: Term) -> str:
    """A cell named by its labels; one the table lacks by the labels of the same cell in the other year."""
    if term.cell is not None:
        return cell_name(term)
    other = pair.this if _is_previous(term) else pair.previous
    table = other.tables.get(term.table.split(".", 1)[1]) if other is not None else None
    twin = table.cell(term.row, term.column) if table is not None else None
    return cell_name(replace(term, cell=twin)) if twin is not None else f"{term.row}[{term.column}]"


def _absent_columns(pair: Any, outcomes: Sequence[Outcome]) -> list[str]:
    """Columns last year's table does not give at all, named by this year's column labels."""
    names: dict[str, str] = {}
    for outcome in outcomes:
        for term in outcome.unreadable:
            table = pair.previous.tables.get(term.table.split(".", 1)[1]) if _is_previous(term) else None
            if table is not None and (term.column in table.missing_columns
                                      or all(column != term.column for _, column in table.cells)):
                twin = pair.this.tables.get(table.id)
                cell = twin.cell(term.row, term.column) if twin is not None else None
                names.setdefault(term.column, cell.column_label if cell is not None else term.column)
    return list(names.values())


def _unreadable_reason(compiled: Compiled, pair: Any, outcomes: Sequence[Outcome]) -> str:
    absent = _absent_columns(pair, outcomes)
    if absent:
        return render_template(compiled.texts["missing_column"], {"previous_path": pair.previous.path,
                                                                    "column": "、".join(absent)})
    cells: dict[tuple[str, str, str], str] = {}
    for outcome in outcomes:
        for term in outcome.unreadable:
            report = pair.previous if _is_previous(term) else pair.this
            values = {"year": report.year, "cell": _term_label(pair, term),
                      "raw": term.cell.raw.strip() if term.cell is not None else ""}
            template = compiled.texts["listed"] if term.cell is not None else compiled.texts["absent"]
            cells.setdefault(term.address, render_template(template, values))
    return render_template(compiled.texts["cells"], {"cells": compiled.texts["joiner"].join(list(cells.values())[:8])})


def _previous_problem(compiled: Compiled, pair: Any) -> str | None:
    previous = pair.previous
    if compiled.previous_eras is not None and previous.era not in compiled.previous_eras:
        return render_template(compiled.texts["other_era"], {"previous_path": previous.path,
                                                               "previous_era": previous.era})
    missing = sorted(table.split(".", 1)[1] for table in compiled.identity.tables
                     if table.startswith("previous.") and table.split(".", 1)[1] not in previous.tables)
    if missing:
        return render_template(compiled.texts["missing_table"], {"previous_path": previous.path,
                                                                   "table": "、".join(missing)})
    return None


# ---------------------------------------------------------------------------- the check
def check_pair(rule: Rule, pair: Any) -> Iterator[Diagnostic]:
    """Findings of the identity on ``pair`` (an ``auditor.series.Pair``), in its later report."""
    compiled: Compiled = rule.compiled
    if not pair.comparable:
        return
    this_tables = {table.split(".", 1)[1] for table in compiled.identity.tables if table.startswith("this.")}
    if not this_tables <= set(pair.this.tables):
        return
    problem = _previous_problem(compiled, pair)
    if problem is not None:
        if compiled.compare == "equal":  # a jump is a hint, not an identity: nothing to say unchecked
            yield _not_checkable(rule, pair, problem)
        return
    outcomes = evaluate(compiled.identity, pair.scoped_tables())
    if compiled.when_present:
        outcomes = [outcome for outcome in outcomes if _first_this(outcome) is not None]
    if compiled.compare == "jump":
        flagged = [outcome for outcome in outcomes if outcome.status != "unknown" and _is_jump(compiled, outcome)]
    else:
        flagged = [outcome for outcome in outcomes if outcome.status == "fail"]
    reported = []
    for outcome in flagged[: compiled.max_reported]:
        primary = _primary(outcome)
        if primary is None:
            continue
        span = primary.cell.span
        reported.append(emit(rule, pair.this.era, span, _values(compiled, pair, outcome, primary),
                             labels=_labels(compiled, pair, outcome.terms, primary)))
    if reported and len(flagged) > compiled.max_reported:
        more = render_template(compiled.more_note, {"count": len(flagged) - compiled.max_reported,
                                                    "words": compiled.words})
        reported[-1] = replace(reported[-1], notes=(*reported[-1].notes, more))
    yield from reported
    unknown = [outcome for outcome in outcomes if outcome.status == "unknown"]
    if unknown and compiled.compare == "equal":
        yield _not_checkable(rule, pair, _unreadable_reason(compiled, pair, unknown))
