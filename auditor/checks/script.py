"""kind: script — a report written mostly in traditional characters.

Mainland reports are published in simplified characters; one in traditional script was usually
reposted through a traditional-character gateway or encyclopedia, and should be checked against
the original. Counts the Han characters that fold to a different simplified character.

Parameters:
    threshold: share of Han characters that are traditional, from 0 to 1 (default 0.05).
    min_han:   fewest Han characters a text must have to be judged (default 200).
Message fields: ``{share}`` (percent), ``{count}``, ``{total}``.

Fails on ``政府信息公開工作年度報告 … 我縣認真貫徹落實《條例》…`` (long enough); passes on the same
text in simplified characters.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.checks import emit
from auditor.diagnostics import Diagnostic
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.textfold import han_runs, traditional_count

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "script"
PARAMS_SCHEMA: dict[str, Any] = {
    "properties": {
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "min_han": {"type": "integer", "minimum": 1},
    },
}


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    document = report.document
    min_han, threshold = rule.params.get("min_han", 200), rule.params.get("threshold", 0.05)
    changed = traditional_count(document.text)
    han = 0
    for run in han_runs(document.text):
        han += run.end() - run.start()
        # more Han characters only lower the share: once it is below the threshold, stop counting
        # (a simplified report is settled within its first few hundred characters)
        if changed / han < threshold:
            return
    if han < min_han or changed / han < threshold:
        return
    first_changed = next(index for index, (raw, folded) in enumerate(zip(document.text, document.folded, strict=True))
                         if raw != folded and "\u3400" <= raw <= "\u9fff")
    line = document.line(document.line_index_of(first_changed))
    yield emit(rule, report.era, document.line_span(line),
               {"share": f"{100 * changed / han:.0f}", "count": changed, "total": han})
