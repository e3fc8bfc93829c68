"""Mutation fuzzing of every reader and renderer (tests/test_fuzz.py; benchmarks/fuzz.py runs more).

A small valid seed file of each format (.txt, .md, .html, .docx, .pdf) is mutated by a
``random.Random``: bytes flipped, deleted, duplicated or cut, and tokens spliced in that reach
the readers' and checks' edge cases (spans, merges, bombs of nesting, control characters, BOMs,
placeholders, table rows). A .docx is mutated inside its XML and zipped again (a raw mutation of a
ZIP is mostly rejected at once), sometimes also as raw bytes. ``run_case`` checks the mutant and
renders it in every format; it returns a description of the failure, or None.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable

from auditor.engine import FileResult, check_path
from auditor.render import RENDERERS, RenderContext, render, render_chunks
from auditor.rulebook import Rulebook

REPORT = ("某区人民政府办公室2023年政府信息公开工作年度报告\n一、总体情况\n"
          "2023年，我区共收到政府信息公开申请12件，其中当面申请5件，网络申请7件。一是完善机制，二是加强解读。\n"
          "二、主动公开政府信息情况\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
          "| 规章 | 0 | 0 | 0 |\n| 规范性文件 | 3 | 1 | 12 |\n三、收到和处理政府信息公开申请情况\n"
          "本年度XX年无行政复议。截至2023年12月31日。\n六、其他需要报告的事项\n无。\n")

TOKENS = [t.encode() if isinstance(t, str) else t for t in (
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x1b[31m", b"\x1b]0;x\x07", "\u202e", b"\r", b"\n" * 50, b"\t",
    "XX年", "。", "|", "| 合计 | 1 | 2 | 3 |\n", "一、总体情况\n", "（三）不予公开\n", "二〇二三年", "20231231",
    "其中", "共收到", "件，", "一是", "二是", "等", "其他", "\ufffd", "锟斤拷", "Õþ¸®ÐÅÏ¢", "gk-audit: ignore",
    "<!-- gk-audit: ignore GK201 -->", "[" * 300, "(" * 300, "<<" * 200, "/Count 99999999", "/FlateDecode",
    "/Length 99999999", "endstream", "0 obj", "<td colspan=\"99999\" rowspan=\"99999\">", "<table><tr><td>",
    "</td></tr></table>", "<tr>", "<th>", "<p>", "<br>", "<script>", "<!--", "<![CDATA[", "&#0;", "&#x1b;",
    "<meta charset=\"gbk\">", "<?xml version=\"1.0\" encoding=\"utf-16\"?>", "<w:gridSpan w:val=\"2000000000\"/>",
    "<w:gridSpan w:val=\"-5\"/>", "<w:vMerge/>", "<w:vMerge w:val=\"restart\"/>", "<w:tbl>", "<w:tr>", "<w:tc>",
    "</w:tc>", "</w:tr>", "</w:tbl>", "<w:p>", "</w:p>",
    "<w:numPr><w:ilvl w:val=\"99\"/><w:numId w:val=\"1\"/></w:numPr>",
    "# ", "```\n", "> ", "* ", "1. ", "---\n", "\u3000" * 40, "９９９９", "１２３", "%", "亿", "万件",
)]


def docx_seed() -> bytes:
    from hostile import docx_bytes, paragraph

    cells = "".join(f"<w:tc>{paragraph(text)}</w:tc>" for text in ("规范性文件", "3", "1", "12"))
    merged = "<w:tc><w:tcPr><w:vMerge/><w:gridSpan w:val=\"2\"/></w:tcPr><w:p/></w:tc>"
    table = f"<w:tbl><w:tr>{cells}</w:tr><w:tr>{merged}<w:tc>{paragraph('XX年')}</w:tc></w:tr></w:tbl>"
    body = "".join(paragraph(line) for line in REPORT.splitlines() if not line.startswith("|"))
    return docx_bytes(body + table)


def pdf_seed() -> bytes:
    from hostile import pdf_bytes

    return pdf_bytes(pages=1, text="2023 XX report")


def html_seed() -> bytes:
    rows = "".join("<tr>" + "".join(f"<td>{cell.strip()}</td>" for cell in line.strip("|").split("|")) + "</tr>"
                   for line in REPORT.splitlines() if line.startswith("|"))
    paragraphs = "".join(f"<p>{line}</p>" for line in REPORT.splitlines() if not line.startswith("|"))
    return (f"<html><head><meta charset=\"utf-8\"><title>报告</title></head><body>{paragraphs}"
            f"<table>{rows}</table></body></html>").encode()


SEEDS: dict[str, Callable[[], bytes]] = {
    ".txt": lambda: REPORT.encode(),
    ".md": lambda: ("# " + REPORT.replace("\n一、", "\n## 一、")).encode(),
    ".html": html_seed,
    ".docx": docx_seed,
    ".pdf": pdf_seed,
}


def mutate_bytes(data: bytes, rng: random.Random, rounds: int) -> bytes:
    buffer = bytearray(data)
    for _ in range(rounds):
        at = rng.randrange(len(buffer) + 1)
        action = rng.randrange(6)
        if action == 0 and buffer:  # flip a byte
            buffer[min(at, len(buffer) - 1)] = rng.randrange(256)
        elif action == 1:  # delete a run
            del buffer[at:at + rng.randint(1, 64)]
        elif action == 2 and buffer:  # duplicate a run, sometimes many times
            start = rng.randrange(len(buffer))
            piece = buffer[start:start + rng.randint(1, 200)]
            buffer[at:at] = piece * rng.choice((1, 2, 50))
        elif action == 3:  # cut the file short
            del buffer[at:]
        else:  # splice a token in, sometimes repeated
            buffer[at:at] = rng.choice(TOKENS) * rng.choice((1, 1, 3, 100))
    return bytes(buffer)


def mutate(suffix: str, data: bytes, rng: random.Random) -> bytes:
    rounds = rng.randint(1, 8)
    if suffix != ".docx" or rng.random() < 0.2:
        return mutate_bytes(data, rng, rounds)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = source.read(member)
            if member.filename.endswith("document.xml"):
                content = mutate_bytes(content, rng, rounds)
            archive.writestr(member.filename, content)
    return out.getvalue()


def run_case(suffix: str, data: bytes, rulebook: Rulebook) -> tuple[FileResult, str | None]:
    """Check and render one input; the failure (an escaped exception or an internal error), or None."""
    try:
        result = check_path(f"fuzz{suffix}", rulebook, data=data)
    except BaseException as error:  # the point: nothing escapes
        return FileResult(f"fuzz{suffix}", []), f"check_path raised {type(error).__name__}: {error}"
    if result.internal_error:
        return result, f"internal error: {result.internal_error}"
    context = RenderContext(rulebook=rulebook)
    for format_name in RENDERERS:
        try:
            render(format_name, [result], context)  # the renderer itself, without the isolation
            output = "".join(render_chunks(format_name, [result], context))
            output.encode("utf-8")
        except BaseException as error:
            return result, f"render {format_name} raised {type(error).__name__}: {error}"
        if format_name in ("text", "github") and "\x1b" in output:
            return result, f"render {format_name} let an escape character through"
    return result, None
