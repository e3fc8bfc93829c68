"""kind: section_body — a required part that is there in name only.

For every top-level part whose heading title matches one of ``sections``, the text under the heading
(up to the next heading of the same or a higher level; tables excluded) is read. The part is
*empty* when that text is blank or matches ``empty`` as a whole (``无``, ``暂无。``), and *boilerplate*
when, once every ``boilerplate`` match is taken out, fewer than ``min_chars`` Han characters are left
(a bare "存在的问题：无。改进措施：继续做好。" says nothing about this year). One finding per part, at its
heading.

Parameters:
    sections:   regexes (required) matched against the top-level heading titles (folded).
    empty:      regex (required); the whole part text matching it is an empty part.
    boilerplate: regexes; stock phrases taken out before counting what is left.
    min_chars:  Han characters that must remain (default 15).
    texts:      ``empty`` and ``boilerplate``: the ``{problem}`` of the message for each case.
Message fields: {heading} (the heading as written), {problem}, {body} (the part's text, cut to 30).

Example (GK105 empty-part)::

    sections: ['存在.{0,6}问题|改进']
    empty: '^\\s*(?:无|暂无)\\s*。?\\s*$'

fails on ``五、存在的主要问题及改进情况`` followed by ``无。``; passes when the part names a problem and a
measure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from auditor import regexcache
from auditor.checks import compile_any, compile_patterns, emit
from auditor.diagnostics import Diagnostic
from auditor.document import Line
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.textscan import TextIndex, ruled_out

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "section_body"
HAN = regexcache.compile(r"[\u3400-\u9fff]")
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["sections", "empty"],
    "properties": {
        "sections": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "empty": {"type": "string"},
        "boilerplate": {"type": "array", "items": {"type": "string"}},
        "min_chars": {"type": "integer", "minimum": 1},
        "texts": {"type": "object", "additionalProperties": False,
                  "properties": {"empty": {"type": "string"}, "boilerplate": {"type": "string"}}},
    },
}


@record(eq=False, repr=False)
class Compiled:
    """A section_body rule's parameters: the sections, the empty and boilerplate patterns, the minimum length."""
    sections: tuple[re.Pattern[str], ...]
    empty: re.Pattern[str]
    boilerplate: tuple[re.Pattern[str], ...]
    min_chars: int
    texts: dict[str, str]


def prepare(params: dict[str, Any]) -> Compiled:
    return Compiled(
        sections=tuple(compile_any(params["sections"], ("sections",))),  # one search a heading
        empty=compile_patterns(params["empty"], ("empty",))[0],
        boilerplate=tuple(compile_patterns(params.get("boilerplate", []), ("boilerplate",))),
        min_chars=int(params.get("min_chars", 15)),
        texts={"empty": "", "boilerplate": "", **params.get("texts", {})},
    )


def _body_lines(report: Report, start: int, end: int) -> list[Line]:
    """The part's lines without its heading line and without table lines."""
    document = report.document
    first = document.line_index_of(start) + 1
    last = document.line_index_of(max(start, end - 1))
    return [line for line in document.all_lines[first:last + 1]
            if line.start < end and not report.line_in_table(line.number - 1)]


def _problem(compiled: Compiled, body: str) -> str | None:
    if not body.strip() or compiled.empty.fullmatch(body.strip()):
        return "empty"
    rest = body
    index = TextIndex(rest)
    for pattern in compiled.boilerplate:
        # a pattern whose words are absent, or whose anchor gate finds nothing, would change nothing
        # (auditor.textscan; a sub tries a pattern opening with optional words at most positions)
        if not ruled_out(index, pattern):
            rest = pattern.sub("", rest)
            if rest is not index.text:
                index = TextIndex(rest)
    # counting stops at min_chars: only whether the rest has that many Han characters matters
    return "boilerplate" if sum(1 for _ in islice(HAN.finditer(rest), compiled.min_chars)) < compiled.min_chars \
        else None


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    document = report.document
    for heading in report.outline:
        if heading.level != 1 or not any(pattern.search(heading.title) for pattern in compiled.sections):
            continue
        start, end = report.section_range(heading)
        lines = _body_lines(report, start, end)
        problem = _problem(compiled, "\n".join(line.folded for line in lines))
        if problem is None:
            continue
        shown = " ".join(" ".join(line.text for line in lines).split())
        yield emit(rule, report.era, document.span(heading.start, heading.end), {
            "heading": document.text[heading.start:heading.end].strip(), "problem": compiled.texts[problem],
            "body": shown if len(shown) <= 30 else shown[:29] + "…"})
