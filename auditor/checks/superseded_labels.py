"""kind: superseded_labels — labels of another format's tables.

Searches the whole folded text (a pattern may span lines, unlike ``kind: pattern``) for labels
that belong to a different format than the report's era: a 2021 report still printing the 2019
columns, or a 2019 report already printing the 2021 ones. One diagnostic per report: the first
label found is primary, the others are labelled secondary spans.

Parameters:
    labels:  list of (required):
        pattern: regex on folded text (multi-line: ``^``/``$`` match at line breaks). A named
                 group ``mark`` narrows the span to it.
        name:    how the label is named in the message (default: the text found).
        scope:   ``all`` (default) or ``tables``: only matches inside table regions count
                 (for words that may also appear in prose, e.g. 政府集中采购).
    texts:   the wording the kind puts into messages and labels (the built-in rules give all):
        quoted:  a label as written or named, from ``{label}`` (``“{label}”``): each name in
                 ``{labels}`` and each secondary span's label;
        joiner:  between the names in ``{labels}`` (``、``).
        Omitted texts fall back to the bare labels joined by a space.
Message fields: ``{label}`` (the first label found, as written), ``{labels}`` (all names,
deduplicated, each ``quoted``), ``{count}``.

Example (2021 report, the 2019 labels)::

    - id: GK704
      kind: superseded_labels
      applies_to: {eras: ["2021"]}
      labels:
        - {pattern: '本年新制作数量', name: 本年新制作数量}

fails on a 2021 report whose 第二十条第（一）项 block has 本年新制作数量 · 本年新公开数量 · 对外公开总数量;
passes when it has 本年制发件数 · 本年废止件数 · 现行有效件数.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.checks import compile_patterns, emit, render_template
from auditor.diagnostics import Diagnostic, Label
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.textscan import finditer

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "superseded_labels"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["labels"],
    "properties": {
        "labels": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["pattern"],
                "properties": {
                    "pattern": {"type": "string"},
                    "name": {"type": "string"},
                    "scope": {"enum": ["all", "tables"]},
                },
            },
        },
        "texts": {
            "type": "object", "additionalProperties": False,
            "properties": {"quoted": {"type": "string"}, "joiner": {"type": "string"}},
        },
    },
}
# language-free fallbacks for texts a rulebook omits
FALLBACK_TEXTS = {"quoted": "{label}", "joiner": " "}


@record(eq=False, repr=False)
class LabelPattern:
    pattern: re.Pattern[str]
    name: str
    tables_only: bool


@record(eq=False, repr=False)
class Compiled:
    labels: tuple[LabelPattern, ...]
    texts: dict[str, str]


def prepare(params: dict[str, Any]) -> Compiled:
    labels = tuple(
        LabelPattern(compile_patterns(entry["pattern"], ("labels", index, "pattern"))[0], entry.get("name", ""),
                     entry.get("scope", "all") == "tables")
        for index, entry in enumerate(params["labels"])
    )
    return Compiled(labels, {**FALLBACK_TEXTS, **params.get("texts", {})})


def _found(report: Report, labels: tuple[LabelPattern, ...]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    words = report.document.index
    for label in labels:
        # finditer, skipped when a word every match needs is absent, tried only where a match can start
        for match in finditer(words, label.pattern):
            group = "mark" if "mark" in label.pattern.groupindex and match.group("mark") is not None else 0
            start, end = match.span(group)
            if end == start or (label.tables_only and not report.in_table(start)):
                continue
            found.append((start, end, label.name or report.document.text[start:end]))
    return sorted(set(found))


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    found = _found(report, compiled.labels)
    if not found:
        return
    document = report.document
    texts = compiled.texts
    (start, end, _), rest = found[0], found[1:]
    names = list(dict.fromkeys(name for _, _, name in found))
    labels = [Label(document.span(other_start, other_end),
                    render_template(texts["quoted"], {"label": document.text[other_start:other_end]}))
              for other_start, other_end, _ in rest]
    quoted_names = texts["joiner"].join(render_template(texts["quoted"], {"label": name}) for name in names)
    yield emit(rule, report.era, document.span(start, end),
               {"label": document.text[start:end], "labels": quoted_names, "count": len(found)}, labels=labels)
