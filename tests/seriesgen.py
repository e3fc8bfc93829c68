"""Series of reports of one agency for the cross-report tests: consistent across years (carry-over,
stock and flow, distinct narratives), in .txt or .docx, with a break planted where a test asks."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from reportgen import APPLICANTS, Values, consistent_values, render

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WORDS = ("门户网站栏目", "政策解读", "依申请公开办理", "政务新媒体", "保密审查", "基层政务公开", "信息发布协调",
         "业务培训", "重大决策预公开", "数据开放", "监督考核", "政府公报")
OVERVIEW = "一、总体情况\n"
PROBLEMS = "五、存在的主要问题及改进情况\n"


def series_values(years: list[int], seed: int = 7) -> list[Values]:
    """Values of consecutive years whose carry-over and stock of documents continue."""
    found: list[Values] = []
    for year in years:
        values = consistent_values(seed * 100 + year, "2019" if year < 2021 else "2021")
        if found:
            _continue(found[-1], values, year)
        else:  # a first year with few cases carried over, so that no figure jumps tenfold later
            for column in APPLICANTS:
                values.t3["carried"][column] = 0
                values.t3["new"][column] = values.t3["c7"][column] + values.t3["forward"][column]
            for row in values.t3.values():
                row["total"] = sum(row[column] for column in APPLICANTS)
        found.append(values)
    return found


def _continue(previous: Values, values: Values, year: int) -> None:
    for column in APPLICANTS:
        values.t3["carried"][column] = previous.t3["forward"][column]
        shortfall = values.t3["carried"][column] - values.t3["c7"][column] - values.t3["forward"][column]
        if shortfall > 0:  # keep 新收 ≥ 0: more were handled this year
            values.t3["c1"][column] += shortfall
            values.t3["c7"][column] += shortfall
        values.t3["new"][column] = values.t3["c7"][column] + values.t3["forward"][column] - values.t3["carried"][column]
    for row in values.t3.values():
        row["total"] = sum(row[column] for column in APPLICANTS)
    if values.era == "2021" and previous.era == "2021" and year >= 2022:
        for start in (0, 3):  # 规章, 行政规范性文件: issued, repealed, in force
            issued, repealed = values.t2[start], min(values.t2[start + 1], previous.t2[start + 2])
            values.t2[start + 1] = repealed
            values.t2[start + 2] = previous.t2[start + 2] + issued - repealed


def narrative(year: int, part: str) -> str:
    """A paragraph of its own for each year and part (no copying between years)."""
    chooser = random.Random(f"{year}{part}")
    picked = chooser.sample(WORDS, 4)
    return (f"{year}年，本局围绕{picked[0]}和{picked[1]}两项重点，"
            f"{chooser.choice(('建立', '修订', '完善'))}了{picked[2]}工作规程，"
            f"并就{picked[3]}开展专项检查{chooser.randint(2, 9)}次，"
            f"{chooser.choice(('群众满意度明显提升', '办理时限明显缩短', '公开质量稳步提高'))}。")


def report_text(values: Values, year: int, form: str = "tabs", agency: str = "赣州市示范局",
                copied_from: int | None = None) -> str:
    """The report of ``year``; ``copied_from`` copies the narrative of that year (numbers differ)."""
    text = render(values, form, year=year).text.replace("赣州市示范局", agency, 1)
    source = copied_from if copied_from is not None else year
    overview = text.index(OVERVIEW) + len(OVERVIEW)
    text = text[:overview] + narrative(source, "overview").replace(str(source), str(year)) + "\n" + text[overview:]
    problems = text.index(PROBLEMS) + len(PROBLEMS)
    problems_end = text.index("\n", problems)
    return text[:problems] + narrative(source, "problems") + text[problems_end:]


def write_docx(text: str, target: Path) -> Path:
    """The report as Word: numbered part headings, paragraphs, and each pipe table (markdown form) as a
    Word table with the merged header cells of examples/make_docx.py (cells filled row by row: fast)."""
    import docx

    sys.path.insert(0, str(EXAMPLES))
    from make_docx import PART_HEADING, add_part_heading, add_part_list, blocks_of, merges_of

    document = docx.Document()
    parts = add_part_list(document)
    numbered = 0
    for block in blocks_of(text):
        if isinstance(block, str):
            marker = PART_HEADING.match(block)
            if marker and "一二三四五六".index(marker.group(1)) == numbered:
                numbered += 1
                add_part_heading(document, block, parts)
            else:
                document.add_paragraph(block)
            continue
        rows = [_header_row(row) for row in block if not all(set(cell) <= set("-: ") for cell in row)]
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        table = document.add_table(rows=len(rows), cols=width)
        for row, word_row in zip(rows, table.rows, strict=True):
            for cell_text, cell in zip(row, word_row.cells, strict=True):
                cell.text = cell_text
        for row, column, height, span in merges_of(rows):
            table.cell(row, column).merge(table.cell(row + height - 1, column + span - 1)).text = rows[row][column]
    document.save(str(target))
    return target


def _header_row(row: list[str]) -> list[str]:
    """Table 三's second header row as a Word table has it: 总计 in the last column (merged down)."""
    if row[1:4] == ["自然人", "法人或其他组织", "总计"]:
        return ["", "自然人", "法人或其他组织", "", "", "", "", "总计"]
    return row


def old_report_text(values: dict[str, int], cumulative: dict[str, int], year: int) -> str:
    """An old-format report whose statistics table has a 历年累计 column beside the year's figure."""
    from reportgen import OLD_APPENDIX_ROWS, render_old

    text = render_old(values, year=year, narrative=narrative(year, "requests")).text
    text = text.replace("一、概述\n", "一、概述\n" + narrative(year, "overview") + "\n")
    head, _, _ = text.partition("统计指标\t单位\t统计数\n")
    rows = ["统计指标\t单位\t统计数\t历年累计"]
    for key, label, unit in OLD_APPENDIX_ROWS:
        rows.append(f"{label}\t\t——\t——" if key is None else f"{label}\t{unit}\t{values[key]}\t{cumulative[key]}")
    return head + "\n".join(rows) + "\n"


def old_series(years: list[int], seed: int = 3) -> list[tuple[dict[str, int], dict[str, int]]]:
    """(values, running totals) of consecutive old-format years."""
    from reportgen import consistent_old_values

    found: list[tuple[dict[str, int], dict[str, int]]] = []
    for year in years:
        values = consistent_old_values(seed * 100 + year)
        before = found[-1][1] if found else {key: 0 for key in values}
        found.append((values, {key: before[key] + value for key, value in values.items()}))
    return found


def region_values(members: list[Values]) -> Values:
    """A region whose table 三 is the cell-by-cell sum of its members' (so its own identities hold)."""
    first = members[0]
    t3 = {row: {column: sum(member.t3[row][column] for member in members) for column in first.t3[row]}
          for row in first.t3}
    return Values(first.era, t3, first.t4, list(first.t2))
