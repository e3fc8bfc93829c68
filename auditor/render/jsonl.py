"""The JSON Lines renderer: one diagnostic per line, each with its file path and fingerprint.

Made for ``grep``/``jq`` pipelines and for loading findings into a table: no envelope, no summary.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from auditor.engine import FileResult
from auditor.fingerprint import result_fingerprints
from auditor.render import RenderContext, each_file
from auditor.render.machine import relative_path
from auditor.render.place import diagnostic_json


def _file_lines(result: FileResult, context: RenderContext) -> str:
    path = relative_path(result.path, context.root)
    return "".join(json.dumps({"path": path, **diagnostic_json(diagnostic), "fingerprint": fingerprint},
                              ensure_ascii=False) + "\n"
                   for diagnostic, fingerprint in zip(result.diagnostics, result_fingerprints(result), strict=True))


def stream_jsonl(results: Iterable[FileResult], context: RenderContext = RenderContext()) -> Iterator[str]:
    """The lines of each file in turn, as the results go by."""
    for _, lines in each_file(results, context, _file_lines):
        yield lines


def render_jsonl(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    return "".join(stream_jsonl(results, context))
