"""Markdown read with markdown-it-py: the text without markup, every character mapped to the source."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.engine import check_document
from auditor.readers import read_bytes
from auditor.render.html import render_html
from auditor.rulebook import Rulebook

ROOT = Path(__file__).resolve().parents[2]
SOURCE = """# 某市某局2023年政府信息公开工作年度报告

## 一、总体情况

**（一）主动公开。** 全年*主动*公开信息[XX条](http://example.org/a)，详见\\*附件。
第二行仍是这一段。

1. 属于国家秘密
2. 其他

- 一是加强领导

| 信息内容 | 本年制发件数 |
|---|---|
| **规章** | 5 |
| 行政规范性文件 | `3` |
"""


def _read(source: str = SOURCE):  # type: ignore[no-untyped-def]
    return read_bytes("r.md", source.encode("utf-8"))


def _source_at(document, offset: int) -> str:  # type: ignore[no-untyped-def]
    position = document.position(offset)
    return document.source_lines()[position.line - 1][position.column - 1]


def test_headings_emphasis_and_links_lose_their_markup() -> None:
    lines = _read().text.split("\n")
    assert lines[0] == "某市某局2023年政府信息公开工作年度报告"
    assert lines[2] == "一、总体情况"
    assert lines[4] == "（一）主动公开。 全年主动公开信息XX条，详见*附件。"
    assert lines[5] == "第二行仍是这一段。"  # a soft break keeps the source's line


def test_ordered_list_numbers_stay_and_bullets_go() -> None:
    text = _read().text
    assert "1. 属于国家秘密\n2. 其他\n" in text
    assert "\n一是加强领导\n" in text


def test_every_character_points_at_its_source() -> None:
    document = _read()
    text = document.text
    for needle in ("一、总体情况", "主动公开。", "XX", "附件", "属于国家秘密", "规章", "3"):
        offset = text.index(needle)
        for index, char in enumerate(needle):
            assert _source_at(document, offset + index) == char, (needle, index)
    heading = document.position(text.index("一、总体情况"))
    assert (heading.line, heading.column) == (3, 4)
    escaped = document.position(text.index("*附件"))
    assert document.source_lines()[escaped.line - 1][escaped.column - 1] == "*"  # the \* of the source


def test_table_is_a_grid_of_pipe_rows_without_the_delimiter_row() -> None:
    document = _read()
    assert "| 信息内容 | 本年制发件数 |\n| 规章 | 5 |\n| 行政规范性文件 | 3 |" in document.text
    assert "---" not in document.text
    (grid,) = document.grids
    cells = {(cell.row, cell.column): cell for cell in grid.cells}
    assert cells[(1, 0)].text == "规章" and cells[(2, 1)].text == "3"
    for cell in grid.cells:
        assert document.text[cell.start_offset:cell.end_offset] == cell.text


def test_crlf_and_a_placeholder_span_points_into_the_markdown(rulebook: Rulebook) -> None:
    document = _read(SOURCE.replace("\n", "\r\n"))
    result = check_document(document, rulebook)
    placeholder = next(item for item in result.diagnostics if item.rule == "GK201")
    assert placeholder.span is not None
    assert (placeholder.span.start.line, placeholder.span.start.column) == (5, 25)
    assert document.source_lines()[4][24:26] == "XX"


def test_html_report_of_the_markdown_example_shows_no_raw_markup(rulebook: Rulebook) -> None:
    document = read_bytes("report.md", (ROOT / "examples" / "report-2021-faulty.md").read_bytes())
    page = render_html([check_document(document, rulebook)])
    paper = page[page.index('<div class="paper">'):]
    shown = re.sub(r"<[^>]+>", "", paper)
    assert "青山市生态环境局2022年政府信息公开工作年度报告" in shown
    assert not re.search(r"^#|\n#|\*\*", shown)
    assert "|---" not in shown
    assert '<h3 class="heading"' in paper and "<table" in paper


# every block construct, interrupting a paragraph and opening a block, at several indents
BLOCKS = """段落第一行
# 标题
段落
> 引用
续行
段落
- 项目
段落
1. 一
2) 二
段落
3. 不从1起的编号不打断段落
***
段落
```
代码
```
~~~
也是代码
~~~
<div>
html</div>
段落
<!-- 注释 -->
[ref]: http://example.org "标题"
段落
表头 | 二
--- | ---
甲 | 1
| 信息内容 | 件数 |
|:---|---:|
| 规章 | 5 |

段落
___
段落
甲 | 乙
:--- | ---:
1 | 2

段落
===
段落
---
   - 缩进列表
    缩进续行
        代码块

    代码块
\t制表符
+ 加号
* 星号
-不是列表
#不是标题
|
-
:
"""


def test_opener_guards_keep_markdown_its_tokens() -> None:
    from markdown_it import MarkdownIt

    from auditor.readers.markdown import _parser

    stock = MarkdownIt("commonmark", {"html": True}).enable("table")
    lines = BLOCKS.split("\n")
    # each construct also as the first line of a block, after a blank line, and inside a list item
    sources = [BLOCKS, "\n\n".join(lines), "- " + "\n  ".join(lines), "> " + "\n> ".join(lines)]
    for source in sources:
        assert [token.as_dict() for token in _parser().parse(source)] == \
            [token.as_dict() for token in stock.parse(source)]
