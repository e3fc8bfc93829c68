"""Renderers: pure functions from check results to text. No renderer decides what is wrong.

Every renderer is ``render_<name>(results, context) -> str`` and is registered in RENDERERS as
``"module:function"``, imported only when its format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.engine import FileResult
    from auditor.rulebook import Rulebook

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


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may need besides the results."""

    color: bool = False
    quiet: bool = False
    root: Path | None = None  # paths in machine formats are made relative to this
    rulebook: Rulebook | None = None
    extra: dict[str, Any] | None = None
    docs_url: str | None = None  # where ``gk-audit docs`` output is published: SARIF helpUri


def render_chunks(format_name: str, results: Sequence[FileResult], context: RenderContext) -> Iterator[str]:
    """The rendered output in pieces: a renderer module may offer ``stream_<name>`` for large runs."""
    module_name, _, function_name = RENDERERS[format_name].partition(":")
    module = importlib.import_module(module_name)
    streamer = getattr(module, function_name.replace("render_", "stream_", 1), None)
    if streamer is not None:
        yield from streamer(results, context)
    else:
        yield getattr(module, function_name)(results, context)


def render(format_name: str, results: Sequence[FileResult], context: RenderContext) -> str:
    module_name, _, function_name = RENDERERS[format_name].partition(":")
    renderer: Callable[[Sequence[FileResult], RenderContext], str] = getattr(
        importlib.import_module(module_name), function_name)
    return renderer(results, context)
