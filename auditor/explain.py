"""Documentation from the rulebook and the kinds' docstrings: ``gk-audit rules``, ``explain`` and the
pieces the static rule reference (``auditor.docs``) shares with them."""

from __future__ import annotations

import inspect
from pathlib import Path

from auditor.checks import kind_module
from auditor.rulebook import PACKAGE_ROOT, Rule, Rulebook


def rules_rows(rulebook: Rulebook) -> list[tuple[str, str, str, str, str, str]]:
    rows = []
    for rule in sorted(rulebook.rules, key=lambda item: item.id):
        severity = rule.severity.label
        if rule.severity_by_era:
            severity = ", ".join(f"{era}:{level.label}" for era, level in rule.severity_by_era.items())
        rows.append((rule.id, rule.name, rule.category, severity, rule.eras_label(), rule.title))
    return rows


IMPLIED_NOTE = "注意：这一要求由格式的含义推出（[I]），格式原文没有写明这条等式或规则。"


def shown_path(source: str) -> str:
    """A built-in rulebook file relative to the project (rules/identities.yaml), others as given."""
    path, root = Path(source), Path(PACKAGE_ROOT)
    return str(path.relative_to(root)) if path.is_relative_to(root) else source


def params_yaml(params: object) -> str:
    import yaml

    return yaml.safe_dump(params, allow_unicode=True, sort_keys=False, width=100).rstrip()


def kind_doc(kind: str) -> str:
    return inspect.cleandoc(kind_module(kind).__doc__ or "")


def severity_text(rule: Rule) -> str:
    """``error``, or ``warning（按格式: old info, 2021 error）`` when the severity depends on the era."""
    severity = rule.severity.label
    if rule.severity_by_era:
        by_era = ", ".join(f"{era} {level.label}" for era, level in rule.severity_by_era.items())
        severity += f"（按格式: {by_era}）"
    return severity


def explain_rule(rule: Rule) -> str:
    lines = [f"{rule.id} {rule.name}: {rule.title}", ""]
    if rule.description:
        lines += [rule.description.strip(), ""]
    if rule.implied:
        lines += [IMPLIED_NOTE, ""]
    severity = severity_text(rule)
    lines += [
        f"类别: {rule.category}    严重程度: {severity}    适用: {rule.eras_label()}    检查类型: {rule.kind}",
        f"依据: {rule.basis or '—'}",
        f"消息: {rule.message}",
    ]
    if rule.help:
        lines.append(f"建议: {rule.help}")
    if rule.params:
        lines += ["", f"参数（kind: {rule.kind}）:", *("    " + row for row in params_yaml(rule.params).splitlines())]
    if rule.examples.get("fail"):
        lines += ["", "会报告的写法:", *("    " + row for row in rule.examples["fail"].rstrip().splitlines())]
    if rule.examples.get("pass"):
        lines += ["", "不会报告的写法:", *("    " + row for row in rule.examples["pass"].rstrip().splitlines())]
    lines += ["", f"规则库: {shown_path(rule.source)}", "", f"—— 检查类型 {rule.kind} ——", kind_doc(rule.kind)]
    return "\n".join(lines) + "\n"
