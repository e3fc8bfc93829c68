"""Title line, report year and era, each with a note of where it came from.

Report year: ``--year``, else the title, else the statistical period (统计期限…), else the year
the first part mentions most. Lines of a crawler's preamble (``标题: …``) are not title lines; the
value of its title key is the title when the body has none.
Era: ``--profile``, else the era of the report year, else the first matching format signature
(labels only the 2019 or 2021 format uses), else ``default_era``.
"""

from __future__ import annotations

from collections import Counter

from auditor.document import Document
from auditor.records import record
from auditor.structure.detection import Detection
from auditor.structure.outline import Heading
from auditor.structure.preamble import Preamble
from auditor.structure.regions import Region


@record(eq=False, repr=False)
class TitleLine:
    """The report's title line: its place and text, and the year it names."""
    line_index: int
    start: int
    end: int
    text: str
    year: int | None


@record(eq=False, repr=False)
class Profile:
    """What a report is: its title, year and era, and where each came from."""
    title: TitleLine | None
    report_year: int | None
    year_source: str
    era: str
    era_source: str
    year_basis: str = ""  # where the year came from, as a code: cli, title, period, mentions or ""


def _title_year(detection: Detection, text: str) -> int | None:
    if detection.title_year is None:
        return None
    found = detection.title_year.search(text)
    return int(found.group("year")) if found else None


def _preamble_title(document: Document, detection: Detection, preamble: Preamble | None) -> TitleLine | None:
    if preamble is None or preamble.title_start is None or preamble.title_end is None:
        return None
    folded = document.folded[preamble.title_start:preamble.title_end]
    if detection.title_pattern is None or not detection.title_pattern.search(folded):
        return None
    return TitleLine(document.line_index_of(preamble.title_start), preamble.title_start, preamble.title_end,
                     document.text[preamble.title_start:preamble.title_end], _title_year(detection, folded))


def find_title(document: Document, detection: Detection, regions: tuple[Region, ...],
               preamble: Preamble | None = None) -> TitleLine | None:
    if detection.title_pattern is None:
        return None
    hinted = _preamble_title(document, detection, preamble)
    seen = 0
    for line in document.lines():
        text = line.folded.strip()
        if not text or (preamble is not None and preamble.contains_line(line.number - 1)):
            continue
        seen += 1
        if seen > detection.title_search_lines:
            break
        if len(text) > detection.title_max_length or any(region.contains_line(line.number - 1) for region in regions):
            continue
        if detection.title_pattern.search(text):
            year = _title_year(detection, text)
            if year is None and hinted is not None:
                year = hinted.year
            lead = len(line.text) - len(line.text.lstrip())
            return TitleLine(line.number - 1, line.start + lead, line.start + lead + len(line.text.strip()),
                             line.text.strip(), year)
    return hinted


def _first_part_end(document: Document, outline: tuple[Heading, ...], detection: Detection) -> int:
    top_level = [heading for heading in outline if heading.parent is None]
    if len(top_level) >= 2:
        return document.line_starts[top_level[1].line_index]
    index = min(detection.first_part_lines, document.line_count - 1)
    return document.line_starts[index] if index > 0 else len(document.text)


def _mentioned_year(document: Document, outline: tuple[Heading, ...], detection: Detection) -> int | None:
    if detection.year_mention is None:
        return None
    end = _first_part_end(document, outline, detection)
    counts = Counter(int(match.group("year")) for match in detection.year_mention.finditer(document.folded, 0, end))
    if not counts:
        return None
    return max(counts.items(), key=lambda item: (item[1], item[0]))[0]


def detect_profile(document: Document, detection: Detection, regions: tuple[Region, ...],
                   outline: tuple[Heading, ...], year_override: int | None = None,
                   era_override: str | None = None, preamble: Preamble | None = None) -> Profile:
    title = find_title(document, detection, regions, preamble)
    report_year: int | None = None
    year_source, basis = "未能确定", ""
    if year_override is not None:
        report_year, year_source, basis = year_override, "命令行 --year", "cli"
    elif title is not None and title.year is not None:
        report_year, year_source, basis = title.year, f"标题（第{title.line_index + 1}行）", "title"
    else:
        period = detection.statistical_period.search(document.folded) if detection.statistical_period else None
        if period is not None:
            report_year = int(period.group("year"))
            year_source = f"统计期限（第{document.line_index_of(period.start()) + 1}行）"
            basis = "period"
        else:
            report_year = _mentioned_year(document, outline, detection)
            if report_year is not None:
                year_source, basis = "第一部分最常提到的年份", "mentions"
    if era_override is not None:
        return Profile(title, report_year, year_source, era_override, "命令行 --profile", basis)
    if report_year is not None:
        era = detection.era_for_year(report_year)
        if era is not None:
            return Profile(title, report_year, year_source, era, f"报告年度 {report_year}", basis)
    for era, patterns in detection.format_signatures:
        for pattern in patterns:
            match = pattern.search(document.folded)
            if match:
                return Profile(title, report_year, year_source, era, f"格式特征“{match.group(0)[:20]}”", basis)
    return Profile(title, report_year, year_source, detection.default_era, "未发现年度和新格式特征，按默认格式",
                   basis)
