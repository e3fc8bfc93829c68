"""The HTML renderer: one self-contained page (inline CSS and JS, nothing fetched) for the clerk.

Per file: a header (file, agency from the title line, report year and era with how they were
detected, counts by severity and category), the findings most severe first (rule, message, help,
legal basis; clicking one scrolls to its place and highlights it), and the report itself with
headings, paragraphs and tables as grids, every span highlighted by severity. A table's findings
(a failed identity with both sides' numbers) are shown next to the table.

Every piece of report text goes through ``html.escape``; the script never inserts report text as
HTML. A Content-Security-Policy allows only the page's own script (by hash), so even markup that
slipped through could not run.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from html import escape
from importlib import resources

from auditor import __version__
from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Line
from auditor.engine import FileResult
from auditor.records import record
from auditor.render import RenderContext
from auditor.render.html_layout import Layout, table_html
from auditor.render.html_marks import marks_of, span_offsets
from auditor.render.place import where_text
from auditor.structure import Report
from auditor.structure.outline import Heading
from auditor.structure.regions import Region
from auditor.textfold import fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
CATEGORY_NAMES = {
    "structure": "结构", "table": "表格", "arithmetic": "勾稽关系", "consistency": "前后一致",
    "placeholder": "占位符", "debris": "残留内容", "numbering": "序号", "date": "日期", "typography": "文字规范",
}
ERA_NAMES = {"old": "2019 年以前的旧格式", "2019": "2019 年试行格式", "2021": "2021 年格式"}


def static_text(name: str) -> str:
    return resources.files("auditor.render").joinpath("static", name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</``, ``<!--`` or line separators."""
    text = json.dumps(data, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts: Sequence[str], form_action: str = "'none'") -> str:
    hashes = " ".join(script_hash(script) for script in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            f"base-uri 'none'; form-action {form_action}")


# -- findings ----------------------------------------------------------------------------------
@record(frozen=True)
class Finding:
    """A diagnostic with its id on the page."""

    key: str
    diagnostic: Diagnostic


def findings_of(result: FileResult, file_key: str) -> list[Finding]:
    return [Finding(f"{file_key}-d{number}", diagnostic) for number, diagnostic in enumerate(result.diagnostics)]


def most_severe_first(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda finding: (-int(finding.diagnostic.severity), *finding.diagnostic.sort_key()))


def finding_html(finding: Finding, target: str) -> str:
    diagnostic = finding.diagnostic
    severity = diagnostic.severity.label
    parts = [
        f'<li class="finding sev-{severity}" data-finding="{finding.key}" tabindex="0">',
        f'<a class="jump" href="#{escape(target)}" data-target="{escape(target)}">',
        f'<span class="badge sev-{severity}">{SEVERITY_NAMES[severity]}</span> ',
        f'<code class="rule">{escape(diagnostic.rule)}</code> ',
        f'<span class="category">{escape(CATEGORY_NAMES.get(diagnostic.category, diagnostic.category))}</span> ',
        f'<span class="where">{escape(where_text(diagnostic))}</span>',
        f'<span class="msg">{escape(diagnostic.message)}</span></a>',
    ]
    if diagnostic.labels:
        items = "".join(f"<li>{escape(label.message)}{other_report_link(label)}</li>"
                        for label in diagnostic.labels if label.message)
        parts.append(f'<ul class="labels">{items}</ul>' if items else "")
    parts += [f'<div class="note">说明：{escape(note)}</div>' for note in diagnostic.notes]
    if diagnostic.help:
        parts.append(f'<div class="help">建议：{escape(diagnostic.help)}</div>')
    if diagnostic.basis:
        parts.append(f'<div class="basis">依据：{escape(diagnostic.basis)}</div>')
    parts.append("</li>")
    return "".join(parts)


def other_report_link(label: Label) -> str:
    """For evidence in another report (last year's): a link to that report's part of the page."""
    if label.path is None:
        return ""
    return (f' <a class="other-report" href="#{path_anchor(label.path)}">{escape(label.path)}'
            f' 第 {label.span.start.line} 行</a>')


def path_anchor(path: str) -> str:
    """A stable element id for a report's heading, from its path."""
    return "r-" + hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:12]


# -- header --------------------------------------------------------------------------------------
def agency_of(report: Report) -> str | None:
    """The agency named by the title line: the title up to its year (``某市自然资源局``)."""
    if report.title is None:
        return None
    text = report.title.text
    pattern = report.detection.title_year
    found = pattern.search(fold(text)) if pattern is not None else None
    agency = text[: found.start()].strip() if found else ""
    return agency or None


def _chip(label: str, count: int, css: str) -> str:
    return f'<span class="chip {css}">{escape(label)} <b>{count}</b></span>'


def counts_html(diagnostics: Sequence[Diagnostic]) -> str:
    by_severity = Counter(diagnostic.severity.label for diagnostic in diagnostics)
    chips = [_chip(SEVERITY_NAMES[name], by_severity.get(name, 0), f"sev-{name}") for name in SEVERITY_NAMES]
    by_category = Counter(diagnostic.category for diagnostic in diagnostics)
    chips += [_chip(CATEGORY_NAMES.get(name, name), count, "category")
              for name, count in sorted(by_category.items(), key=lambda item: -item[1])]
    return f'<div class="counts">{"".join(chips)}</div>'


def header_html(result: FileResult) -> str:
    rows = [("文件", escape(result.path))]
    report = result.report
    if report is not None:
        rows.append(("机关", escape(agency_of(report) or "未能从标题识别")))
        year = str(report.report_year) if report.report_year is not None else "未识别"
        rows.append(("报告年度", f"{escape(year)} <small>（{escape(report.year_source)}）</small>"))
        era = ERA_NAMES.get(report.era, report.era)
        rows.append(("格式", f"{escape(era)} <small>（{escape(report.era_source)}）</small>"))
    cells = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<dl class="facts">{cells}</dl>{counts_html(result.diagnostics)}'


# -- the document ----------------------------------------------------------------------------------
def _table_notes(layout: Layout, region: Region, findings: Sequence[Finding]) -> str:
    """Findings whose primary span is in the table, with their numbers, shown beside it."""
    document = layout.document
    start, end = document.line_starts[region.first], document.all_lines[region.last].end
    notes: list[str] = []
    for finding in findings:
        diagnostic = finding.diagnostic
        offsets = span_offsets(diagnostic.span, document) if diagnostic.span else None
        if offsets is None or not start <= offsets[0] <= end:
            continue
        heading = ("勾稽关系不成立" if diagnostic.category == "arithmetic"
                   else escape(diagnostic.title or diagnostic.rule))
        labels = "".join(f"<li>{escape(label.message)}</li>" for label in diagnostic.labels if label.message)
        notes.append(f'<div class="table-note sev-{diagnostic.severity.label}" data-finding="{finding.key}">'
                     f'<b>{heading}</b> <code>{escape(diagnostic.rule)}</code>'
                     f'<p>{escape(diagnostic.message)}</p>{f"<ul>{labels}</ul>" if labels else ""}</div>')
    return f'<aside class="table-notes">{"".join(notes)}</aside>' if notes else ""


def document_html(layout: Layout, findings: Sequence[Finding]) -> str:
    report, document = layout.report, layout.document
    regions = {region.first: region for region in report.regions}
    headings = {heading.line_index: heading for heading in report.outline}
    title_line = report.title.line_index if report.title else -1
    blocks: list[str] = []
    index = 0
    while index < document.line_count:
        region = regions.get(index)
        if region is not None:
            blocks.append(f'<figure class="table-block"><div class="table-scroll">{table_html(layout, region)}</div>'
                          f'{_table_notes(layout, region, findings)}</figure>')
            index = region.last + 1
            continue
        line = document.all_lines[index]
        if line.text.strip() or layout.marks.within(line.start, line.end + 1):
            blocks.append(_line_block(layout, line, headings.get(index), index == title_line))
        index += 1
    return "\n".join(blocks)


def _line_block(layout: Layout, line: Line, heading: Heading | None, is_title: bool) -> str:
    """A title, a heading, or a paragraph; a heading followed by prose is a paragraph with a run-in title."""
    anchor = layout.line_id(line.number - 1)
    if is_title:
        return f'<h2 class="doc-title" id="{anchor}">{layout.paint(line.start, line.end + 1).rstrip()}</h2>'
    if heading is not None and line.text[heading.title_end - line.start:].strip(" \t。.:：") == "":
        tag = f"h{min(heading.level + 2, 6)}"
        return f'<{tag} class="heading" id="{anchor}">{layout.paint(line.start, line.end + 1).rstrip()}</{tag}>'
    if heading is not None:
        run_in = f"<strong>{layout.paint(line.start, heading.title_end)}</strong>"
        return f'<p class="para" id="{anchor}">{run_in}{layout.paint(heading.title_end, line.end + 1).rstrip()}</p>'
    return f'<p class="para" id="{anchor}">{layout.paint(line.start, line.end + 1).rstrip()}</p>'


def _target(finding: Finding, layout: Layout | None, file_key: str) -> str:
    """Where clicking a finding goes: its first highlight, else the line, else the file."""
    if layout is None:
        return file_key
    if finding.key in layout.marks.anchored:
        return f"at-{finding.key}"
    span = finding.diagnostic.span
    offsets = span_offsets(span, layout.document) if span else None
    if offsets is not None:
        line_index = layout.document.line_index_of(offsets[0])
        earlier = [known for known in layout.line_ids if known <= line_index]
        if earlier:
            return layout.line_ids[max(earlier)]
    return file_key


def file_html(result: FileResult, file_key: str) -> str:
    findings = findings_of(result, file_key)
    layout: Layout | None = None
    body = ""
    if isinstance(result.report, Report):
        marks = marks_of(((finding.key, finding.diagnostic) for finding in findings), result.report.document)
        layout = Layout(result.report, marks, file_key, {})
        body = document_html(layout, findings)
    items = "".join(finding_html(finding, _target(finding, layout, file_key))
                    for finding in most_severe_first(findings))
    findings_block = (f'<ol class="findings">{items}</ol>' if items
                      else '<p class="clean">没有发现问题。</p>')
    error = ""
    if result.read_error is not None:
        error = (f'<div class="read-error" role="alert"><b>无法读取这个文件。</b>'
                 f'<p>{escape(result.read_error)}</p></div>')
    document = (f'<section class="document" aria-label="报告正文"><h3 class="pane-title">报告正文</h3>'
                f'<div class="paper">{body}</div></section>') if layout is not None else ""
    return (f'<article class="file" id="{file_key}"><header class="file-header">'
            f'<h2 id="{path_anchor(result.path)}">{escape(result.path)}</h2>{header_html(result)}{error}</header>'
            f'<div class="panes"><section class="findings-pane" aria-label="问题清单">'
            f'<h3 class="pane-title">问题清单（{len(findings)}）</h3>{findings_block}</section>'
            f'{document}</div></article>')


def index_html(results: Sequence[FileResult]) -> str:
    items = []
    for number, result in enumerate(results):
        counts = " ".join(f'<span class="mini sev-{name}">{result.count(Severity.parse(name))}</span>'
                          for name in SEVERITY_NAMES)
        items.append(f'<li><a href="#f{number}">{escape(result.path)}</a> {counts}</li>')
    return (f'<nav class="file-index" aria-label="文件列表"><h2>文件（{len(results)}）</h2>'
            f'<ol>{"".join(items)}</ol></nav>')


def summary_text(results: Sequence[FileResult]) -> str:
    counts = Counter(diagnostic.severity.label for result in results for diagnostic in result.diagnostics)
    return (f"{len(results)} 个文件：{counts.get('error', 0)} 个错误，{counts.get('warning', 0)} 个警告，"
            f"{counts.get('info', 0)} 条提示")


def results_html(results: Sequence[FileResult]) -> str:
    """The body content for ``results``: file index (several files), then one article per file."""
    index = index_html(results) if len(results) > 1 else ""
    files = "\n".join(file_html(result, f"f{number}") for number, result in enumerate(results))
    return f'<p class="summary">{escape(summary_text(results))}</p>{index}{files}'


def page(title: str, body: str, *, scripts: Sequence[str] = (), form_action: str = "'none'",
         head: str = "") -> str:
    """A complete page: the stylesheet and ``scripts`` inline, a CSP allowing only those scripts."""
    all_scripts = [static_text("report.js"), *scripts]
    policy = content_security_policy(all_scripts, form_action)
    script_tags = "".join(f"<script>{script}</script>" for script in all_scripts)
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="gk-audit {escape(__version__)}">'
            f"<title>{escape(title)}</title><style>{static_text('report.css')}</style>{head}</head>"
            f'<body><header class="top"><h1>政府信息公开工作年度报告检查结果</h1></header>'
            f'<main>{body}</main>{script_tags}</body></html>\n')


def render_html(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    title = f"检查结果：{results[0].path}" if len(results) == 1 else f"检查结果：{len(results)} 个文件"
    series = context.extra.get("series") if context.extra else None
    if series:
        from auditor.render.series_html import series_overview_html

        return page(title, series_overview_html(results, series) + results_html(results))
    return page(title, results_html(results))
