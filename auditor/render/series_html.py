"""The series overview of the HTML report: agencies × years, and a small chart per agency.

A pure function of the results and the JSON ``series`` entries (``auditor/series.py``): one row per
agency, one column per year, each cell the report's finding counts linking to its part of the page;
beside each row an inline SVG chart of the key figures by year (the ``figures`` of the rulebook's
series_link rule: 本年新收, 上年结转, 现行有效), so that a jump or a break is seen at a glance. No
script and nothing fetched: the chart is drawn as SVG polylines in the page itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from auditor.diagnostics import Severity
from auditor.engine import FileResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

CHART_WIDTH, CHART_HEIGHT, PAD = 180, 60, 6
COLOURS = ("#1f6feb", "#bf8700", "#1a7f37", "#8250df", "#cf222e")
STYLE = (".series table.overview{border-collapse:collapse;font-size:.85rem}"
         ".series table.overview td,.series table.overview th{border:1px solid #d0d7de;padding:.2rem .4rem;"
         "text-align:center}.series .gap{background:#f6f8fa;color:#8c959f}.series svg{display:block}"
         ".series .legend span{margin-right:.6rem;font-size:.8rem}")


def _cell(result: FileResult | None, anchor: str) -> str:
    if result is None:
        return '<td class="gap" title="缺少这一年的报告">—</td>'
    counts = [result.count(level) for level in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    shown = " ".join(f'<span class="mini sev-{level}">{count}</span>'
                     for level, count in zip(("error", "warning", "info"), counts, strict=True) if count)
    return f'<td><a href="#{anchor}" title="{escape(result.path)}">{shown or "✓"}</a></td>'


def _points(values: Sequence[tuple[int, float]], years: Sequence[int], top: float) -> str:
    span_years = max(years[-1] - years[0], 1)
    return " ".join(
        f"{PAD + (year - years[0]) * (CHART_WIDTH - 2 * PAD) / span_years:.1f},"
        f"{CHART_HEIGHT - PAD - value * (CHART_HEIGHT - 2 * PAD) / top:.1f}" for year, value in values)


def chart_svg(reports: Sequence[Mapping[str, Any]], names: Sequence[str]) -> str:
    """Polylines of each figure by year; a missing or unreadable figure breaks its line."""
    years = [int(report["year"]) for report in reports]
    numbers = [value for report in reports for value in report.get("figures", {}).values() if value is not None]
    if not years or not numbers:
        return ""
    top = max(max(numbers), 1)
    lines = []
    for colour, name in zip(COLOURS, names, strict=False):
        runs: list[list[tuple[int, float]]] = [[]]
        for year, report in zip(years, reports, strict=True):
            value = report.get("figures", {}).get(name)
            if value is None:
                runs.append([])
            else:
                runs[-1].append((year, float(value)))
        for run in runs:
            if run:
                lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                             f'points="{_points(run, years, top)}"><title>{escape(name)}</title></polyline>')
                lines += [f'<circle r="2" fill="{colour}" cx="{point.split(",")[0]}" cy="{point.split(",")[1]}">'
                          f'<title>{escape(name)} {year}: {value:g}</title></circle>'
                          for point, (year, value) in zip(_points(run, years, top).split(), run, strict=True)]
    return (f'<svg width="{CHART_WIDTH}" height="{CHART_HEIGHT}" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
            f'role="img" aria-label="关键数字按年份">{"".join(lines)}</svg>')


def series_overview_html(results: Sequence[FileResult], series: Sequence[Mapping[str, Any]]) -> str:
    """The overview section placed before the files; ``f{n}`` anchors are those of ``results_html``."""
    anchors = {result.path: (f"f{number}", result) for number, result in enumerate(results)}
    all_years = sorted({year for entry in series for year in entry["years"]})
    names = list(dict.fromkeys(name for entry in series for report in entry["reports"]
                               for name in report.get("figures", {})))
    head = "".join(f"<th>{year}</th>" for year in all_years)
    rows = []
    for entry in series:
        by_year = {report["year"]: report for report in entry["reports"]}
        cells = []
        for year in all_years:
            report = by_year.get(year)
            anchor, result = anchors.get(report["path"], ("", None)) if report else ("", None)
            cells.append(_cell(result, anchor))
        rows.append(f'<tr><th scope="row">{escape(entry["agency"])}</th>{"".join(cells)}'
                    f'<td>{chart_svg(entry["reports"], names)}</td></tr>')
    legend = "".join(f'<span style="color:{colour}">━ {escape(name)}</span>'
                     for colour, name in zip(COLOURS, names, strict=False))
    return (f'<section class="series" aria-label="报告系列"><style>{STYLE}</style>'
            f'<h2>报告系列（{len(series)} 个机关）</h2><p class="legend">{legend}</p>'
            f'<table class="overview"><thead><tr><th>机关</th>{head}<th>关键数字</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')
