"""The HTML reader: charsets, the article body, pipe rows from merged cells, spans into the page."""

from __future__ import annotations

import pytest

from auditor.engine import check_path
from auditor.readers import ReadError, read_bytes
from auditor.rulebook import Rulebook

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>某局2021年政府信息公开工作年度报告_某市人民政府</title></head>
<body><div class="nav"><a href="/">首页</a> | <a>政务公开</a> | 打印本页</div>
<h1 class="title">某局2021年政府信息公开工作年度报告</h1>
<div id="zoom"><p>一、总体情况</p>
<p>&nbsp;&nbsp;XX年，我局认真贯彻落实《条例》&amp;有关要求。</p>
<table border="1"><tr><td rowspan="2">信息内容</td><td colspan="2">本年新<br/>制作数量</td></tr>
<tr><td>1</td><td>&nbsp;</td></tr></table>
<p>二、主动公开政府信息情况</p></div>
<div class="footer">版权所有 关闭窗口</div></body></html>
"""


def _page(charset: str = "utf-8", encoding: str | None = None) -> bytes:
    return PAGE.format(charset=charset).encode(encoding or charset)


@pytest.mark.parametrize(("charset", "encoding"), [("gbk", "gbk"), ("gb2312", "gbk"), ("GB18030", "gb18030"),
                                                   ("utf-8", "utf-8")])
def test_declared_charset_is_honoured(charset: str, encoding: str) -> None:
    document = read_bytes("r.html", _page(charset, encoding))
    assert "我局认真贯彻落实《条例》&有关要求。" in document.text


def test_http_equiv_content_type_and_wrong_declaration() -> None:
    page = PAGE.replace('<meta charset="{charset}">',
                        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    assert "总体情况" in read_bytes("r.htm", page.format().encode("gbk")).text
    # a UTF-8 page that claims gb2312 (a CMS template copied over) is still read right
    assert "总体情况" in read_bytes("r.htm", page.format().encode("utf-8")).text


def test_undeclared_gbk_page_is_detected() -> None:
    page = PAGE.replace('<meta charset="{charset}">', "")
    document = read_bytes("r.shtml", page.encode("gbk"))
    assert document.encoding == "gb18030"
    assert "总体情况" in document.text


def test_only_the_article_body_and_its_title_are_read() -> None:
    document = read_bytes("r.html", _page())
    lines = document.text.splitlines()
    assert lines[0] == "某局2021年政府信息公开工作年度报告"
    assert lines[1] == "一、总体情况"
    assert "首页" not in document.text and "版权所有" not in document.text and "打印本页" not in document.text


def test_tables_become_pipe_rows_with_merged_cells_repeated() -> None:
    document = read_bytes("r.html", _page())
    rows = [line for line in document.text.splitlines() if line.startswith("|")]
    assert rows == ["| 信息内容 | 本年新制作数量 | 本年新制作数量 |", "| 信息内容 | 1 |  |"]
    (grid,) = document.grids
    assert [(cell.row, cell.column, cell.text) for cell in grid.cells] == [
        (0, 0, "信息内容"), (0, 1, "本年新制作数量"), (0, 2, "本年新制作数量"),
        (1, 0, "信息内容"), (1, 1, "1"), (1, 2, "")]
    assert all(document.text[cell.start_offset:cell.end_offset] == cell.text for cell in grid.cells)


def test_placeholder_is_reported_at_the_html_source_position(tmp_path, rulebook: Rulebook) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "report.html"
    path.write_bytes(_page("gbk"))
    result = check_path(str(path), rulebook)
    (placeholder,) = [diagnostic for diagnostic in result.diagnostics if diagnostic.rule == "GK201"]
    source_line = PAGE.splitlines()[placeholder.span.start.line - 1]
    assert placeholder.span.start.line == 6
    assert source_line.index("XX年") + 1 == placeholder.span.start.column
    assert placeholder.span.end.column == placeholder.span.start.column + 2
    assert result.report is not None and result.report.document.source_lines()[5] == source_line


def test_text_after_entities_keeps_exact_columns() -> None:
    document = read_bytes("r.html", _page())
    offset = document.text.index("有关要求")
    position = document.position(offset)
    assert PAGE.splitlines()[position.line - 1][position.column - 1:].startswith("有关要求")


def test_cell_findings_carry_a_table_location(tmp_path, rulebook: Rulebook) -> None:  # type: ignore[no-untyped-def]
    document = read_bytes("r.html", _page())
    assert document.locator is not None
    offset = document.text.index("| 1 |") + 2
    assert document.locator.locate(offset) == {"table": 1, "row": 2, "column": 2}


def test_body_falls_back_to_the_densest_text_block() -> None:
    page = ("<html><body><div><a>首页</a></div><div class='x'><p>一、总体情况</p><p>" + "本机关认真落实条例。" * 10
            + "</p></div><div>版权所有</div></body></html>")
    document = read_bytes("r.html", page.encode())
    assert document.text.startswith("一、总体情况\n")
    assert "版权所有" not in document.text


@pytest.mark.parametrize(("data", "reason"), [(b"", "文件为空"),
                                             (b"<html><body><div></div></body></html>", "没有找到正文")])
def test_bad_pages_raise_read_errors(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        read_bytes("r.html", data)


def test_broken_markup_does_not_crash() -> None:
    page = "<html><body><div id=zoom><p>一、总体情况<p>正文<b>加粗<i>斜体</b>文字</i><table><td>无行<td>2</table>"
    document = read_bytes("r.html", page.encode())
    assert "一、总体情况" in document.text and "| 无行 | 2 |" in document.text


def test_title_is_not_doubled_when_the_body_repeats_it() -> None:
    title = "<p>某局2021年政府信息公开工作年度报告</p>"
    page = PAGE.replace('<div id="zoom">', '<div id="zoom">' + title).format(charset="utf-8")
    lines = read_bytes("r.html", page.encode()).text.splitlines()
    assert lines[:2] == ["某局2021年政府信息公开工作年度报告", "一、总体情况"]


def test_typed_blanks_between_cjk_words_are_kept() -> None:
    page = ("<html><body><div id=zoom><p>信息内容 本年制发件数 本年废止件数</p><p>政 府 信 息 公 开</p>"
            "<p>本年新\n制作数量</p><p>某局认真贯彻落实条例，依法做好政府信息公开工作。</p></div></body></html>")
    lines = read_bytes("p.html", page.encode()).text.splitlines()
    assert lines[:3] == ["信息内容 本年制发件数 本年废止件数", "政府信息公开", "本年新制作数量"]


WORD_PAGE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset=utf-8>
<meta name=Generator content="Microsoft Word 15"><!--[if gte mso 9]><xml><o:x>1</o:x></xml><![endif]--></head>
<body><div class=WordSection1>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>一、<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><span>总体情况<o:p></o:p></span></p>
<p class=MsoNormal><span lang=EN-US>2021</span><span>年，本局依法公开政府信息。<o:p></o:p></span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>
<tr><td colspan=2><p class=MsoNormal><span>申请人情况<o:p></o:p></span></p></td>
<td width=0 style='border:none'></td></tr>
<tr><td><p class=MsoNormal><span lang=EN-US>5<o:p></o:p></span></p></td><td colspan=2><p class=MsoNormal><span
lang=EN-US>7<o:p></o:p></span></p></td></tr>
<![if !supportMisalignedColumns]><tr height=0><td width=57 style='border:none'></td><td width=0
style='border:none'></td><td width=0 style='border:none'></td></tr><![endif]>
</table></div></body></html>"""


def test_word_web_page_markup() -> None:
    """Word's list markers in conditional comments, <o:p>, a header colspan over an empty filler cell, a data
    cell with colspan=2, and the zero-height column-width row."""
    document = read_bytes("w.html", WORD_PAGE.encode())
    assert document.text.splitlines()[:2] == ["一、总体情况", "2021年，本局依法公开政府信息。"]
    (grid,) = document.grids
    cells = {(cell.row, cell.column): (cell.text, cell.column_span) for cell in grid.cells}
    assert cells == {(0, 0): ("申请人情况", 2), (0, 1): ("申请人情况", 2), (0, 2): ("", 1),
                     (1, 0): ("5", 1), (1, 1): ("7", 2), (1, 2): ("7", 2)}
    for cell in grid.cells:
        assert document.text[cell.start_offset:cell.end_offset] == cell.text
