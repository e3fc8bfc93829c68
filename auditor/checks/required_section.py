"""kind: required_section — the parts a report must have, in order.

Each entry of ``sections`` is met by a heading (any level, outside tables) whose text after the
ordinal matches one of its ``headings`` patterns, **or** by text anywhere outside tables that
matches one of its ``content`` patterns: old-format reports had no fixed headings and often
report a requirement inside another part (fees under 六、工作人员和支出情况（一）). A missing
section gets one diagnostic naming it in full; with ``ordered: true`` a section heading that comes
before one listed earlier gets an ``order_message`` diagnostic.

Parameters:
    sections: list of (required):
        key:      short name, e.g. ``依申请公开``; ``{section}`` in messages.
        title:    the requirement in full, e.g. the item of 第三十二条; ``{title}`` in messages.
        headings: regexes matched against a heading's text (folded, without the ordinal).
        content:  regexes that, found in the body outside tables, also meet the requirement.
        severity: overrides the rule's severity for this section (e.g. warning for 其他事项).
    heading_levels: only headings of these levels meet a section (default: any level).
    ordered:       check that the headings found come in the listed order (default false).
    order_message: message template for an out-of-order heading (fields ``{section}``, ``{title}``,
                   ``{previous}``: the section it should follow).
    near_titles:   a heading with the ordinal of a section's ``title`` whose text is within
                   ``max_edits`` edits of the title's text (``二、主动公开政府信心情况``) meets the
                   section, with one ``message`` finding at ``severity`` naming the difference
                   (fields ``{heading}``, ``{title}``, ``{difference}``: each change written with
                   ``change``, fields ``{found}`` and ``{expected}``). A heading met by a ``headings``
                   pattern is named too when it differs from the title by one substituted character
                   or its marker ends in none of ``separators`` (``四，``, ``四政府…``; default ``、``).
                   Keys: ``max_edits`` (default 2), ``message``, ``change``, ``missing`` and ``extra``
                   (a character left out or added; default ``change``), ``severity`` (default warning),
                   ``help`` (default the rule's).
    texts:         the wording the kind puts into messages and labels (the built-in rules give all):
                   ``before``  ``{position}`` of a missing part when a later part was found
                               (fields ``{place}``, ``{heading}``: where that part is, as the user
                               sees the file (``第55行`` of a text file, ``第12段`` of a Word file,
                               ``第3页 第5行`` of a PDF), and its heading; ``{line}``: its line in the
                               extracted text; ``应在{place}“{heading}”之前``);
                   ``absent``  ``{position}`` when no later part was found (报告中没有这一部分);
                   ``previous`` the label on the heading an out-of-order one should follow
                               (field ``{previous}``; ``“{previous}”在这里``).
                   Omitted texts, and an omitted ``order_message``, fall back to the bare values
                   (``{line}:{heading}``, nothing, ``{previous}``, ``{section} {previous}``).
Message fields: ``{section}``, ``{title}``, ``{position}`` (where the part should go).

A misspelt part heading is that part, never "missing": ``四、政府信息公开行政附议、行政诉讼情况``
meets 四 with one warning (“附”应为“复”).

Fails on an old-format report with no part or sentence on fees (收费及减免); passes when a
heading ``四、政府信息公开的收费及减免情况`` or a sentence like ``未收取任何费用`` is present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.checks import compile_any, compile_patterns, emit, render_template
from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.location import place_of
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.structure.numerals import ordinal_value
from auditor.structure.outline import Heading

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "required_section"
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["sections"],
    "properties": {
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "title", "headings"],
                "properties": {
                    "key": {"type": "string"},
                    "title": {"type": "string"},
                    "headings": {"type": "array", "items": {"type": "string"}},
                    "content": {"type": "array", "items": {"type": "string"}},
                    "severity": {"enum": ["error", "warning", "info"]},
                },
            },
        },
        "heading_levels": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "ordered": {"type": "boolean"},
        "order_message": {"type": "string"},
        "texts": {
            "type": "object", "additionalProperties": False,
            "properties": {name: {"type": "string"} for name in ("before", "absent", "previous")},
        },
        "near_titles": {
            "type": "object", "additionalProperties": False, "required": ["message"],
            "properties": {
                "max_edits": {"type": "integer", "minimum": 1, "maximum": 4},
                "message": {"type": "string"},
                "change": {"type": "string"},
                "separators": {"type": "array", "items": {"type": "string"}},
                "missing": {"type": "string"},
                "extra": {"type": "string"},
                "help": {"type": "string"},
                "severity": {"enum": ["error", "warning", "info"]},
            },
        },
    },
}
# language-free fallbacks for texts a rulebook omits
FALLBACK_TEXTS = {"before": "{line}:{heading}", "absent": "", "previous": "{previous}"}
FALLBACK_ORDER_MESSAGE = "{section} {previous}"


@record(eq=False, repr=False)
class Section:
    """One required section: its key, title, heading and content patterns and severity."""
    key: str
    title: str
    headings: tuple[re.Pattern[str], ...]
    content: tuple[re.Pattern[str], ...]
    severity: Severity | None


@record(eq=False, repr=False)
class NearTitles:
    """How near-miss section titles are reported: the edit limit and the texts."""
    max_edits: int
    message: str
    change: str
    severity: Severity
    help: str | None = None
    missing: str | None = None
    extra: str | None = None
    separators: tuple[str, ...] = ("、",)


@record(eq=False, repr=False)
class Compiled:
    """A required_section rule's parameters: its sections, heading levels, order and texts."""
    sections: tuple[Section, ...]
    heading_levels: frozenset[int]
    ordered: bool
    order_message: str
    texts: dict[str, str]
    near_titles: NearTitles | None = None


def prepare(params: dict[str, Any]) -> Compiled:
    sections = tuple(
        Section(
            key=entry["key"], title=entry["title"],
            headings=tuple(compile_any(entry["headings"], ("sections", index, "headings"))),  # (one search a heading)
            content=tuple(compile_patterns(entry.get("content", []), ("sections", index, "content"))),
            severity=Severity.parse(entry["severity"]) if "severity" in entry else None,
        )
        for index, entry in enumerate(params["sections"])
    )
    near = params.get("near_titles")
    near_titles = None if near is None else NearTitles(
        int(near.get("max_edits", 2)), near["message"], near.get("change", "{found}>{expected}"),
        Severity.parse(near.get("severity", "warning")), near.get("help"), near.get("missing"), near.get("extra"),
        tuple(near.get("separators", ("、",))))
    return Compiled(sections, frozenset(params.get("heading_levels", ())), bool(params.get("ordered", False)),
                    params.get("order_message", FALLBACK_ORDER_MESSAGE), {**FALLBACK_TEXTS, **params.get("texts", {})},
                    near_titles)


def _heading_text(report: Report, heading: Heading) -> str:
    return report.document.folded[heading.marker_end:heading.title_end].strip()


def _headings(report: Report, levels: frozenset[int]) -> list[tuple[Heading, str]]:
    """The report's headings of ``levels`` (all when empty) with their texts, once per report."""
    key = ("required_section.headings", levels)
    found: list[tuple[Heading, str]] | None = report.cache.get(key)
    if found is None:
        found = [(heading, _heading_text(report, heading)) for heading in report.outline
                 if not levels or heading.level in levels]
        report.cache[key] = found
    return found


def _find_heading(report: Report, section: Section, levels: frozenset[int]) -> Heading | None:
    for heading, text in _headings(report, levels):
        for pattern in section.headings:
            if pattern.search(text):
                return heading
    return None


def _covered_by_content(report: Report, section: Section) -> bool:
    folded = report.document.folded
    for pattern in section.content:
        for match in pattern.finditer(folded):
            if not report.in_table(match.start()):
                return True
    return False


def _statutory(report: Report, title: str) -> tuple[int, str, str] | None:
    """(ordinal, marker, text after the marker) of a section's statutory title such as ``四、政府信息公开…``."""
    for pattern in report.detection.headings:
        match = pattern.pattern.match(title)
        if match is not None:
            ordinal = ordinal_value(match.group("ordinal"), pattern.numeral)
            marker = title[match.start("ordinal"):match.end()].strip()
            return (ordinal, marker, title[match.end():].strip()) if ordinal is not None else None
    return None


def _edits(found: str, expected: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(expected) + 1))
    for row, char in enumerate(found, 1):
        current = [row]
        for column, other in enumerate(expected, 1):
            current.append(min(previous[column] + 1, current[column - 1] + 1,
                               previous[column - 1] + (char != other)))
        previous = current
    return previous[-1]


def _one_substitution(found: str, expected: str) -> bool:
    """Whether two texts of the same length differ in exactly one character (edit distance 1)."""
    return len(found) == len(expected) and found != expected and \
        sum(1 for a, b in zip(found, expected, strict=True) if a != b) == 1


def _near(found: str, expected: str, max_edits: int) -> bool:
    """``0 < _edits(found, expected) <= max_edits``; the distance is at least the difference in
    length, so most headings are told apart without computing it."""
    if found == expected or abs(len(found) - len(expected)) > max_edits:
        return False
    return _edits(found, expected) <= max_edits


def _near_heading(report: Report, section: Section, near: NearTitles, levels: frozenset[int],
                  taken: set[int]) -> Heading | None:
    statutory = _statutory(report, section.title)
    if statutory is None:
        return None
    ordinal, _marker, expected = statutory
    for heading in report.outline:
        if heading.index in taken or heading.ordinal != ordinal or (levels and heading.level not in levels):
            continue
        if _near(_heading_text(report, heading), expected, near.max_edits):
            return heading
    return None


def _difference(found: str, expected: str, near: NearTitles) -> str:
    import difflib  # only when a heading is misspelt: not on every start

    templates = {"replace": near.change, "insert": near.missing or near.change, "delete": near.extra or near.change}
    matcher = difflib.SequenceMatcher(None, found, expected, autojunk=False)
    return "，".join(render_template(templates[tag], {"found": found[low:high],
                                                      "expected": expected[other_low:other_high]})
                    for tag, low, high, other_low, other_high in matcher.get_opcodes() if tag != "equal")


def _misspelt(report: Report, section: Section, heading: Heading, near: NearTitles, fuzzy: bool) -> bool:
    """A heading found by its near title, one whose marker ends in no accepted separator (``四，``),
    or a pattern-found one that differs from the title by one substitution."""
    statutory = _statutory(report, section.title)
    if statutory is None or statutory[0] != heading.ordinal:
        return False
    text = _heading_text(report, heading)
    if fuzzy or not "".join(heading.marker.split()).endswith(near.separators):
        return True
    return _one_substitution(text, statutory[2])


def _typo(rule: Rule, report: Report, section: Section, heading: Heading, near: NearTitles) -> Diagnostic:
    document = report.document
    statutory = _statutory(report, section.title)
    assert statutory is not None
    found = "".join(heading.marker.split()) + _heading_text(report, heading)
    values = {"section": section.key, "title": section.title, "heading": found,
              "difference": _difference(found, statutory[1] + statutory[2], near), "position": ""}
    diagnostic = emit(rule, report.era, document.span(heading.start, heading.title_end), values,
                      severity=near.severity)
    changed = {"message": render_template(near.message, values)}
    if near.help is not None:
        changed["help"] = render_template(near.help, values)
    return Diagnostic(**{**diagnostic.__dict__, **changed})


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    document = report.document
    found = [_find_heading(report, section, compiled.heading_levels) for section in compiled.sections]
    near = compiled.near_titles
    if near is not None:
        taken = {heading.index for heading in found if heading is not None}
        for position, section in enumerate(compiled.sections):
            fuzzy = found[position] is None and not _covered_by_content(report, section)
            if fuzzy:
                found[position] = _near_heading(report, section, near, compiled.heading_levels, taken)
            heading = found[position]
            if heading is not None and _misspelt(report, section, heading, near, fuzzy):
                taken.add(heading.index)
                yield _typo(rule, report, section, heading, near)
    for position, (section, heading) in enumerate(zip(compiled.sections, found, strict=True)):
        if heading is not None or _covered_by_content(report, section):
            continue
        following = next((later for later in found[position + 1:] if later is not None), None)
        if following is not None:
            span = document.span(following.start, following.marker_end)
            where = render_template(compiled.texts["before"], {
                "line": following.line_index + 1, "place": place_of(document, following.start),
                "heading": f"{following.marker}{following.title}"})
        else:
            end = len(document.text.rstrip())
            span = document.span(max(end - 1, 0), end)
            where = compiled.texts["absent"]
        yield emit(rule, report.era, span, {"section": section.key, "title": section.title, "position": where},
                   severity=section.severity)
    if compiled.ordered:
        yield from _order(rule, report, compiled, found)


def _order(rule: Rule, report: Report, compiled: Compiled, found: list[Heading | None]) -> Iterator[Diagnostic]:
    document = report.document
    latest: tuple[Section, Heading] | None = None
    for section, heading in zip(compiled.sections, found, strict=True):
        if heading is None:
            continue
        if latest is not None and heading.line_index < latest[1].line_index:
            values = {"section": section.key, "title": section.title, "previous": latest[0].key}
            message = render_template(compiled.order_message, values)
            label = Label(document.span(latest[1].start, latest[1].end),
                          render_template(compiled.texts["previous"], values))
            diagnostic = emit(rule, report.era, document.span(heading.start, heading.end), values, labels=[label])
            yield Diagnostic(**{**diagnostic.__dict__, "message": message})
        else:
            latest = (section, heading)
