"""The text renderer: ruff's first line, rustc's code frame.

    path:8:6: 错误[GK201] 模板占位符未替换：“XX年”
       |
     8 | 1、某区XX年政府信息公开工作报告样本 一、概述 XX年,我区深入贯彻落实…
       |       ^^^ 模板占位符
       |
       = 建议: 把占位符换成真实的年份或名称
       = 依据: 《条例》第五十条

Carets are aligned by display width (CJK characters take two cells). Long lines are cut to a
window around the span. Colours are ANSI escapes, used only when ``color`` is true.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Span
from auditor.engine import FileResult
from auditor.location import place_text
from auditor.records import record
from auditor.render import RenderContext, each_file

WINDOW_CELLS = 76

_COLORS = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[1;33m", Severity.INFO: "\033[1;36m"}
# the text output speaks the reader's language: severities and the labels of the "= …:" lines
SEVERITY_WORDS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
WHERE, NOTE, HELP, BASIS = "位置", "说明", "建议", "依据"
_BLUE, _BOLD, _DIM, _RESET = "\033[1;34m", "\033[1m", "\033[2m", "\033[0m"


# C0/C1 controls (but tab and newline), DEL, bidirectional overrides and isolates, and the lone
# surrogates that stand for the undecodable bytes of a file name
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of a non-UTF-8 file name, as Python's surrogateescape keeps it
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with control and escape characters shown as ``\\x1b``-style escapes, so that report
    text and file names cannot move the cursor, recolour or retitle the terminal."""
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def _pictured(match: re.Match[str]) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else ("\u2421" if code == 0x7F else "\ufffd")


def terminal_safe_line(line: str) -> str:
    """A source line for a code frame: each unsafe character becomes one visible symbol (the control
    pictures ␛, ␀ …, else U+FFFD), so columns and carets stay aligned."""
    return _UNSAFE.sub(_pictured, line) if _UNSAFE.search(line) else line


def cell_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(cell_width(char) for char in text)


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and text else text


@record(frozen=True)
class _Window:
    """The part of a long source line that is shown: columns [left, right) of the line."""

    shown: str
    left: int
    right: int
    shift: int  # add to a column of the line to get a column of ``shown``

    def place(self, start: int, end: int) -> tuple[int, int] | None:
        """Columns [start, end) of the line as columns of ``shown``; None when outside the window."""
        end = max(end, start + 1)
        if end <= self.left or start >= self.right:
            return None
        shown_start = max(start, self.left) + self.shift
        return shown_start, max(min(end, self.right) + self.shift, shown_start + 1)


def _window(line: str, start_column: int) -> _Window:
    """A window of ``line`` around 0-based ``start_column`` that fits WINDOW_CELLS cells."""
    line = terminal_safe_line(line.replace("\t", " "))
    if text_width(line) <= WINDOW_CELLS:
        return _Window(line, 0, len(line) + 1, 0)
    left = min(start_column, len(line))
    while left > 0 and text_width(line[left - 1 : start_column]) < WINDOW_CELLS // 3:
        left -= 1
    right = left + 1
    while right < len(line) and text_width(line[left:right + 1]) < WINDOW_CELLS:
        right += 1
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(line) else ""
    return _Window(prefix + line[left:right] + suffix, left, right, len(prefix) - left)


def _underline(shown: str, start: int, end: int, mark: str) -> str:
    pad = text_width(shown[:start])
    width = max(text_width(shown[start:end]), 1)
    return " " * pad + mark * width


def _columns(span: Span, line: str) -> tuple[int, int]:
    start = span.start.column - 1
    end = span.end.column - 1 if span.end.line == span.start.line else len(line)
    return start, max(end, start + 1)


def _frame_rows(source_lines: Sequence[str], span: Span, mark: str, label: str, paint: _Paint,
                gutter: int, code: str, window: _Window | None = None) -> tuple[list[str], _Window | None]:
    """The source row and the underline row for ``span``; with ``window`` (the primary span's, on
    the same line) only the underline row, placed in that window. Returns the window used."""
    line_no = span.start.line
    if not 1 <= line_no <= len(source_lines):
        return [], None
    line = source_lines[line_no - 1]
    start, end = _columns(span, line)
    rows: list[str] = []
    bar = paint(_BLUE, "|")
    placed = window.place(start, end) if window is not None else None
    if placed is None:
        window = _window(line, start)
        placed = window.place(start, end) or (0, 1)
        rows.append(f"{paint(_BLUE, str(line_no).rjust(gutter))} {bar} {window.shown}")
    underline = _underline(window.shown, placed[0], placed[1], mark)
    rows.append(f"{' ' * gutter} {bar} {paint(code, underline + (' ' + label if label else ''))}")
    return rows, window


def _other_file_rows(label: Label, paint: _Paint, gutter: int, code: str) -> list[str]:
    """A label in another file: ``::: path:line:col`` and its code frame (from ``label.source_line``)."""
    where = f"{label.path}:{label.span.start.line}:{label.span.start.column}"
    rows = [f"{' ' * gutter} {paint(_BLUE, ':::')} {where}"]
    lines = [""] * (label.span.start.line - 1) + label.source_line.split("\n")
    return rows + _frame_rows(lines, label.span, "-", label.message, paint, gutter, code)[0]


def describe_location(location: dict[str, object] | None) -> str:
    """Where a finding is as the clerk sees the file: 第2页 第5行, 第3段, 表1 第4行 第2列."""
    return place_text(location)


def render_diagnostic(diagnostic: Diagnostic, path: str, source_lines: Sequence[str], color: bool) -> str:
    diagnostic, path = _safe_diagnostic(diagnostic), terminal_safe(path)
    paint = _Paint(color)
    code = _COLORS[diagnostic.severity]
    where = f"{path}:{diagnostic.span.start.line}:{diagnostic.span.start.column}" if diagnostic.span else path
    head = (f"{paint(_BOLD, where)}: {paint(code, SEVERITY_WORDS[diagnostic.severity])}"
            f"{paint(_BOLD, f'[{diagnostic.rule}]')} {diagnostic.message}")
    lines = [head]
    spans = [diagnostic.span] if diagnostic.span else []
    spans += [label.span for label in diagnostic.labels]
    gutter = max((len(str(span.start.line)) for span in spans), default=1)
    if diagnostic.span and source_lines:
        bar = paint(_BLUE, "|")
        lines.append(f"{' ' * gutter} {bar}")
        rows, primary_window = _frame_rows(source_lines, diagnostic.span, "^", "", paint, gutter, code)
        for label in diagnostic.labels[:8]:
            if label.path is not None:  # evidence in another report: its own frame, under its path
                rows += _other_file_rows(label, paint, gutter, _BLUE)
                continue
            same_line = label.span.start.line == diagnostic.span.start.line
            rows += _frame_rows(source_lines, label.span, "-", label.message, paint, gutter, _BLUE,
                                primary_window if same_line else None)[0]
        if len(diagnostic.labels) > 8:
            rows.append(f"{' ' * gutter} {bar} {paint(_DIM, f'…另有 {len(diagnostic.labels) - 8} 处')}")
        lines += rows
        lines.append(f"{' ' * gutter} {bar}")
    pad = " " * gutter
    where_in_file = describe_location(diagnostic.location)
    if where_in_file:
        lines.append(f"{pad} {paint(_BLUE, '=')} {paint(_BOLD, WHERE)}: {where_in_file}")
    for note in diagnostic.notes:
        lines.append(f"{pad} {paint(_BLUE, '=')} {paint(_BOLD, NOTE)}: {note}")
    if diagnostic.help:
        lines.append(f"{pad} {paint(_BLUE, '=')} {paint(_BOLD, HELP)}: {diagnostic.help}")
    if diagnostic.basis:
        lines.append(f"{pad} {paint(_BLUE, '=')} {paint(_BOLD, BASIS)}: {diagnostic.basis}")
    return "\n".join(lines)


def _safe_diagnostic(diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with its texts made terminal-safe (messages quote the report's text)."""
    from auditor import records

    return records.replace(
        diagnostic, message=terminal_safe(diagnostic.message), help=terminal_safe(diagnostic.help),
        notes=tuple(terminal_safe(note) for note in diagnostic.notes),
        labels=tuple(records.replace(label, message=terminal_safe(label.message)) for label in diagnostic.labels))


class _Counts:
    """Files and findings by severity, counted as the results go by."""

    def __init__(self) -> None:
        self.files = 0
        self.levels = {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}

    def add(self, result: FileResult) -> None:
        self.files += 1
        for diagnostic in result.diagnostics:
            if diagnostic.severity in self.levels:
                self.levels[diagnostic.severity] += 1

    def line(self) -> str:
        return (f"{self.files} 个文件：{self.levels[Severity.ERROR]} 个错误，{self.levels[Severity.WARNING]} 个警告，"
                f"{self.levels[Severity.INFO]} 条提示")


def _file_blocks(result: FileResult, paint: _Paint, color: bool, quiet: bool) -> Iterator[str]:
    if result.report is not None and not quiet:
        report = result.report
        year = report.report_year if report.report_year is not None else "未知"
        yield paint(_DIM, f"{terminal_safe(result.path)}: 报告年度 {year}（{report.year_source}），"
                          f"格式 {report.era}（{report.era_source}）")
    source_lines = result.report.document.source_lines() if result.report and not quiet else []
    for diagnostic in result.diagnostics:
        if quiet:
            where = terminal_safe(f"{result.path}:{diagnostic.span.start.line}:{diagnostic.span.start.column}"
                                  if diagnostic.span else result.path)
            message = terminal_safe(diagnostic.message)
            yield f"{where}: {SEVERITY_WORDS[diagnostic.severity]}[{diagnostic.rule}] {message}"
        else:
            yield render_diagnostic(diagnostic, result.path, source_lines, color) + "\n"


def stream_text(results: Iterable[FileResult], context: RenderContext = RenderContext()) -> Iterator[str]:
    """The text report file by file (a file header, then one block per finding), summary last."""
    paint = _Paint(context.color)
    counts = _Counts()

    def file_text(result: FileResult, context: RenderContext) -> str:
        return "".join(block + "\n" for block in _file_blocks(result, paint, context.color, context.quiet))

    for result, text in each_file(results, context, file_text):
        counts.add(result)
        yield text
    if context.extra and context.extra.get("series") and context.rulebook is not None:
        from auditor.series import series_notes

        for note in series_notes(context.extra["series"], context.rulebook):
            yield paint(_DIM, note) + "\n"
    yield paint(_BOLD, counts.line()) + "\n"


def render_text(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    return "".join(stream_text(results, context))
