"""The GitHub Actions renderer: workflow commands that become annotations on the pull request.

    ::error file=reports/a.txt,line=8,col=6,endLine=8,endColumn=9,title=GK201 placeholder-left::模板占位符未替换

GitHub shows only the first 10 annotations of each kind per step, so the most severe come first.
Property values escape ``%``, CR, LF, ``:`` and ``,``; the message escapes ``%``, CR and LF.
``step_summary`` gives the Markdown table of every finding that the CLI appends to
``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from auditor.diagnostics import Diagnostic, Severity
from auditor.engine import FileResult
from auditor.render import RenderContext, each_file
from auditor.render.machine import by_severity, relative_path
from auditor.render.place import file_position, lines_are_extracted, place_text

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    from auditor.render.text import terminal_safe  # other control characters shown escaped, not raw

    return terminal_safe(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(path: str, diagnostic: Diagnostic) -> str:
    fields = [("file", path)]
    span = diagnostic.span
    if span is not None and not lines_are_extracted(diagnostic.location):
        fields += [("line", str(span.start.line)), ("col", str(span.start.column)),
                   ("endLine", str(span.end.line)), ("endColumn", str(span.end.column))]
    fields.append(("title", f"{diagnostic.rule} {diagnostic.name}"))
    return ",".join(f"{key}={escape_property(value)}" for key, value in fields)


def workflow_command(path: str, diagnostic: Diagnostic) -> str:
    place = place_text(diagnostic.location)
    message = (f"{place}：" if place else "") + diagnostic.message + (f"\n{diagnostic.help}" if diagnostic.help else "")
    return f"::{COMMANDS[diagnostic.severity]} {_properties(path, diagnostic)}::{escape_data(message)}"


def _file_commands(result: FileResult, context: RenderContext) -> dict[Severity, str]:
    path = relative_path(result.path, context.root)
    by_level: dict[Severity, list[str]] = {}
    for diagnostic in result.diagnostics:
        by_level.setdefault(diagnostic.severity, []).append(workflow_command(path, diagnostic) + "\n")
    return {level: "".join(lines) for level, lines in by_level.items()}


def stream_github(results: Iterable[FileResult], context: RenderContext = RenderContext()) -> Iterator[str]:
    """Workflow commands, most severe first and in input order otherwise: the most severe level's
    go out as the results go by, the others wait in temporary files (in memory while small)."""
    import tempfile
    from contextlib import ExitStack

    top = max(Severity)
    with ExitStack() as spools:
        waiting = {level: spools.enter_context(tempfile.SpooledTemporaryFile(
                       max_size=1 << 22, mode="w+", encoding="utf-8", errors="surrogatepass"))
                   for level in Severity if level != top}
        for _, commands in each_file(results, context, _file_commands):
            for level, text in commands.items():
                if level == top:
                    yield text
                else:
                    waiting[level].write(text)
        for level in sorted(waiting, reverse=True):
            waiting[level].seek(0)
            while chunk := waiting[level].read(1 << 16):
                yield chunk


def render_github(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    return "".join(stream_github(results, context))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def step_summary(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    """A Markdown section with every finding, most severe first (for ``$GITHUB_STEP_SUMMARY``)."""
    pairs = by_severity(results)
    counts = {level: sum(1 for _, item in pairs if item.severity == level) for level in Severity}
    lines = ["## gk-audit", "",
             f"{len(results)} 个文件：{counts[Severity.ERROR]} 个错误，{counts[Severity.WARNING]} 个警告，"
             f"{counts[Severity.INFO]} 条提示", ""]
    if pairs:
        lines += ["| 级别 | 规则 | 位置 | 问题 |", "| --- | --- | --- | --- |"]
        for result, diagnostic in pairs:
            where = file_position(relative_path(result.path, context.root), diagnostic)
            lines.append(f"| {diagnostic.severity.label} | {diagnostic.rule} {diagnostic.name} | "
                         f"`{_cell(where)}` | {_cell(diagnostic.message)} |")
    return "\n".join(lines) + "\n"
