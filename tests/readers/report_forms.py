"""One report, many file forms: the same content written as .txt, .md, .html, .docx and .pdf.

A report is a list of blocks: a paragraph (str) or a table (rows of ``C`` cells in HTML order:
positions covered by a merged cell are omitted from later rows, as in ``<tr>`` markup). Writers:

- ``.txt``: tab-separated table rows, each row holding only its own cells (a table copied out of
  Word: a merged cell appears once, in its first row);
- ``.md``: pipe tables, merged cells repeated in every position they cover, a ``---`` rule after
  the first row;
- ``.html``: a CMS page (nav, ``<h1>`` title above ``#zoom``, footer), ``rowspan``/``colspan``,
  ``<br/>`` inside long header cells, ``&nbsp;`` indentation;
- ``.docx``: python-docx, merged cells made with ``cell.merge`` (``gridSpan`` and ``vMerge``);
- ``.pdf``: reportlab with the CJK CID font STSong-Light, ruled tables with ``SPAN`` styles.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

Block = "str | list[list[C]]"


@dataclass(frozen=True)
class C:
    text: str
    rowspan: int = 1
    colspan: int = 1


# ------------------------------------------------------------------------------ layout
def expand(rows: list[list[C]]) -> list[list[tuple[C, bool]]]:
    """Grid positions -> (cell, is_origin)."""
    grid: dict[tuple[int, int], tuple[C, bool]] = {}
    for row_index, row in enumerate(rows):
        column = 0
        for cell in row:
            while (row_index, column) in grid:
                column += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(row_index + dr, column + dc)] = (cell, dr == 0 and dc == 0)
            column += cell.colspan
    width = max(column for _, column in grid) + 1
    return [[grid.get((row, column), (C(""), True)) for column in range(width)] for row in range(len(rows))]


def origins(rows: list[list[C]]) -> list[tuple[int, int, C]]:
    """(row, column, cell) of every cell's top-left grid position."""
    found = []
    for row_index, row in enumerate(expand(rows)):
        for column, (cell, is_origin) in enumerate(row):
            if is_origin:
                found.append((row_index, column, cell))
    return found


def _plain(text: str) -> str:
    return text.replace("\n", "")


# ------------------------------------------------------------------------------ writers
def to_txt(blocks: list) -> bytes:  # type: ignore[type-arg]
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
        else:
            lines += ["\t".join(_plain(cell.text) for cell in row) for row in block]
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_md(blocks: list) -> bytes:  # type: ignore[type-arg]
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
            lines.append("")
            continue
        grid = expand(block)
        for index, row in enumerate(grid):
            lines.append("| " + " | ".join(_plain(cell.text) for cell, _origin in row) + " |")
            if index == 0:
                lines.append("|" + "---|" * len(row))
        lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _html_cell(cell: C) -> str:
    attributes = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
        f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
    text = "<br/>".join(html.escape(part) for part in cell.text.split("\n")) if cell.text else "&nbsp;"
    return f'<td{attributes} style="border:1px solid #000">{text}</td>'


def to_html(blocks: list, encoding: str = "utf-8") -> bytes:  # type: ignore[type-arg]
    title, body = blocks[0], blocks[1:]
    parts = [
        "<!DOCTYPE html>", "<html>", "<head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
        f"<title>{html.escape(title)}_某市人民政府</title>", "<script>var a = 1 < 2;</script>", "</head>", "<body>",
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>',
        '<div class="main">', f'<h1 class="article-title">{html.escape(title)}</h1>',
        '<div class="info">发布时间：2022-01-20 浏览次数：<span>123</span></div>', '<div id="zoom">',
    ]
    for block in body:
        if isinstance(block, str):
            parts.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(block)}</p>" if block else "<p>&nbsp;</p>")
        else:
            parts.append('<table border="1" cellspacing="0" cellpadding="0">')
            parts.append("<tbody>")
            for row in block:
                parts.append("<tr>" + "".join(_html_cell(cell) for cell in row) + "</tr>")
            parts.append("</tbody></table>")
    parts += ["</div>", "</div>", '<div class="footer"><p>主办：某市人民政府办公室 版权所有</p>',
              "<p>网站标识码：1234567890 打印本页 关闭窗口</p></div>", "</body>", "</html>"]
    return ("\n".join(parts) + "\n").encode(encoding)


def to_docx(blocks: list, ruled: bool = True) -> bytes:  # type: ignore[type-arg]
    """``ruled``: tables in Word's "Table Grid" style (every border drawn); else without borders."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        grid = expand(block)
        table = document.add_table(rows=len(grid), cols=len(grid[0]))
        if ruled:
            table.style = "Table Grid"
        for row, column, cell in origins(block):
            target = table.cell(row, column)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(row + cell.rowspan - 1, column + cell.colspan - 1))
            lines = cell.text.split("\n")
            target.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                target.add_paragraph(line)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def to_pdf(blocks: list, running_header: str | None = None, footer: str | None = None,  # type: ignore[type-arg]
           filler: int = 0) -> bytes:
    """``blocks`` as a PDF; ``running_header`` drawn at the top of every page, ``footer`` (a format
    with ``{page}``, e.g. ``- {page} -``) at the bottom; ``filler`` blank lines before each table
    after the first, to push a table across a page break."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text_style = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    story = []
    story_blocks = list(blocks)
    for index, block in enumerate(story_blocks):
        if isinstance(block, str):
            story.append(Paragraph(html.escape(block), text_style) if block else Spacer(1, 8))
            continue
        if filler and any(not isinstance(item, str) for item in story_blocks[:index]):
            story.append(Spacer(1, 16 * filler))
        grid = expand(block)
        data = [["" for _ in row] for row in grid]
        commands = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        for row, column, cell in origins(block):
            data[row][column] = Paragraph(html.escape(cell.text).replace("\n", "<br/>"), cell_style)  # type: ignore[call-overload]
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (column, row), (column + cell.colspan - 1, row + cell.rowspan - 1)))
        width = len(grid[0])
        label_columns = width - 7 if width >= 10 else 1
        numeric = (A4[0] - 80) * (0.55 if width >= 10 else 0.6) / max(width - label_columns, 1)
        labels = ((A4[0] - 80) - numeric * (width - label_columns)) / label_columns
        widths = [labels] * label_columns + [numeric] * (width - label_columns)
        table = Table(data, colWidths=widths, repeatRows=0)
        table.setStyle(TableStyle(commands))
        story.append(table)
        story.append(Spacer(1, 8))
    stream = io.BytesIO()

    def furniture(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("STSong-Light", 9)
        if running_header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 25, running_header)
        if footer:
            canvas.drawCentredString(A4[0] / 2, 20, footer.format(page=document.page))

    SimpleDocTemplate(stream, pagesize=A4, leftMargin=40, rightMargin=40, topMargin=40, bottomMargin=40).build(
        story, onFirstPage=furniture, onLaterPages=furniture)
    return stream.getvalue()


WRITERS = {"txt": to_txt, "md": to_md, "html": to_html, "docx": to_docx, "pdf": to_pdf}


# ------------------------------------------------------------------------------ the reports
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）"
APPLICANTS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
REFUSED = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
           "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
UNABLE = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]
NOT_HANDLED = ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
               "5.要求行政机关确认或重新出具已获取信息"]
OTHER_2021 = ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]


def _numbers(values: list[str]) -> list[C]:
    return [C(value) for value in values]


def table_three(era: str, values: dict[str, list[str]]) -> list[list[C]]:
    """Table 三 as gov sites lay it out: 3 label columns, 7 numeric columns, merged headers."""
    zero = ["0"] * 7

    def row(key: str) -> list[C]:
        return _numbers(values.get(key, zero))

    other = [(label, f"other{index}") for index, label in enumerate(OTHER_2021, 1)] if era == "2021" else []
    outcome_rows = 2 + len(REFUSED) + len(UNABLE) + len(NOT_HANDLED) + (len(other) if other else 1) + 1
    rows: list[list[C]] = [
        [C(NOTE, rowspan=3, colspan=3), C("申请人情况", colspan=7)],
        [C("自然人", rowspan=2), C("法人或其他组织", colspan=5), C("总计", rowspan=2)],
        [C(label) for label in APPLICANTS],
        [C("一、本年新收政府信息公开申请数量", colspan=3), *row("new")],
        [C("二、上年结转政府信息公开申请数量", colspan=3), *row("carried")],
        [C("三、本年度办理结果", rowspan=outcome_rows), C("（一）予以公开", colspan=2), *row("c1")],
        [C("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2), *row("c2")],
    ]
    for group, labels, prefix in (("（三）不予公开", REFUSED, "c3_"), ("（四）无法提供", UNABLE, "c4_"),
                                  ("（五）不予处理", NOT_HANDLED, "c5_")):
        for index, label in enumerate(labels, 1):
            head = [C(group, rowspan=len(labels))] if index == 1 else []
            rows.append([*head, C(label), *row(f"{prefix}{index}")])
    if other:
        for index, (label, key) in enumerate(other, 1):
            head = [C("（六）其他处理", rowspan=len(other))] if index == 1 else []
            rows.append([*head, C(label), *row(key)])
    else:
        rows.append([C("（六）其他处理", colspan=2), *row("c6")])
    rows.append([C("（七）总计", colspan=2), *row("c7")])
    rows.append([C("四、结转下年度继续办理", colspan=3), *row("forward")])
    return rows


def table_four(values: list[str]) -> list[list[C]]:
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [
        [C("行政复议", colspan=5), C("行政诉讼", colspan=10)],
        [*(C(label, rowspan=2) for label in results), C("未经复议直接起诉", colspan=5), C("复议后起诉", colspan=5)],
        [C(label) for label in results * 2],
        _numbers(values),
    ]


def table_two_2021(licensing: str = "56") -> list[list[C]]:
    return [
        [C("第二十条第（一）项", colspan=4)],
        [C("信息内容"), C("本年制发件数"), C("本年废止件数"), C("现行有效件数")],
        [C("规章"), C("0"), C("0"), C("0")],
        [C("行政规范性文件"), C("3"), C("1"), C("12")],
        [C("第二十条第（五）项", colspan=4)],
        [C("信息内容"), C("本年处理决定数量", colspan=3)],
        [C("行政许可"), C(licensing, colspan=3)],
        [C("第二十条第（六）项", colspan=4)],
        [C("信息内容"), C("本年处理决定数量", colspan=3)],
        [C("行政处罚"), C("8", colspan=3)],
        [C("行政强制"), C("0", colspan=3)],
        [C("第二十条第（八）项", colspan=4)],
        [C("信息内容"), C("本年收费金额（单位：万元）", colspan=3)],
        [C("行政事业性收费"), C("0", colspan=3)],
    ]


def table_two_2019() -> list[list[C]]:
    return [
        [C("第二十条第（一）项", colspan=4)],
        [C("信息内容"), C("本年新\n制作数量"), C("本年新\n公开数量"), C("对外公开\n总数量")],
        [C("规章"), C("0"), C("0"), C("0")],
        [C("规范性文件"), C("2"), C("2"), C("15")],
        [C("第二十条第（五）项", colspan=4)],
        [C("信息内容"), C("上一年项目数量"), C("本年增/减"), C("处理决定数量")],
        [C("行政许可"), C("20"), C("-2"), C("310")],
        [C("其他对外管理服务事项"), C("5"), C("0"), C("12")],
        [C("第二十条第（六）项", colspan=4)],
        [C("信息内容"), C("上一年项目数量"), C("本年增/减"), C("处理决定数量")],
        [C("行政处罚"), C("30"), C("1"), C("25")],
        [C("行政强制"), C("2"), C("0"), C("1")],
        [C("第二十条第（八）项", colspan=4)],
        [C("信息内容"), C("上一年项目数量"), C("本年增/减", colspan=2)],
        [C("行政事业性收费"), C("1"), C("0", colspan=2)],
        [C("第二十条第（九）项", colspan=4)],
        [C("信息内容"), C("采购项目数量", colspan=2), C("采购总金额")],
        [C("政府集中采购"), C("3", colspan=2), C("251000元")],
    ]


def _sum(rows: list[list[str]]) -> list[str]:
    return [str(sum(int(row[index] or 0) for row in rows)) for index in range(7)]


def _balanced(new: list[str], c1: list[str], c2: list[str]) -> dict[str, list[str]]:
    """Table 三 values that balance: nothing carried over, 四 = 新收 − （七）总计."""
    total = _sum([c1, c2])
    forward = [str(int(a) - int(b)) for a, b in zip(new, total, strict=True)]
    return {"new": new, "carried": ["0"] * 7, "c1": c1, "c2": c2, "c7": total, "forward": forward}


def report_2021(faulty: bool) -> list:  # type: ignore[type-arg]
    t3 = _balanced(["10", "1", "0", "0", "0", "1", "12"], ["6", "1", "0", "0", "0", "0", "7"],
                   ["2", "0", "0", "0", "0", "1", "3"])
    if faulty:
        t3["c7"] = ["8", "1", "0", "0", "0", "1", "11"]  # 10+0 == 8+2 holds; total column: 12 != 11+2
        t3["c1"] = ["6", "1", "0", "", "0", "0", "7"]   # a blank cell where 0 is expected
    opening = "XX年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，" if faulty else \
        "2021年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，"
    return [
        "某市自然资源局2021年政府信息公开工作年度报告",
        "本报告由某市自然资源局根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据的统计期限为"
        + ("2020" if faulty else "2021") + "年1月1日至12月31日。",
        "一、总体情况",
        opening + "紧紧围绕市委市政府中心工作，扎实推进政府信息公开工作，全年共主动公开政府信息320条。",
        "（一）主动公开",
        "全年通过门户网站主动公开政策文件、规划计划、行政执法等信息，及时发布重点领域信息。",
        "（二）依申请公开" if not faulty else "（三）依申请公开",
        "全年共收到政府信息公开申请12件，均在法定期限内答复。",
        "打印本页 关闭窗口" if faulty else "严格按照法定程序办理申请，答复规范。",
        "二、主动公开政府信息情况",
        table_two_2021(),
        "三、收到和处理政府信息公开申请情况",
        table_three("2021", t3),
        "四、政府信息公开行政复议、行政诉讼情况",
        table_four(["1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
                   if not faulty else ["1", "1", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]),
        "五、存在的主要问题及改进情况",
        "存在的主要问题是政策解读形式较为单一。下一步，我局将丰富解读形式，提升公开质量。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]


def report_2019_faulty() -> list:  # type: ignore[type-arg]
    t3 = _balanced(["5", "0", "0", "0", "0", "0", "5"], ["3", "0", "0", "0", "0", "0", "3"],
                   ["1", "0", "0", "0", "0", "0", "1"])
    t3["c2"] = ["1", "0", "0", "0", "0", "0", "2"]  # row total 2 != 1
    return [
        "某县人民政府办公室2019年政府信息公开工作年度报告",
        "本报告由（单位名称）编制，本报告中所列数据的统计期限为2019年1月1日至12月31日。",
        "一、总体情况",
        "2019年，我办认真贯彻落实新修订的《中华人民共和国政府信息公开条例》，截至1231日共主动公开信息210条。",
        "二、主动公开政府信息情况",
        table_two_2019(),
        "三、收到和处理政府信息公开申请情况",
        table_three("2019", t3),
        "四、政府信息公开行政复议、行政诉讼情况",
        table_four(["0"] * 15),
        "五、存在的主要问题及改进情况",
        "存在的主要问题是信息公开的及时性有待提高。下一步将完善工作机制。",
        "六、其他需要报告的事项",
        "无。",
    ]


REPORTS = {"2021-clean": report_2021(False), "2021-faulty": report_2021(True), "2019-faulty": report_2019_faulty()}
