"""kind: percentage — shares stated next to the parts of a "共N条，其中A条（占x%）…" list.

The list is found exactly as kind ``breakdown`` finds it (same parameters: ``total``, ``opening``,
``units``, ``stop``, ``brackets``, ``window``, ``list_end``, ``open_ended``). After each listed part, the
``share`` pattern (matched right after the part's unit) may state its share of the total (``，占12.5%``,
``（占比12.5%）``). Two comparisons, one rule each:

* ``share``: each stated share is recomputed as part ÷ total × 100 to the stated precision (``12.5%``:
  one decimal). Rounding and cutting off are both accepted; anything else is a finding at the share.
* ``sum``: the parts add up exactly to the total (the list is closed) and every part states a share,
  but the shares do not add up to 100% within rounding (half a unit of the stated precision per
  share).

Parameters:
    compare:   ``share`` or ``sum`` (required).
    share:     regex matched right after a part; ``{percent}`` is the stated number (required),
               e.g. ``\\s*[,(]?\\s*(?:占|占比|约占)\\s*{percent}\\s*%``.
    and the list parameters of kind ``breakdown``.
Message fields: {part} {unit} {total} {stated} {computed} (share); {shares} {sum} {count} (sum).

Example (GK822 percentage-share)::

    compare: share
    share: '\\s*[,(]?\\s*(?:占|占比)\\s*{percent}\\s*%'

fails on "共收到申请40件，其中网上申请5件，占15%" (5 ÷ 40 = 12.5%); passes on "…占12.5%".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from auditor.checks import breakdown, compile_patterns, emit
from auditor.checks.identity import number_text
from auditor.diagnostics import Diagnostic, Label
from auditor.records import record
from auditor.rulebook import Rule
from auditor.structure import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "percentage"
PERCENT = r"(?P<percent>\d{1,3}(?:\.\d{1,4})?)"
HUNDRED = Decimal(100)
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["compare", "share", "total", "opening", "units"],
    "properties": {
        **breakdown.PARAMS_SCHEMA["properties"],
        "compare": {"enum": ["share", "sum"]},
        "share": {"type": "string"},
    },
}


@record(eq=False, repr=False)
class Compiled:
    """A percentage rule's parameters: the share pattern and the breakdown lists it reads."""
    compare: str
    share: re.Pattern[str]
    lists: breakdown.Compiled


def prepare(params: dict[str, Any]) -> Compiled:
    list_params = {key: value for key, value in params.items() if key not in ("compare", "share")}
    share = compile_patterns(params["share"].replace("{percent}", PERCENT), ("share",))[0]
    return Compiled(params["compare"], share, breakdown.prepare({**list_params, "mode": "exceeds"}))


@record(eq=False, repr=False)
class Share:
    """A percentage stated for one listed part: its span and value."""
    part: breakdown.Part
    start: int
    end: int
    stated: Decimal


def _shares(folded: str, compiled: Compiled, found: breakdown.Breakdown) -> list[Share]:
    shares = []
    bounds = [part.start for part in found.parts[1:]] + [found.list_end]
    for part, limit in zip(found.parts, bounds, strict=True):
        # the share follows the part's unit: search from the end of the number, past the unit
        unit_end = folded.find(found.unit, part.end, limit)
        if unit_end == -1:
            continue
        match = compiled.share.match(folded, unit_end + len(found.unit), limit)
        if match is not None:
            shares.append(Share(part, match.start("percent"), match.end("percent"), Decimal(match.group("percent"))))
    return shares


def _agrees(stated: Decimal, part: Decimal, total: Decimal) -> tuple[bool, Decimal]:
    exponent = stated.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    exact = part / total * HUNDRED
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    agrees = stated in (rounded, exact.quantize(quantum, rounding=ROUND_DOWN))
    # shown to two decimals at most, whatever precision was stated: 5 of 40 is 12.5%, 2 of 3 is 66.67%
    return agrees, exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _share_findings(rule: Rule, report: Report, found: breakdown.Breakdown,
                    shares: list[Share]) -> Iterator[Diagnostic]:
    document = report.document
    for share in shares:
        agrees, computed = _agrees(share.stated, share.part.value, found.total)
        if agrees:
            continue
        part, total = share.part, found
        labels = [Label(document.span(part.start, part.end), f"{number_text(part.value)}{found.unit}"),
                  Label(document.span(total.total_start, total.total_end), f"{number_text(total.total)}{found.unit}")]
        yield emit(rule, report.era, document.span(share.start, share.end), {
            "part": number_text(share.part.value), "unit": found.unit, "total": number_text(found.total),
            "stated": number_text(share.stated), "computed": number_text(computed)}, labels=labels)


def _sum_finding(rule: Rule, report: Report, found: breakdown.Breakdown, shares: list[Share]) -> Diagnostic | None:
    if len(shares) != len(found.parts) or len(shares) < 2:
        return None
    if sum((part.value for part in found.parts), Decimal(0)) != found.total:
        return None
    total_share = sum((share.stated for share in shares), Decimal(0))
    slack = sum((Decimal(1).scaleb(_exponent(share.stated)) / 2 for share in shares), Decimal(0))
    if abs(total_share - HUNDRED) <= slack:
        return None
    document = report.document
    labels = [Label(document.span(share.start, share.end), f"{number_text(share.stated)}%") for share in shares[1:]]
    return emit(rule, report.era, document.span(shares[0].start, shares[0].end), {
        "shares": "+".join(number_text(share.stated) for share in shares), "sum": number_text(total_share),
        "count": len(shares), "total": number_text(found.total), "unit": found.unit}, labels=labels)


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def check(rule: Rule, report: Report) -> Iterator[Diagnostic]:
    compiled: Compiled = rule.compiled
    folded = report.document.folded
    for found in breakdown.cached_breakdowns(report, compiled.lists):
        if found.total == 0:
            continue
        shares = _shares(folded, compiled, found)
        if not shares:
            continue
        if compiled.compare == "share":
            yield from _share_findings(rule, report, found, shares)
        else:
            finding = _sum_finding(rule, report, found, shares)
            if finding is not None:
                yield finding
