"""Renderers: pure functions from check results to text. No renderer decides what is wrong.

Every renderer is ``render_<name>(results, context) -> str`` and is registered in RENDERERS as
``"module:function"``, imported only when its format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence

from auditor.records import record, replace

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from auditor.engine import FileResult
    from auditor.rulebook import Rulebook

    Rendered = TypeVar("Rendered")

RENDERERS: dict[str, str] = {
    "text": "auditor.render.text:render_text",
    "json": "auditor.render.json:render_json",
    "jsonl": "auditor.render.jsonl:render_jsonl",
    "sarif": "auditor.render.sarif:render_sarif",
    "github": "auditor.render.github:render_github",
    "gitlab": "auditor.render.gitlab:render_gitlab",
    "junit": "auditor.render.junit:render_junit",
    "html": "auditor.render.html:render_html",
}

# formats that draw the report itself (text, outline, tables), so they need the whole Report
FULL_REPORT_FORMATS = frozenset({"html"})


@record(frozen=True, eq=False, repr=False)  # frozen: a default argument value
class RenderContext:
    """What a renderer may need besides the results."""

    color: bool = False
    quiet: bool = False
    root: str | None = None  # paths in machine formats are made relative to this (an absolute folder)
    rulebook: Rulebook | None = None
    extra: dict[str, Any] | None = None
    docs_url: str | None = None  # where ``gk-audit docs`` output is published: SARIF helpUri


def render_chunks(format_name: str, results: Sequence[FileResult], context: RenderContext) -> Iterator[str]:
    """The rendered output in pieces: a renderer module may offer ``stream_<name>`` for large runs.

    One file's results never stop the output: a file whose rendering raises is replaced by an
    internal-error result (GK004) naming the failure (a streaming renderer renders each file once,
    through ``each_file``; another renderer, when the whole output failed, renders each file alone
    to find the failing ones). Text that UTF-8 cannot hold (the undecodable bytes of a file name) is
    written as ``\\xff``."""
    module_name, _, function_name = RENDERERS[format_name].partition(":")
    module = importlib.import_module(module_name)
    renderer = getattr(module, function_name)
    streamer = getattr(module, function_name.replace("render_", "stream_", 1), None)
    if streamer is not None:  # output goes out as it is made
        chunks = streamer(results, context)
    else:
        try:
            chunks = iter([renderer(results, context)])
        except Exception:
            chunks = iter([renderer(_renderable(renderer, results, context), context)])
    for chunk in chunks:
        yield encodable(chunk)


def each_file(results: Iterable[FileResult], context: RenderContext,
              render_file: Callable[[FileResult, RenderContext], Rendered]) -> Iterator[tuple[FileResult, Rendered]]:
    """(result, its rendering) for each file, rendered once; a file ``render_file`` fails on is
    replaced by an internal-error result (GK004) naming the failure, rendered instead."""
    from auditor.engine import describe_failure, internal_error_result

    for result in results:
        try:
            yield result, render_file(result, context)
        except Exception as error:
            repaired = internal_error_result(result.path, describe_failure(error, "输出结果"), context.rulebook)
            yield repaired, render_file(repaired, context)


def _renderable(renderer: Callable[[Sequence[FileResult], RenderContext], str], results: Sequence[FileResult],
                context: RenderContext) -> Sequence[FileResult]:
    """``results``, each one that its renderer fails on replaced by an internal-error result."""
    from auditor.engine import describe_failure, internal_error_result

    repaired = list(results)
    # each file alone, without the run-wide sections (series, baseline): those are rendered once, and
    # repeating them per file made a large run quadratic
    alone = replace(context, extra=None)
    for index, result in enumerate(repaired):
        try:
            renderer([result], alone)
        except Exception as error:
            reason = describe_failure(error, "输出结果")
            repaired[index] = internal_error_result(result.path, reason, context.rulebook)
    return repaired


def encodable(text: str) -> str:
    """``text`` as UTF-8 can hold it: a lone surrogate (an undecodable file-name byte) is escaped."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(f"\\x{ord(char) - 0xDC00:02x}" if 0xDC80 <= ord(char) <= 0xDCFF
                       else f"\\u{ord(char):04x}" if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)
    return text


def render(format_name: str, results: Sequence[FileResult], context: RenderContext) -> str:
    module_name, _, function_name = RENDERERS[format_name].partition(":")
    renderer: Callable[[Sequence[FileResult], RenderContext], str] = getattr(
        importlib.import_module(module_name), function_name)
    return renderer(results, context)
