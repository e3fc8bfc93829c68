"""A crawler's or CMS's key–value block above the report: metadata, not report text.

``标题: …`` / ``发布时间: …`` / ``栏目: …`` / ``原文链接: …`` lines (the keys are the rulebook's
``detection.preamble.keys``) at the very top, optionally closed by a rule line such as
``==== 正文 ====``. It counts as a preamble when it has two key lines, or one key line and the rule.
The value of a title key (``标题``) is kept as a hint for the report's title and year.
"""

from __future__ import annotations

from auditor.document import Document
from auditor.records import record
from auditor.structure.detection import Detection


@record(eq=False, repr=False)
class Preamble:
    """Lines ``first``..``last`` (0-based, inclusive) are metadata; ``start``..``end`` their offsets.
    ``title_start``..``title_end``: the value of the title key, when there is one."""

    first: int
    last: int
    start: int
    end: int
    title_start: int | None = None
    title_end: int | None = None

    def contains_line(self, index: int) -> bool:
        return self.first <= index <= self.last

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end


def find_preamble(document: Document, detection: Detection) -> Preamble | None:
    settings = detection.preamble
    if settings is None:
        return None
    first: int | None = None
    last = -1
    key_lines = 0
    closed = False
    title: tuple[int, int] | None = None
    for line in document.all_lines[: settings.max_lines]:
        text = line.folded.strip()
        if not text:
            continue
        match = settings.line.match(line.folded)
        if match is not None:
            first = line.number - 1 if first is None else first
            last, key_lines = line.number - 1, key_lines + 1
            if title is None and match.group("key") in settings.title_keys and match.group("value"):
                title = (line.start + match.start("value"), line.start + match.end("value"))
            continue
        if settings.rule is not None and settings.rule.match(text) and key_lines:
            first = line.number - 1 if first is None else first
            last, closed = line.number - 1, True
        break
    if first is None or not (key_lines >= 2 or (key_lines and closed)):
        return None
    end_line = document.line(last)
    return Preamble(first, last, document.line(first).start, end_line.end + 1,
                    title[0] if title else None, title[1] if title else None)
