"""Regenerate examples/report-2021-faulty.docx (and report-2021.html) from the text examples.

    python examples/make_docx.py

Paragraphs become Word paragraphs; each pipe table becomes a Word table with the merged cells a
real report has: caption and label-only rows span the row, single values span their block, and the
headers of tables 三 and 四 are merged as in the 2021 format (申请人情况 over seven columns,
法人或其他组织 over five, 自然人 and 总计 over two rows...). The six part headings (``一、总体情况`` …)
are numbered the way clerks number them in Word: by an automatic list (``w:numPr`` on a
``chineseCounting`` ``%1、`` list), so their text holds no ``一、``. The same layout is written as an HTML page
in a CMS frame (navigation, ``#zoom`` body, footer) with ``rowspan``/``colspan``. gk-audit reports
the same findings on these files as on the .txt they come from.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
# (row, column, rows spanned, columns spanned) of the header cells of tables 三 and 四 (0-based rows)
HEADER_MERGES = {
    "（本列数据的勾稽关系为": [(0, 0, 3, 1), (0, 1, 1, 7), (1, 1, 2, 1), (1, 2, 1, 5), (1, 7, 2, 1)],
    "行政复议": [(0, 0, 1, 5), (0, 5, 1, 10), *((1, column, 2, 1) for column in range(5)), (1, 5, 1, 5), (1, 10, 1, 5)],
}
PART_HEADING = re.compile(r"^([一二三四五六])、")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
Block = str | list[list[str]]
Merge = tuple[int, int, int, int]


def blocks_of(text: str) -> list[Block]:
    blocks: list[Block] = []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if blocks and isinstance(blocks[-1], list):
                blocks[-1].append(cells)
            else:
                blocks.append([cells])
        elif line.strip():
            blocks.append(line.strip())
    return blocks


def merges_of(rows: list[list[str]]) -> list[Merge]:
    """Header merges by table, then rows whose trailing cells are empty: the last text spans them."""
    for opening, header in HEADER_MERGES.items():
        if rows[0][0].startswith(opening):
            merges, first_data = list(header), max(row + height for row, _, height, _ in header)
            break
    else:
        merges, first_data = [], 0
    for index, row in enumerate(rows[first_data:], first_data):
        filled = [column for column, cell in enumerate(row) if cell]
        if filled and filled[-1] < len(row) - 1 and filled == list(range(len(filled))):
            merges.append((index, filled[-1], 1, len(row) - filled[-1]))
    return merges


def add_part_list(document: Any) -> str:
    """Add a Word list numbered 一、二、三、 (``chineseCounting``, ``%1、``) to the numbering part;
    returns its numId."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    w = f"{{{W_NS}}}"
    abstract_id = 1 + max((int(item.get(f"{w}abstractNumId")) for item in numbering.findall(f"{w}abstractNum")),
                          default=0)
    num_id = 1 + max((int(item.get(f"{w}numId")) for item in numbering.findall(f"{w}num")), default=0)
    abstract = parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
        '<w:lvlJc w:val="left"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>')
    first_num = numbering.find(f"{w}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                               "</w:num>"))
    return str(num_id)


def add_part_heading(document: Any, text: str, num_id: str) -> None:
    """A part heading whose ``一、`` comes from the list ``num_id`` instead of its text."""
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph(PART_HEADING.sub("", text))
    paragraph._p.get_or_add_pPr().insert(0, parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))


def write_docx(blocks: list[Block], target: Path) -> None:
    import docx

    document = docx.Document()
    parts = add_part_list(document)
    numbered = 0
    for block in blocks:
        if isinstance(block, str):
            marker = PART_HEADING.match(block)
            if marker and "一二三四五六".index(marker.group(1)) == numbered:  # only an unbroken sequence
                numbered += 1
                add_part_heading(document, block, parts)
            else:
                document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        table.style = "Table Grid"
        for row_index, row in enumerate(block):
            for column, text in enumerate(row):
                table.cell(row_index, column).text = text
        for row, column, height, width in merges_of(block):
            text = block[row][column]
            merged = table.cell(row, column).merge(table.cell(row + height - 1, column + width - 1))
            merged.text = text
    document.save(str(target))


def _table_html(rows: list[list[str]]) -> str:
    merges = {(row, column): (height, width) for row, column, height, width in merges_of(rows)}
    covered = {(row + dr, column + dc) for (row, column), (height, width) in merges.items()
               for dr in range(height) for dc in range(width)} - set(merges)
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%">', "<tbody>"]
    for row_index, row in enumerate(rows):
        cells = []
        for column, text in enumerate(row):
            if (row_index, column) in covered:
                continue
            height, width = merges.get((row_index, column), (1, 1))
            spans = (f' rowspan="{height}"' if height > 1 else "") + (f' colspan="{width}"' if width > 1 else "")
            cells.append(f"<td{spans}>{html.escape(text) if text else '&nbsp;'}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def write_html(blocks: list[Block], target: Path) -> None:
    title = str(blocks[0])
    body = [f"<p>{html.escape(block)}</p>" if isinstance(block, str) else _table_html(block) for block in blocks[1:]]
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{html.escape(title)}_某市人民政府门户网站</title>
<link rel="stylesheet" href="/css/main.css">
<script type="text/javascript">if (window.top != window && 1 < 2) {{ window.top.location = window.location; }}</script>
</head>
<body>
<div class="header"><div class="logo">某市人民政府门户网站</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
<div class="article">
<h1 class="article-title">{html.escape(title)}</h1>
<div class="article-info">发布时间：2024-01-18 来源：市自然资源局 浏览次数：<span id="hits">1024</span>
字体：[ 大 中 小 ]</div>
<div id="zoom" class="TRS_Editor">
{chr(10).join(body)}
</div>
<div class="article-tools"><a href="javascript:window.print()">打印本页</a>
<a href="javascript:window.close()">关闭窗口</a></div>
</div>
<div class="footer"><p>主办：某市人民政府办公室　承办：某市大数据中心</p>
<p>网站标识码：1234000000　某ICP备12345678号</p></div>
</body>
</html>
"""
    target.write_bytes(page.encode("gbk"))


def main() -> None:
    write_docx(blocks_of((HERE / "report-2021-faulty.txt").read_text(encoding="utf-8")),
               HERE / "report-2021-faulty.docx")
    write_html(blocks_of((HERE / "report-2021-clean.txt").read_text(encoding="utf-8")), HERE / "report-2021.html")


if __name__ == "__main__":
    main()
