"""kind: region_sum — a region's own figures against the sum of its members' reports of the same year.

Runs in the series pass (``auditor/series.py``) when the config names a region's member agencies::

    # gk-audit.yaml
    series-regions:
      某县人民政府: [某县教育局, 某县卫生健康委员会, 某镇人民政府]

(names as the series show them: the normalised agency of the title, or the folder by ``series-layout``).
For each year with a report of the region, every cell listed in ``cells`` of the region's report must
equal the sum of the same cell in its members' reports of that year:

* a member's report of that year is missing: ONE "not checkable" diagnostic naming the missing members
  (``texts.missing``), never a silent pass;
* a cell is not a number in the region's or a member's report: one "not checkable" diagnostic listing them
  (``texts.cells``);
* the sum differs: one diagnostic at the region's cell, each member's cell a label in its own file.

Parameters:
    cells:                  single cells in the expression language (``t3.new[total]``), required.
    cell_label:             label of a member's cell ({agency} {year} {row_label} {column_label} {value}).
    not_checkable_message:  template of the not-checkable diagnostic ({reason}).
    not_checkable_severity: ``info`` (default) or ``warning``.
    texts:                  ``missing`` ({missing} {year}), ``cells`` ({cells}), ``joiner``.

Message fields: {row_label} {column_label} {total} {sum} {count} {difference} {year}.

Example (GK956 region-sum)::

    - id: GK956
      kind: region_sum
      cells: ['t3.new[total]']

fails when 某县人民政府's 2023 report gives 本年新收 120 but its three members' 2023 reports give 50+40+20.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditor.checks import emit, render_template
from auditor.checks.identity import number_text
from auditor.diagnostics import Diagnostic, Severity
from auditor.expr import CellSet, ExprError, parse_sum
from auditor.records import record, replace
from auditor.rulebook import ParamError, Rule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "region_sum"
SCOPE = "series"  # runs on a region and its members after the batch, not on one report
TEXT_NAMES = ("missing", "cells", "joiner")
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["cells"],
    "properties": {
        "cells": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "cell_label": {"type": "string"},
        "not_checkable_message": {"type": "string"},
        "not_checkable_severity": {"enum": ["info", "warning"]},
        "texts": {"type": "object", "additionalProperties": False,
                  "properties": {name: {"type": "string"} for name in TEXT_NAMES}},
    },
}
FALLBACK_TEXTS = {"missing": "{missing}", "cells": "{cells}", "joiner": ", "}


@record(frozen=True)
class Compiled:
    cells: tuple[CellSet, ...]
    cell_label: str
    not_checkable_message: str
    not_checkable_severity: Severity
    texts: dict[str, str]


def prepare(params: dict[str, Any]) -> Compiled:
    cells = []
    for index, source in enumerate(params["cells"]):
        try:
            expression = parse_sum(source)
        except ExprError as error:
            raise ParamError(("cells", index), f"表达式有误: {error}\n{error.pointer()}") from error
        if not isinstance(expression, CellSet) or not expression.single:
            raise ParamError(("cells", index), f"须是一个单元格（如 t3.new[total]）：{source}")
        cells.append(expression)
    return Compiled(tuple(cells), params.get("cell_label", "{agency} {value}"),
                    params.get("not_checkable_message", "{reason}"),
                    Severity.parse(params.get("not_checkable_severity", "info")),
                    {**FALLBACK_TEXTS, **params.get("texts", {})})


@record(frozen=True)
class RegionCase:
    """A region's report of one year and its members' reports of that year (None: missing)."""

    region: Any  # auditor.series.ReportSummary
    members: tuple[tuple[str, Any], ...]  # (agency, ReportSummary | None)


def _cell(summary: Any, cells: CellSet) -> Any:
    table = summary.tables.get(cells.table)
    return table.cell(cells.rows[0].name, cells.columns[0].name) if table is not None else None


def _value(cell: Any) -> Decimal | None:
    if cell is None or str(getattr(cell.value_class, "name", cell.value_class)).upper() not in ("NUMBER", "ZERO"):
        return None
    return Decimal(str(cell.value)) if cell.value is not None else None


def _not_checkable(rule: Rule, case: RegionCase, reason: str) -> Diagnostic:
    compiled: Compiled = rule.compiled
    diagnostic = emit(rule, case.region.era, case.region.anchor, severity=compiled.not_checkable_severity)
    return replace(diagnostic, message=render_template(compiled.not_checkable_message, {"reason": reason}))


def _compare(rule: Rule, case: RegionCase, cells: CellSet) -> Diagnostic | str | None:
    """A finding, the name of an unreadable cell (str), or None when the sum holds."""
    from auditor.series import other_file_label

    compiled: Compiled = rule.compiled
    own = _cell(case.region, cells)
    parts = [(agency, summary, _cell(summary, cells)) for agency, summary in case.members]
    unreadable = [agency for agency, _, cell in parts if _value(cell) is None]
    if _value(own) is None or unreadable:
        name = f"{own.row_label}·{own.column_label}" if own is not None else \
            f"{cells.table}.{cells.rows[0].name}[{cells.columns[0].name}]"
        return f"{name}（{compiled.texts['joiner'].join(unreadable or [case.region.agency or ''])}）"
    total = _value(own) or Decimal(0)
    added = sum((_value(cell) or Decimal(0) for _, _, cell in parts), Decimal(0))
    if total == added:
        return None
    labels = [other_file_label(cell.span, render_template(compiled.cell_label, {
        "agency": agency, "year": summary.year, "row_label": cell.row_label, "column_label": cell.column_label,
        "value": number_text(_value(cell))}), summary.path, cell.line) for agency, summary, cell in parts]
    values = {"row_label": own.row_label, "column_label": own.column_label, "total": number_text(total),
              "sum": number_text(added), "count": len(parts), "difference": number_text(abs(total - added)),
              "year": case.region.year}
    return emit(rule, case.region.era, own.span, values, labels=labels)


def check_region(rule: Rule, case: RegionCase) -> Iterator[Diagnostic]:
    """Findings of ``case`` in the region's report."""
    compiled: Compiled = rule.compiled
    missing = [agency for agency, summary in case.members if summary is None or summary.read_error is not None]
    if missing:
        reason = render_template(compiled.texts["missing"], {
            "missing": compiled.texts["joiner"].join(missing), "year": case.region.year})
        yield _not_checkable(rule, case, reason)
        return
    unreadable: list[str] = []
    for cells in compiled.cells:
        found = _compare(rule, case, cells)
        if isinstance(found, str):
            unreadable.append(found)
        elif found is not None:
            yield found
    if unreadable:
        reason = render_template(compiled.texts["cells"], {"cells": compiled.texts["joiner"].join(unreadable)})
        yield _not_checkable(rule, case, reason)
