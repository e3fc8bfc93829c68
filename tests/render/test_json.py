"""The JSON renderer writes the usual diagnostic shape directly: byte for byte what the generic
writer (``render.indented.dumps``, itself ``json.dumps(indent=2)`` byte for byte) writes."""

from __future__ import annotations

import json

import pytest

from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Position, Span
from auditor.engine import FileResult
from auditor.render import RenderContext
from auditor.render.indented import dumps
from auditor.render.json import _diagnostic_text, _file_text, file_to_json
from auditor.render.place import diagnostic_json

SPAN = Span(Position(3, 7), Position(4, 12), 40, 60)
OTHER = Span(Position(1, 1), Position(1, 5), 0, 4)


def _diagnostics() -> list[Diagnostic]:
    plain = Diagnostic("GK201", "placeholder-left", "placeholder", Severity.ERROR, "模板占位符“XX”未替换\n",
                       SPAN, "标题", help="补上\t内容", basis='《条例》"第五十条"\\')
    return [
        plain,
        Diagnostic("GK950", "series-link", "consistency", Severity.INFO, "无法核对", None),
        Diagnostic("GK955", "copied", "consistency", Severity.WARNING, "雷同", SPAN,
                   labels=(Label(OTHER, "上年的这一段", path="a/2021.txt", source_line="x"), Label(SPAN, "这里")),
                   notes=("另有 3 段", "\x1b[2J")),
        Diagnostic("GK701", "cell", "table", Severity.ERROR, "单元格", SPAN,
                   location={"format": "docx", "table": 1, "row": 2, "column": 3}),
        Diagnostic("GK702", "extra", "table", Severity.ERROR, "额外", SPAN, extra={"fix": {"text": "x"}, "rule": "X"}),
        Diagnostic("GK703", "odd", "table", Severity.ERROR, "\udcff 路径", SPAN, title="\u2028"),
        Diagnostic("GK704", "odd-span", "table", Severity.ERROR, "非整数", Span(Position(True, 2.0), Position(1, 3))),  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize("level", [0, 2, 5])
def test_diagnostic_text_is_the_generic_writers(level: int) -> None:
    for diagnostic in _diagnostics():
        assert _diagnostic_text(diagnostic, level) == dumps(diagnostic_json(diagnostic), level)


@pytest.mark.parametrize("read_error", [None, "无法读取"])
def test_file_text_is_json_dumps(read_error: str | None) -> None:
    result = FileResult("dir/报告.txt", _diagnostics()[:3] if read_error is None else [], read_error=read_error)
    expected = json.dumps(file_to_json(result), ensure_ascii=False, indent=2)
    assert _file_text(result, RenderContext()) == expected
    empty = FileResult("dir/empty.txt", [])
    assert _file_text(empty, RenderContext()) == json.dumps(file_to_json(empty), ensure_ascii=False, indent=2)


@pytest.mark.parametrize("name", ["report-2021-faulty.txt", "report-2021-faulty.md", "report-2021-faulty.docx"])
def test_file_text_of_checked_examples_is_json_dumps(name: str) -> None:
    """Real results (a detected report, locations of docx and HTML findings) written both ways."""
    from pathlib import Path

    from auditor.engine import check_path
    from auditor.rulebook import load_rulebook

    path = Path(__file__).resolve().parents[2] / "examples" / name
    result = check_path(str(path), load_rulebook(()))
    assert result.diagnostics
    assert _file_text(result, RenderContext()) == json.dumps(file_to_json(result), ensure_ascii=False, indent=2)
