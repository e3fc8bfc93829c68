"""The rule reference: ``gk-audit docs OUTDIR`` writes one static page per rule and an index.

Everything on a page comes from the rulebook and the check kinds, so the reference cannot drift
from what the tool does: what the rule checks (title, description), why (the legal basis, whether
the requirement is written in the format or implied), what gk-audit says (message and help
templates), a failing and a passing example (the rulebook's ``examples``), what gk-audit prints
for the failing example when the rule fires on it, the rule's YAML parameters and the
documentation of its kind (the kind module's docstring, shared with ``gk-audit explain``). In a
source checkout the rule's test fixtures (``tests/fixtures/rules/GKxxx``: whole reports that
make the rule fire or stay silent) are listed, with the finding on the first one that fires.

Pages are plain HTML with an inline stylesheet (no script, nothing fetched), named ``GK801.html``;
SARIF's ``helpUri`` is ``<docs url>/GK801.html`` (see ``help_uri``).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path

from auditor import __version__
from auditor.document import Document
from auditor.engine import FileResult, Options, Selection, check_document, check_path
from auditor.explain import IMPLIED_NOTE, kind_doc, params_yaml, severity_text, shown_path
from auditor.render.html import CATEGORY_NAMES, SEVERITY_NAMES
from auditor.rulebook import Rule, Rulebook

# the rule fixtures of a source checkout (absent from an installed package: no fixtures section then)
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "rules"
STYLE = """
body{font:16px/1.7 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;max-width:60em;margin:0 auto;
padding:1em 1.5em;color:#1f2328}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
code,pre{font-family:"Noto Sans Mono CJK SC",Consolas,monospace;font-size:.9em}
pre{background:#f6f8fa;padding:.8em;overflow-x:auto;white-space:pre-wrap}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;vertical-align:top}
.fail{border-left:4px solid #cf222e}.pass{border-left:4px solid #1a7f37}.muted{color:#59636e;font-size:.9em}
"""


def help_uri(base_url: str, rule_id: str) -> str:
    """The address of a rule's page under ``base_url`` (the folder ``gk-audit docs`` wrote)."""
    return f"{base_url.rstrip('/')}/{rule_id}.html"


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="gk-audit {escape(__version__)}">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>\n")


def _pre(text: str, css: str = "") -> str:
    return f'<pre class="{css}">{escape(text.rstrip())}</pre>' if css else f"<pre>{escape(text.rstrip())}</pre>"


def _only(rule: Rule) -> Options:
    return Options(Selection(select=frozenset({rule.id})))


def _first_finding(result: FileResult, rule: Rule) -> str:
    """The first finding of ``rule`` in ``result`` as the text output prints it, or empty."""
    from auditor.render.text import render_diagnostic

    found = [diagnostic for diagnostic in result.diagnostics if diagnostic.rule == rule.id]
    if not found:
        return ""
    source_lines = result.report.document.source_lines() if result.report is not None else []
    return render_diagnostic(found[0], Path(result.path).name, source_lines, color=False)


def _finding_on_text(text: str, rule: Rule, rulebook: Rulebook) -> str:
    return _first_finding(check_document(Document(path="示例.txt", text=text), rulebook, _only(rule)), rule)


def _facts(rule: Rule) -> str:
    rows = [
        ("编号", f"<code>{escape(rule.id)}</code>"), ("名称", f"<code>{escape(rule.name)}</code>"),
        ("类别", f"{escape(CATEGORY_NAMES.get(rule.category, rule.category))}（<code>{escape(rule.category)}</code>）"),
        ("严重程度", f"{SEVERITY_NAMES[rule.severity.label]}（{escape(severity_text(rule))}）"),
        ("适用格式", escape(rule.eras_label())),
        ("检查类型", f"<code>{escape(rule.kind)}</code>"),
        ("规则库", f"<code>{escape(shown_path(rule.source))}</code>"),
    ]
    return "<table>" + "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows) + "</table>"


def _examples(rule: Rule, rulebook: Rulebook) -> list[str]:
    parts: list[str] = []
    failing, passing = rule.examples.get("fail", ""), rule.examples.get("pass", "")
    if failing:
        parts += ["<h2>会报告的写法</h2>", _pre(failing, "fail")]
        shown = _finding_on_text(failing, rule, rulebook)
        if shown:
            parts += ["<p>gk-audit 对这段文字的提示：</p>", _pre(shown)]
    if passing:
        parts += ["<h2>不会报告的写法</h2>", _pre(passing, "pass")]
    return parts


def _fixtures(rule: Rule, rulebook: Rulebook, fixtures: Path | None) -> list[str]:
    folder = fixtures / rule.id if fixtures is not None else None
    if folder is None or not folder.is_dir():
        return []
    files = sorted(path for path in folder.iterdir() if path.is_file())
    if not files:
        return []
    items = "".join(f"<li><code>{escape(path.name)}</code>（{'会报告' if path.name.startswith('fires') else '不报告'}）"
                    "</li>" for path in files)
    where = f"<code>tests/fixtures/rules/{escape(rule.id)}/</code>"
    parts = ["<h2>测试样例</h2>", f"<p class=muted>完整的报告样例，位于 {where}：</p>", f"<ul>{items}</ul>"]
    firing = next((path for path in files if path.name.startswith("fires")), None)
    if firing is not None:
        shown = _first_finding(check_path(str(firing), rulebook, _only(rule)), rule)
        if shown:
            parts += [f"<p>gk-audit 对 <code>{escape(firing.name)}</code> 的提示：</p>", _pre(shown)]
    return parts


def rule_page(rule: Rule, rulebook: Rulebook, fixtures: Path | None = None) -> str:
    """The page of one rule: what, why, basis, examples, parameters, the kind's documentation."""
    parts = ['<p><a href="index.html">← 全部规则</a></p>',
             f"<h1>{escape(rule.id)} {escape(rule.title)}</h1>", _facts(rule), "<h2>检查什么</h2>",
             f"<p>{escape(rule.title)}。</p>"]
    if rule.description.strip():
        parts.append(f"<p>{escape(rule.description.strip())}</p>")
    parts += ["<h2>为什么</h2>", f"<p>依据：{escape(rule.basis or '—')}</p>"]
    if rule.implied:
        parts.append(f"<p>{escape(IMPLIED_NOTE)}</p>")
    parts += ["<h2>提示和建议</h2>", f"<p>消息：<code>{escape(rule.message)}</code></p>"]
    if rule.help:
        parts.append(f"<p>建议：{escape(rule.help)}</p>")
    parts += _examples(rule, rulebook)
    if rule.params:
        parts += [f"<h2>参数（<code>kind: {escape(rule.kind)}</code>）</h2>", _pre(params_yaml(rule.params))]
    parts += _fixtures(rule, rulebook, fixtures)
    parts += [f"<h2>检查类型 <code>{escape(rule.kind)}</code></h2>", _pre(kind_doc(rule.kind))]
    return _page(f"{rule.id} {rule.title} · gk-audit 规则说明", "".join(parts))


def index_page(rules: Iterable[Rule]) -> str:
    """All rules by id, with name, category, severity and title, each linking to its page."""
    rows = "".join(
        f'<tr><td><a href="{escape(rule.id)}.html"><code>{escape(rule.id)}</code></a></td>'
        f"<td><code>{escape(rule.name)}</code></td><td>{escape(CATEGORY_NAMES.get(rule.category, rule.category))}</td>"
        f"<td>{escape(severity_text(rule))}</td><td>{escape(rule.eras_label())}</td><td>{escape(rule.title)}</td></tr>"
        for rule in sorted(rules, key=lambda item: item.id))
    body = ("<h1>gk-audit 规则说明</h1><p>政府信息公开工作年度报告检查工具 gk-audit 的全部规则。每条规则一页："
            "检查什么、为什么（依据）、会报告和不会报告的写法、参数。命令行中用 <code>gk-audit explain 编号</code> "
            "查看同样的内容。</p><table><tr><th>编号</th><th>名称</th><th>类别</th><th>严重程度</th><th>适用格式</th>"
            f"<th>检查内容</th></tr>{rows}</table>")
    return _page("gk-audit 规则说明", body)


def write_docs(rulebook: Rulebook, outdir: Path, fixtures: Path | None = FIXTURES) -> list[Path]:
    """Write ``index.html`` and one ``<id>.html`` per rule into ``outdir``; returns the files written."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for rule in rulebook.rules:
        path = outdir / f"{rule.id}.html"
        path.write_text(rule_page(rule, rulebook, fixtures), encoding="utf-8")
        written.append(path)
    index = outdir / "index.html"
    index.write_text(index_page(rulebook.rules), encoding="utf-8")
    return [index, *written]
