from auditor.document import Document
from auditor.engine import Options, check_document
from auditor.render import RenderContext
from auditor.render.text import render_text, text_width


def test_caret_aligns_under_cjk_by_display_width(rulebook) -> None:  # type: ignore[no-untyped-def]
    document = Document(path="r.txt", text="某区XX年政府信息公开工作报告\n一、概述\n")
    result = check_document(document, rulebook, Options())
    output = render_text([result], RenderContext())
    lines = output.splitlines()
    header = next(index for index, line in enumerate(lines) if "[GK201]" in line)
    source_row = next(index for index in range(header, len(lines)) if "某区XX年" in lines[index])
    code, caret = lines[source_row], lines[source_row + 1]
    assert caret.index("^") == text_width(code[: code.index("XX")])
    assert caret.count("^") == 2


def test_colour_only_when_asked(rulebook) -> None:  # type: ignore[no-untyped-def]
    result = check_document(Document(path="r.txt", text="某区XX年工作报告\n"), rulebook, Options())
    assert "\033[" in render_text([result], RenderContext(color=True))
    assert "\033[" not in render_text([result], RenderContext(color=False))


def test_long_lines_are_windowed(rulebook) -> None:  # type: ignore[no-untyped-def]
    text = "甲" * 200 + "XX年" + "乙" * 200 + "\n"
    result = check_document(Document(path="r.txt", text=text), rulebook, Options())
    frame = [line for line in render_text([result], RenderContext()).splitlines() if "XX年" in line and " | " in line]
    assert frame and all(text_width(line) < 100 for line in frame) and "…" in frame[0]


def test_label_on_the_primary_line_shares_its_window(rulebook) -> None:  # type: ignore[no-untyped-def]
    from auditor.diagnostics import Diagnostic, Label, Severity
    from auditor.render.text import render_diagnostic

    line = "甲" * 100 + "总计" + "乙" * 5 + "之和" + "丙" * 100
    document = Document(path="r.txt", text=line + "\n")
    total, parts = line.index("总计"), line.index("之和")
    diagnostic = Diagnostic("GK999", "x", "arithmetic", Severity.ERROR, "m", document.span(total, total + 2),
                            labels=(Label(document.span(parts, parts + 2), "加数"),))
    rows = render_diagnostic(diagnostic, "r.txt", document.source_lines(), False).splitlines()
    shown = next(row for row in rows if "总计" in row)
    caret = rows[rows.index(shown) + 1]
    label = rows[rows.index(shown) + 2]
    prefix = shown[: shown.index("| ") + 2]
    assert caret.index("^") - len(prefix) == text_width(shown[len(prefix):shown.index("总计")])
    assert label.index("-") - len(prefix) == text_width(shown[len(prefix):shown.index("之和")])
    assert label.rstrip().endswith("加数")
