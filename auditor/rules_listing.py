"""``gk-audit rules``: the rule list as a table that fits a terminal of 100 columns, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from auditor.render.text import text_width
from auditor.rulebook import ERAS, Rule, Rulebook

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

TABLE_WIDTH = 100
HEADERS = ("编号", "名称", "类别", "严重程度", "适用", "标题")
ERA_NOTE = "* 严重程度随格式而不同，详见 gk-audit explain 编号"


def _severity(rule: Rule) -> str:
    if not rule.severity_by_era:
        return rule.severity.label
    levels = sorted({rule.severity, *rule.severity_by_era.values()})
    return "/".join(level.label for level in levels) + "*"


def _eras(rule: Rule) -> str:
    eras = [era for era in ERAS if era in rule.eras]
    return ",".join(eras) if len(eras) < len(ERAS) else "all"


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` display cells (an ellipsis marks a cut), padded to that width."""
    if text_width(text) > width:
        while text and text_width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - text_width(text))


def rules_table(rulebook: Rulebook, width: int = TABLE_WIDTH) -> str:
    """Every rule on one line of at most ``width`` cells; the title is cut when it does not fit."""
    rules = sorted(rulebook.rules, key=lambda rule: rule.id)
    rows: list[Sequence[str]] = [HEADERS]
    rows += [(rule.id, rule.name, rule.category, _severity(rule), _eras(rule), rule.title) for rule in rules]
    widths = [max(text_width(row[column]) for row in rows) for column in range(len(HEADERS) - 1)]
    title_width = max(width - sum(widths) - 2 * len(widths), 10)
    lines = ["  ".join(_fit(cell, cell_width) for cell, cell_width in zip(row, [*widths, title_width], strict=True))
             .rstrip() for row in rows]
    if any(rule.severity_by_era for rule in rules):
        lines.append(ERA_NOTE)
    return "\n".join(lines) + "\n"


def rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "name": rule.name, "category": rule.category, "severity": rule.severity.label,
        "severity_by_era": {era: level.label for era, level in rule.severity_by_era.items()},
        "eras": [era for era in ERAS if era in rule.eras], "years": list(rule.years) if rule.years else None,
        "title": rule.title, "kind": rule.kind, "basis": rule.basis, "implied": rule.implied,
    }


def rules_json(rulebook: Rulebook) -> str:
    rules = sorted(rulebook.rules, key=lambda rule: rule.id)
    return json.dumps({"rules": [rule_json(rule) for rule in rules]}, ensure_ascii=False, indent=2) + "\n"
