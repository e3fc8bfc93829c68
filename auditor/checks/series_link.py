"""kind: series_link — which reports form a series, and when a report cannot be compared with last year's.

This kind runs in the series pass (``auditor/series.py``), after every report of a run was
checked: a report's identity is its agency, normalised from the title by the parameters below (or
the folder name, by the config's ``series-layout``), and its year. Reports of one agency form a
series; each is compared with the report of the year before by the ``cross_report`` and
``copied_text`` rules. This rule says, once, when that comparison cannot be made:

* a gap in the series (no report for a year): one finding on the report after the gap;
* the previous report cannot be read: one finding naming it and why;
* the previous report named by ``--previous`` is not of the year before.

Its findings point at the title line of the later report. Never a silent pass: a report with no
predecessor to compare with is said so, not taken as consistent.

Parameters:
    agency:   how an agency name is taken from a title (matched on the folded title: full-width
              forms half-width, traditional characters simplified):
              ``remove``  regexes whose matches are deleted (the year, 政府信息公开工作年度报告, …);
              ``replace`` ``{pattern, with}`` pairs applied after that, in order (办公室/办公厅
              variants of one government, 政府 → 人民政府);
              ``above_title`` when the title names no agency (a title in two lines: 某区人民政府 /
              2023年政府信息公开工作年度报告), the nearest non-blank line within this many lines above
              it is read as the agency (default 0: never).
    figures:  key figures of a series, by name: bare sums in the expression language over the
              report's own tables (``t3.new[total]``), shown in the series chart of the HTML report.
    texts:    the messages of the cases above: ``gap`` ({missing} {years} {previous_year}),
              ``unreadable`` ({previous_path} {reason}), ``other_year`` ({previous_path}
              {previous_year} {year}), and ``note``: the one-line note per series in the text
              output ({agency} {count} {first} {last} {years} {gaps}).

Example::

    - id: GK950
      kind: series_link
      agency: {remove: ['(?:19|20)\\d\\d\\s*年度?', '政府信息公开工作年度报告$'], replace: []}

reports titled 某县人民政府2021年… and 某县人民政府办公室2022年… form one series when a ``replace``
entry maps 人民政府办公室 to 人民政府; a series with 2020 and 2022 but no 2021 fires once, on 2022.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.checks import compile_patterns, emit, render_template
from auditor.diagnostics import Diagnostic
from auditor.expr import Expr, ExprError, parse_sum
from auditor.records import record, replace
from auditor.rulebook import ParamError, Rule
from auditor.textfold import fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "series_link"
SCOPE = "series"  # runs on pairs of reports after the batch, not on one report
TEXT_NAMES = ("gap", "unreadable", "other_year", "note")
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["agency"],
    "properties": {
        "agency": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "remove": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "above_title": {"type": "integer", "minimum": 0, "maximum": 5},
                "replace": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["pattern", "with"],
                    "properties": {"pattern": {"type": "string", "minLength": 1}, "with": {"type": "string"}}}},
            },
        },
        "figures": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        "texts": {"type": "object", "additionalProperties": False,
                  "properties": {name: {"type": "string"} for name in TEXT_NAMES}},
    },
}
FALLBACK_TEXTS = {"gap": "{missing}", "unreadable": "{previous_path}: {reason}",
                  "other_year": "{previous_path}: {previous_year} ≠ {year} − 1",
                  "note": "{agency}: {years}"}
_BLANKS = re.compile(r"\s+")


@record(frozen=True)
class Compiled:
    remove: tuple[re.Pattern[str], ...]
    replace: tuple[tuple[re.Pattern[str], str], ...]
    figures: dict[str, Expr]
    texts: dict[str, str]
    above_title: int = 0

    def agency_of(self, title: str) -> str | None:
        """The normalised agency of a title, or None when nothing is left of it."""
        name = fold(title)
        for pattern in self.remove:
            name = pattern.sub("", name)
        for pattern, replacement in self.replace:
            name = pattern.sub(replacement, name)
        name = _BLANKS.sub("", name)
        return name or None


def prepare(params: dict[str, Any]) -> Compiled:
    agency = params["agency"]
    remove = compile_patterns(agency.get("remove", []), ("agency", "remove"))
    replacements = tuple((compile_patterns(entry["pattern"], ("agency", "replace", index, "pattern"))[0],
                          entry["with"]) for index, entry in enumerate(agency.get("replace", [])))
    figures: dict[str, Expr] = {}
    for name, source in params.get("figures", {}).items():
        try:
            figures[name] = parse_sum(source)
        except ExprError as error:
            raise ParamError(("figures", name), f"表达式有误: {error}\n{error.pointer()}") from error
    return Compiled(tuple(remove), replacements, figures, {**FALLBACK_TEXTS, **params.get("texts", {})},
                    int(agency.get("above_title", 0)))


def check_pair(rule: Rule, pair: Any) -> Iterator[Diagnostic]:
    """Series-level findings of ``pair`` (an ``auditor.series.Pair``) on its later report."""
    compiled: Compiled = rule.compiled
    this, previous = pair.this, pair.previous
    values: dict[str, Any] = {"year": this.year, "path": this.path}
    if previous is not None:
        values.update(previous_path=previous.path, previous_year=previous.year, reason=previous.read_error or "")
    if previous is not None and previous.read_error is not None:
        template = compiled.texts["unreadable"]
    elif pair.explicit and previous is not None and this.year is not None and previous.year != this.year - 1:
        template = compiled.texts["other_year"]
    elif pair.gap:
        values.update(missing="、".join(str(year) for year in pair.gap))
        template = compiled.texts["gap"]
    else:
        return
    diagnostic = emit(rule, this.era, this.anchor, values)
    yield replace(diagnostic, message=render_template(template, values))
