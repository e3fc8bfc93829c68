"""The JSON Lines renderer: one diagnostic per line, each with its file path and fingerprint.

Made for ``grep``/``jq`` pipelines and for loading findings into a table: no envelope, no summary.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from auditor.engine import FileResult
from auditor.fingerprint import result_fingerprints
from auditor.render import RenderContext
from auditor.render.machine import relative_path
from auditor.render.place import diagnostic_json


def render_jsonl(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    lines: list[str] = []
    for result in results:
        path = relative_path(result.path, context.root)
        for diagnostic, fingerprint in zip(result.diagnostics, result_fingerprints(result), strict=True):
            record = {"path": path, **diagnostic_json(diagnostic), "fingerprint": fingerprint}
            lines.append(json.dumps(record, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)
