"""kind: breakdown — "共N条，其中A条、B条……": the parts of a stated total must fit in it.

Finds, in the prose outside tables, a total followed by ``其中`` and the parts listed after it in
the same sentence, all with the total's unit (a part in another unit, such as ``100%``, is not a
part). Two modes, one rule each:

* ``exceeds``: the parts add up to more than the total (an arithmetic error);
* ``short``: the parts add up to less than the total and the list is not open-ended, i.e. it has
  no ``等`` after the last part and no part named ``其他`` (an omission, a warning).

Parameters:
    mode:      ``exceeds`` or ``short`` (required).
    total:     regex for the total; ``{number}`` is the number, ``{unit}`` the unit; it must be
               followed by ``opening`` (default: ``共{number}\\s*{unit}``-like patterns from the rulebook).
    opening:   regex that opens the list of parts, right after the total (e.g. ``^[,:]?\\s*其中[:,]?``).
    units:     the units a total and its parts may carry (longest first is not required).
    open_ended: regexes; when one matches the listed parts (``等``, ``其他``), ``short`` stays silent.
    stop:      regex that ends the list early (e.g. a second ``其中``, ``均``).
    brackets:  ``[open, close]``: when the opening contains ``open`` (``（其中…）``), the list ends at
               the first ``close`` after it.
    window:    characters after the opening searched for parts (default 300).
    list_end:  the characters that end the sentence, and so the list of parts (folded text; the
               built-in rules give ``。!?`` and the line break; a list runs on through ``;`` and
               ``,``). Default: the line break only.
Message fields: {total} {unit} {parts} {parts_terms} {difference} {count}.

Example (GK822 breakdown-exceeds)::

    mode: exceeds
    total: '(?:共|累计|合计)[^。;,]{0,20}?{number}\\s*{unit}'

fails on "共接受群众咨询5689人次，其中现场咨询3460人次，电话咨询2329人次" (5789 > 5689); passes
on "…电话咨询2229人次".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from auditor import regexcache
from auditor.checks import compile_patterns, emit
from auditor.checks.identity import number_text
from auditor.checks.narrative import NUMBER, parse_number, sentence_bounds
from auditor.diagnostics import Diagnostic, Label
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report
from auditor.textscan import finditer_ending_in, may_match, start_windows

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "breakdown"
FALLBACK_LIST_END = "\n"  # language-free: the rulebook names its sentence ends
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["mode", "total", "opening", "units"],
    "properties": {
        "mode": {"enum": ["exceeds", "short"]},
        "total": {"type": "string"},
        "opening": {"type": "string"},
        "units": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "open_ended": {"type": "array", "items": {"type": "string"}},
        "stop": {"type": "string"},
        "brackets": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 2, "maxItems": 2},
        "window": {"type": "integer", "minimum": 10},
        "list_end": {"type": "string", "minLength": 1},
    },
}


@record(eq=False, repr=False)
class Compiled:
    """A breakdown rule's parameters, its patterns compiled."""
    mode: str
    total: re.Pattern[str]
    opening: re.Pattern[str]
    part: re.Pattern[str]
    open_ended: tuple[re.Pattern[str], ...]
    stop: re.Pattern[str] | None
    window: int
    list_end: str
    brackets: tuple[str, str] | None = None


def _unit_group(units: list[str]) -> str:
    return "(?P<unit>" + "|".join(re.escape(unit) for unit in sorted(units, key=len, reverse=True)) + ")"


def prepare(params: dict[str, Any]) -> Compiled:
    unit = _unit_group(params["units"])
    total = params["total"].replace("{number}", NUMBER).replace("{unit}", unit)
    stop = params.get("stop")
    return Compiled(
        mode=params["mode"],
        total=compile_patterns(total, ("total",))[0],
        opening=compile_patterns(params["opening"], ("opening",))[0],
        part=regexcache.compile(NUMBER + r"\s*" + unit),
        open_ended=tuple(compile_patterns(params.get("open_ended", []), ("open_ended",))),
        stop=compile_patterns(stop, ("stop",))[0] if stop else None,
        window=int(params.get("window", 300)),
        list_end=params.get("list_end", FALLBACK_LIST_END),
        brackets=(params["brackets"][0], params["brackets"][1]) if "brackets" in params else None,
    )


@record(eq=False, repr=False)
class Part:
    """One listed part: its span in the folded text and its value."""
    start: int
    end: int
    value: Decimal


@record(eq=False, repr=False)
class Breakdown:
    """A stated total, its unit and the parts listed after it, with their spans in the folded text."""
    total_start: int
    total_end: int
    total: Decimal
    unit: str
    parts: tuple[Part, ...]
    list_start: int  # the listed parts run from here to list_end in the folded text
    list_end: int


def _parts(folded: str, start: int, end: int, unit: str, compiled: Compiled) -> list[Part]:
    parts = []
    for match in compiled.part.finditer(folded, start, end):
        if match.group("unit") != unit:
            continue
        value = parse_number(match.group("number"))
        if value is not None:
            parts.append(Part(match.start("number"), match.end("number"), value))
    return parts


def _list_end(folded: str, start: int, end: int, compiled: Compiled) -> int:
    """Where the parts end: a ``stop`` match, or the total of the next breakdown."""
    if compiled.stop is not None:
        stop = compiled.stop.search(folded, start, end)
        end = stop.start() if stop else end
    for match in compiled.total.finditer(folded, start, end):
        if compiled.opening.match(folded, match.end()):
            return match.start()
    return end


def _bracket_end(folded: str, opening: re.Match[str], end: int, compiled: Compiled) -> int:
    """A list opened inside brackets ends at the closing bracket."""
    if compiled.brackets is None or compiled.brackets[0] not in opening.group(0):
        return end
    close = folded.find(compiled.brackets[1], opening.end(), end)
    return close if close != -1 else end


def _breakdowns(report: Report, compiled: Compiled) -> Iterator[Breakdown]:
    folded = report.document.folded
    words = report.document.index
    if not may_match(words, compiled.opening) or not may_match(words, compiled.total):
        return  # no list can open ("其中" is nowhere), or no total: no breakdown
    # only the totals an opening may follow: those ending where one can start (a report has a
    # hundred numbers with a unit and a few 其中), when textscan knows where that is
    windows = start_windows(words, compiled.opening)
    totals = compiled.total.finditer(folded) if windows is None else finditer_ending_in(words, compiled.total, windows)
    for match in totals:
        opening = compiled.opening.match(folded, match.end())
        if opening is None or report.in_table(match.start()):
            continue
        _, sentence_end = sentence_bounds(folded, opening.end(), opening.end(), compiled.list_end)
        end = min(sentence_end, opening.end() + compiled.window)
        end = _list_end(folded, opening.end(), end, compiled)
        end = _bracket_end(folded, opening, end, compiled)
        total = parse_number(match.group("number"))
        parts = _parts(folded, opening.end(), end, match.group("unit"), compiled)
        if total is None or len(parts) < 2:
            continue
        yield Breakdown(match.start("number"), match.end("number"), total, match.group("unit"), tuple(parts),
                        opening.end(), end)


def cached_breakdowns(report: Report, compiled: Compiled) -> list[Breakdown]:
    """Rules that read breakdowns with the same patterns (exceeds / falls short) parse them once."""
    key = ("breakdowns", compiled.total.pattern, compiled.opening.pattern, compiled.part.pattern,
           compiled.stop.pattern if compiled.stop is not None else None, compiled.window, compiled.list_end,
           compiled.brackets)
    if key not in report.cache:
        report.cache[key] = list(_breakdowns(report, compiled))
    cached: list[Breakdown] = report.cache[key]
    return cached


def _open_ended(folded: str, compiled: Compiled, breakdown: Breakdown) -> bool:
    """The list says it is not exhaustive (``等``, ``其他`` …): a shortfall is then expected."""
    return any(pattern.search(folded, breakdown.list_start, breakdown.list_end) for pattern in compiled.open_ended)


def _fires(folded: str, compiled: Compiled, breakdown: Breakdown, parts_sum: Decimal) -> bool:
    if compiled.mode == "exceeds":
        return parts_sum > breakdown.total
    return parts_sum < breakdown.total and not _open_ended(folded, compiled, breakdown)


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    document = report.document
    for breakdown in cached_breakdowns(report, compiled):
        parts_sum = sum((part.value for part in breakdown.parts), Decimal(0))
        if not _fires(document.folded, compiled, breakdown, parts_sum):
            continue
        labels = [Label(document.span(part.start, part.end), f"{number_text(part.value)}{breakdown.unit}")
                  for part in breakdown.parts]
        values = {
            "total": number_text(breakdown.total), "unit": breakdown.unit, "parts": number_text(parts_sum),
            "parts_terms": "+".join(number_text(part.value) for part in breakdown.parts),
            "difference": number_text(abs(parts_sum - breakdown.total)), "count": len(breakdown.parts),
        }
        yield emit(rule, report.era, document.span(breakdown.total_start, breakdown.total_end), values,
                   labels=labels)
