"""Reports as an office suite makes them: generated values (tests/reportgen.py) written as a Word
document with merged header cells, exported to PDF by LibreOffice headless.

``report_blocks`` lays a report out as ``report_forms`` blocks: table 二 as one Word table (caption
rows across the table), table 三 with the 2021 header (the 勾稽关系 note over three rows,
申请人情况 over seven columns, 法人或其他组织 over five) and label-only rows merged across the row,
table 四 with its two-level header. ``filler`` paragraphs before table 三 move it on the page, so
that a page break falls inside it. ``export_pdfs`` converts many .docx files in one soffice call.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from report_forms import C
from reportgen import (
    T2_2021,
    T3_COLUMNS,
    T3_HEADER_LOW,
    T3_HEADER_MID,
    T3_HEADER_TOP,
    T3_NOTE,
    T4_COLUMN_LABELS,
    T4_COLUMNS,
    T4_GROUPS,
    Key,
    Values,
    t3_rows,
)

FILLER = "本机关坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开，回应社会关切，提升公开质量。"
Block = "str | list[list[C]]"


def _table_two(values: Values) -> list[list[C]]:
    numbers = iter(values.t2)
    rows: list[list[C]] = []
    for caption, columns, labels in T2_2021:
        rows.append([C(caption, colspan=4)])
        span = 4 - len(columns)
        rows.append([C("信息内容"), *[C(label, colspan=span if len(columns) == 1 else 1) for label in columns]])
        for label in labels:
            rows.append([C(label), *[C(str(next(numbers)), colspan=span if len(columns) == 1 else 1)
                                     for _ in columns]])
    return rows


def _table_three(values: Values) -> list[list[C]]:
    rows = [[C(T3_NOTE, rowspan=3), C(T3_HEADER_TOP, colspan=7)],
            [C(T3_HEADER_MID[0], rowspan=2), C(T3_HEADER_MID[1], colspan=5), C(T3_HEADER_MID[2], rowspan=2)],
            [C(label) for label in T3_HEADER_LOW]]
    for key, label in t3_rows(values.era):
        if key is None:
            rows.append([C(label, colspan=8)])
        else:
            rows.append([C(label), *[C(str(values.t3[key][column])) for column in T3_COLUMNS]])
    return rows


def _table_four(values: Values) -> list[list[C]]:
    return [[C("行政复议", colspan=5), C("行政诉讼", colspan=10)],
            [*[C(label, rowspan=2) for label in T4_COLUMN_LABELS], C("未经复议直接起诉", colspan=5),
             C("复议后起诉", colspan=5)],
            [C(label) for label in T4_COLUMN_LABELS * 2],
            [C(str(values.t4[group][column])) for group in T4_GROUPS for column in T4_COLUMNS]]


def report_blocks(values: Values, filler: int = 0, year: int = 2022) -> list:  # type: ignore[type-arg]
    """A 2021-format report with tables 二, 三 and 四 as Word tables with merged cells."""
    return [f"赣州市示范局{year}年政府信息公开工作年度报告",
            "一、总体情况",
            f"{year}年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，依法做好政府信息公开工作。"
            f"本报告中所列数据统计期限为{year}年1月1日至12月31日。",
            "二、主动公开政府信息情况", _table_two(values),
            *[FILLER] * filler,
            "三、收到和处理政府信息公开申请情况", _table_three(values),
            "四、政府信息公开行政复议、行政诉讼情况", _table_four(values),
            "五、存在的主要问题及改进情况",
            "一是公开内容还不够全面；二是解读形式较为单一。下一步，本局将加强培训，提高公开质量。",
            "六、其他需要报告的事项", "本年度未收取信息处理费。"]


def t3_label(key: Key, values: Values) -> str:
    """The row label of a table 三 key."""
    return next(label for row, label in t3_rows(values.era) if row == key[1])


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def export_pdfs(sources: list[Path], outdir: Path) -> list[Path]:
    """Convert .docx files to PDF with LibreOffice headless, in one call and a private profile
    (so that it runs beside other LibreOffice instances)."""
    program = soffice()
    assert program is not None
    profile = (outdir / "lo-profile").resolve().as_uri()
    subprocess.run([program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, sources)], check=True, capture_output=True, timeout=300)
    targets = [outdir / (source.stem + ".pdf") for source in sources]
    missing = [target.name for target in targets if not target.exists()]
    assert not missing, f"LibreOffice made no PDF of {missing}"
    return targets
