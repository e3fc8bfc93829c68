"""Word automatic numbering: the label (``一、``, ``（一）``, ``1.``) Word draws before a paragraph.

Clerks number headings with Word's numbered and multilevel lists, so the label is not in the
paragraph's text. ``Numbering`` renders it, paragraph by paragraph in document order, as Word does:

- **Which list, which level.** The paragraph's own ``w:pPr/w:numPr`` (``w:numId``, ``w:ilvl``),
  each part falling back to the numPr of its paragraph style (or the default paragraph style),
  following ``w:basedOn``. ``numId`` 0 switches numbering off. A style numbered without ``w:ilvl``
  is at the level whose ``w:lvl/w:pStyle`` names the style (else level 0).
- **Definition.** ``w:num`` points to a ``w:abstractNum`` (through ``w:numStyleLink`` when the
  abstractNum is a numbering-style link); a ``w:lvlOverride`` replaces a level's ``w:lvl`` or its
  start (``w:startOverride``).
- **Counters.** Numbers run on per abstractNum, across all the ``w:num`` instances that point to it,
  as in Word; a ``w:num`` with a ``w:startOverride`` is a list of its own that starts at the
  override. When a level is used, the deeper levels restart, except where ``w:lvlRestart`` says
  after which level (1-based; 0: never) a level restarts.
- **Label.** ``w:lvlText`` with ``%1``…``%9`` replaced by the counters of those levels in their own
  ``w:numFmt`` (all decimal under ``w:isLgl``). The suffix after the label (a tab or a space by
  default) is layout and is not part of the label. Bullets render as nothing: they are not
  ordinals, and their glyphs are often private-use Symbol/Wingdings characters.

Formats rendered: decimal, decimalZero, decimalFullWidth(2), decimalHalfWidth, decimalEnclosedParen,
decimalEnclosedFullstop, decimalEnclosedCircle(Chinese), chineseCounting, chineseCountingThousand,
japaneseCounting, taiwaneseCounting, chineseLegalSimplified, ideographTraditional, ideographZodiac,
upperLetter, lowerLetter, upperRoman, lowerRoman, ordinal; ``none`` and ``bullet`` give nothing for
the number. Any other format is rendered decimal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from auditor.records import field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LEVELS = 9
_PLACEHOLDER = re.compile(r"%([1-9])")
_CHINESE_DIGITS = "〇一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _val(element: Any, tag: str) -> str | None:
    """``w:val`` of the child ``tag`` of ``element`` (None when either is missing)."""
    if element is None:
        return None
    child = element.find(f"{_W}{tag}")
    return None if child is None else child.get(f"{_W}val")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# ----------------------------------------------------------------------------- number formats
def chinese_counting(number: int, digits: str = _CHINESE_DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百〇五: how Word counts in Chinese."""
    if number <= 0 or number >= 10000:
        return str(number)
    if 10 <= number < 20 and digits == _CHINESE_DIGITS:
        return units[0] + (digits[number - 10] if number > 10 else "")
    parts: list[str] = []
    zero_pending = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = number // power % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append(digits[0])
            zero_pending = False
        parts.append(digits[digit] + unit)
    return "".join(parts)


def _letters(number: int, alphabet: str) -> str:
    """Word's letter numbering: A…Z, then AA…ZZ, AAA…"""
    if number <= 0:
        return str(number)
    return alphabet[(number - 1) % 26] * ((number - 1) // 26 + 1)


def _roman(number: int) -> str:
    if not 0 < number < 4000:
        return str(number)
    parts: list[str] = []
    for value, symbol in _ROMAN:
        count, number = divmod(number, value)
        parts.append(symbol * count)
    return "".join(parts)


def _enclosed(first: int, last_number: int) -> Callable[[int], str]:
    return lambda number: chr(first + number - 1) if 1 <= number <= last_number else str(number)


def _cycle(symbols: str) -> Callable[[int], str]:
    return lambda number: symbols[(number - 1) % len(symbols)] if number > 0 else str(number)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda number: f"{number:02d}",
    "decimalFullWidth": lambda number: str(number).translate(_FULL_WIDTH),
    "decimalFullWidth2": lambda number: str(number).translate(_FULL_WIDTH),
    "decimalEnclosedParen": _enclosed(0x2474, 20),
    "decimalEnclosedFullstop": _enclosed(0x2488, 20),
    "decimalEnclosedCircle": _enclosed(0x2460, 20),
    "decimalEnclosedCircleChinese": _enclosed(0x2460, 20),
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "japaneseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "chineseLegalSimplified": lambda number: chinese_counting(number, _LEGAL_DIGITS, "拾佰仟"),
    "ideographTraditional": _cycle(_HEAVENLY_STEMS),
    "ideographZodiac": _cycle(_EARTHLY_BRANCHES),
    "upperLetter": lambda number: _letters(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "lowerLetter": lambda number: _letters(number, "abcdefghijklmnopqrstuvwxyz"),
    "upperRoman": _roman,
    "lowerRoman": lambda number: _roman(number).lower(),
    "ordinal": _ordinal,
    "none": lambda number: "",
    "bullet": lambda number: "",
}


def format_number(number: int, number_format: str) -> str:
    """``number`` written in the Word ``numFmt`` ``number_format`` (decimal when unknown)."""
    return FORMATS.get(number_format, str)(number)


# ----------------------------------------------------------------------------- definitions
@record(frozen=True)
class Level:
    """One ``w:lvl``: start value, number format, label template, restart rule, legal style."""

    start: int = 0
    number_format: str = "decimal"
    text: str = ""
    restart_after: int | None = None  # lvlRestart: restart when a level with ilvl < this is used
    legal: bool = False
    style_id: str | None = None


def _level(element: Any) -> Level:
    is_legal = element.find(f"{_W}isLgl")
    start = _int(_val(element, "start"))
    return Level(start=0 if start is None else start,  # the schema's default start is 0
                 number_format=_val(element, "numFmt") or "decimal", text=_val(element, "lvlText") or "",
                 restart_after=_int(_val(element, "lvlRestart")),
                 legal=is_legal is not None and is_legal.get(f"{_W}val", "1") not in ("0", "false", "off"),
                 style_id=_val(element, "pStyle"))


def _levels(abstract: Any) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    for element in abstract.findall(f"{_W}lvl"):
        ilvl = _int(element.get(f"{_W}ilvl"))
        if ilvl is not None and 0 <= ilvl < _LEVELS:
            levels[ilvl] = _level(element)
    return levels


@record(frozen=True)
class ListDefinition:
    """A ``w:num`` resolved: its counter key, its levels, the levels whose start it overrides."""

    counter_key: str
    levels: dict[int, Level]
    overridden: frozenset[int] = frozenset()


@record(frozen=True)
class _Styles:
    """Paragraph styles' own numPr, basedOn links, and the default paragraph style."""

    num_pr: dict[str, tuple[str | None, int | None]]
    based_on: dict[str, str]
    default: str | None


def _styles(styles_element: Any) -> _Styles:
    num_pr: dict[str, tuple[str | None, int | None]] = {}
    based_on: dict[str, str] = {}
    default: str | None = None
    for style in styles_element.findall(f"{_W}style") if styles_element is not None else []:
        style_id = style.get(f"{_W}styleId")
        if not style_id:
            continue
        if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true", "on"):
            default = style_id
        parent = _val(style, "basedOn")
        if parent:
            based_on[style_id] = parent
        properties = style.find(f"{_W}pPr")
        numbering = properties.find(f"{_W}numPr") if properties is not None else None
        if numbering is not None:
            num_pr[style_id] = (_val(numbering, "numId"), _int(_val(numbering, "ilvl")))
    return _Styles(num_pr, based_on, default)


def _definitions(numbering_element: Any, styles: _Styles) -> dict[str, ListDefinition]:
    """Every ``w:num`` by its numId, with the levels of its abstractNum and its overrides."""
    if numbering_element is None:
        return {}
    abstracts = {item.get(f"{_W}abstractNumId"): item for item in numbering_element.findall(f"{_W}abstractNum")}
    nums = {item.get(f"{_W}numId"): item for item in numbering_element.findall(f"{_W}num")}

    def abstract_of(num_id: str | None, hops: int = 0) -> str | None:
        num = nums.get(num_id or "")
        abstract_id = _val(num, "abstractNumId") if num is not None else None
        abstract = abstracts.get(abstract_id or "")
        link = _val(abstract, "numStyleLink") if abstract is not None else None
        if link and hops < 3:  # a numbering style: its numPr names the list that holds the levels
            linked = abstract_of(styles.num_pr.get(link, (None, None))[0], hops + 1)
            return linked or abstract_id
        return abstract_id

    definitions: dict[str, ListDefinition] = {}
    for num_id, num in nums.items():
        abstract_id = abstract_of(num_id)
        if num_id is None or abstract_id not in abstracts:
            continue
        levels, overridden = _overridden(_levels(abstracts[abstract_id]), num)
        key = f"num:{num_id}" if overridden else f"abstract:{abstract_id}"
        definitions[num_id] = ListDefinition(key, levels, overridden)
    return definitions


def _overridden(levels: dict[int, Level], num: Any) -> tuple[dict[int, Level], frozenset[int]]:
    """``levels`` with the ``w:lvlOverride``s of ``num`` applied, and the levels whose start it overrides."""
    levels = dict(levels)
    overridden: set[int] = set()
    for override in num.findall(f"{_W}lvlOverride"):
        ilvl = _int(override.get(f"{_W}ilvl"))
        if ilvl is None or not 0 <= ilvl < _LEVELS:
            continue
        replacement = override.find(f"{_W}lvl")
        if replacement is not None:
            levels[ilvl] = _level(replacement)
        start = _int(_val(override, "startOverride"))
        if start is not None:
            levels[ilvl] = _with_start(levels.get(ilvl, Level()), start)
            overridden.add(ilvl)
    return levels, frozenset(overridden)


def _with_start(level: Level, start: int) -> Level:
    return Level(start, level.number_format, level.text, level.restart_after, level.legal, level.style_id)


# ----------------------------------------------------------------------------- the counters
@record
class Numbering:
    """Renders the numbering label of each paragraph; call ``label`` in document order."""

    definitions: dict[str, ListDefinition] = field(default_factory=dict)
    styles: _Styles = field(default_factory=lambda: _Styles({}, {}, None))
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        """The numbering of a python-docx Document (none when it has no numbering part)."""
        styles = _styles(_part_element(document, "styles"))
        numbering = _part_element(document, "numbering")
        return cls(_definitions(numbering, styles), styles)

    def label(self, paragraph: Any) -> str:
        """The label Word draws before ``paragraph`` (a ``w:p``), advancing the counters; ``""``
        when the paragraph is not numbered or its level is a bullet or has no template."""
        if not self.definitions:
            return ""
        num_id, ilvl = self._num_pr(paragraph)
        definition = self.definitions.get(num_id or "")
        if definition is None or ilvl is None or ilvl not in definition.levels:
            return ""
        values = self._advance(definition, ilvl)
        level = definition.levels[ilvl]
        if level.number_format == "bullet":
            return ""
        return _PLACEHOLDER.sub(lambda match: self._render(definition, level, int(match.group(1)) - 1, values),
                                level.text)

    def _render(self, definition: ListDefinition, level: Level, index: int, values: list[int | None]) -> str:
        referenced = definition.levels.get(index, Level())
        value = values[index]
        value = referenced.start if value is None else value
        return str(value) if level.legal and referenced.number_format != "none" else \
            format_number(value, referenced.number_format)

    def _advance(self, definition: ListDefinition, ilvl: int) -> list[int | None]:
        """Count one more item at level ``ilvl``; deeper levels restart as their lvlRestart says."""
        values = self.counters.setdefault(definition.counter_key, [None] * _LEVELS)
        current = values[ilvl]
        values[ilvl] = definition.levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, _LEVELS):
            level = definition.levels.get(deeper, Level())
            restart_after = deeper if level.restart_after is None else level.restart_after
            if ilvl < restart_after:
                values[deeper] = None
        return values

    def _num_pr(self, paragraph: Any) -> tuple[str | None, int | None]:
        """(numId, ilvl) of ``paragraph``: its own numPr, each part falling back to its style's."""
        properties = paragraph.find(f"{_W}pPr")
        own = properties.find(f"{_W}numPr") if properties is not None else None
        num_id, ilvl = (_val(own, "numId"), _int(_val(own, "ilvl"))) if own is not None else (None, None)
        style_id = _val(properties, "pStyle") or self.styles.default
        if num_id is None or ilvl is None:
            style_num_id, style_ilvl = self._style_num_pr(style_id)
            num_id = num_id if num_id is not None else style_num_id
            if ilvl is None and num_id is not None:
                ilvl = style_ilvl if style_ilvl is not None else self._level_of_style(num_id, style_id)
        if num_id in (None, "0"):
            return None, None
        return num_id, ilvl

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        num_id: str | None = None
        ilvl: int | None = None
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style_num_id, style_ilvl = self.styles.num_pr.get(style_id, (None, None))
            num_id = num_id if num_id is not None else style_num_id
            ilvl = ilvl if ilvl is not None else style_ilvl
            style_id = self.styles.based_on.get(style_id)
        return num_id, ilvl

    def _level_of_style(self, num_id: str, style_id: str | None) -> int:
        definition = self.definitions.get(num_id)
        if definition is not None and style_id:
            for ilvl, level in sorted(definition.levels.items()):
                if level.style_id == style_id:
                    return ilvl
        return 0


def _part_element(document: Any, which: str) -> Any:
    """The root element of the document's styles or numbering part, or None when it has none."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    relationship = RELATIONSHIP_TYPE.STYLES if which == "styles" else RELATIONSHIP_TYPE.NUMBERING
    try:
        part = document.part.part_related_by(relationship)
        return part.element
    except (KeyError, AttributeError, ValueError):
        return None
