"""Refuse rulebook regular expressions that can backtrack catastrophically, at load time.

Python's ``re`` backtracks; a pattern such as ``(a+)+$`` takes exponential time on a line of a few
dozen ``a``. The rulebook's patterns need lookarounds and backreference-free Python syntax that a
linear-time engine (RE2) does not offer, and ``re`` cannot be interrupted, so the dangerous shapes
are refused when the rulebook is loaded, with the file, line and column of the pattern:

* nested unbounded repetition: a ``+``/``*``/``{n,}`` whose body itself contains an unbounded
  repetition that can match a non-empty text (``(a+)+``, ``(\\s*x*)*``, ``(?:a|b+)*``);
* an unbounded repetition of alternatives that can start with the same character
  (``(a|ab)+``, ``(\\d|1)*``), which backtracks the same way.

Bounded repetition (``{0,10}``), a repetition of a single character class and everything else are
allowed. Polynomial backtracking (``\\d+\\d+x``) is not refused; the per-file time budget bounds it.
"""

from __future__ import annotations

import re
import string

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

try:  # Python 3.11 moved the parser under re; the old name still works with a warning
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

UNBOUNDED = sre_constants.MAXREPEAT
BIG_REPEAT = 50  # a bounded repeat this large backtracks like an unbounded one
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))


def _items(value: Any) -> list[tuple[Any, Any]]:
    return list(value.data if hasattr(value, "data") else value)


def _is_repeat(op: Any) -> bool:
    return op in _REPEATS and op is not None


def _large(low: int, high: Any) -> bool:
    return high is UNBOUNDED or high >= BIG_REPEAT


def _children(op: Any, value: Any) -> list[list[tuple[Any, Any]]]:
    """The sub-patterns of one parsed item."""
    if op is sre_constants.SUBPATTERN:
        return [_items(value[-1])]
    if op is sre_constants.BRANCH:
        return [_items(branch) for branch in value[1]]
    if _is_repeat(op):
        return [_items(value[2])]
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [_items(value[1])]
    if op is sre_constants.GROUPREF_EXISTS:
        return [_items(branch) for branch in value[1:] if branch is not None]
    if getattr(sre_constants, "ATOMIC_GROUP", None) is not None and op is sre_constants.ATOMIC_GROUP:
        return [_items(value)]
    return []


def _can_be_empty(items: list[tuple[Any, Any]]) -> bool:
    for op, value in items:
        if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        if _is_repeat(op):
            if value[0] > 0 and not _can_be_empty(_items(value[2])):
                return False
            continue
        if op is sre_constants.SUBPATTERN:
            if not _can_be_empty(_items(value[-1])):
                return False
            continue
        if op is sre_constants.BRANCH:
            if not any(_can_be_empty(_items(branch)) for branch in value[1]):
                return False
            continue
        return False
    return True


def _inner_repeats(items: list[tuple[Any, Any]]) -> list[list[tuple[Any, Any]]]:
    """The bodies of the unbounded, non-empty repetitions inside ``items``."""
    found: list[list[tuple[Any, Any]]] = []
    for op, value in items:
        if _is_repeat(op) and _large(value[0], value[1]) and not _can_be_empty(_items(value[2])):
            found.append(_items(value[2]))
        for child in _children(op, value):
            found += _inner_repeats(child)
    return found


Atom = tuple[str, object]  # one parsed item of a character class: its kind and value
_SAMPLE = (string.printable + "\u3000，。、：；？！（）【】《》“”—…"
           + "一二三四五六七八九十是年月日元件政府信息公开报告打印本页")


def _first_atoms(items: list[tuple[Any, Any]]) -> list[Atom]:
    """What the sub-pattern can start with: literals, classes, categories (``any`` when unknown)."""
    atoms: list[Atom] = []
    for op, value in items:
        if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        if op is sre_constants.LITERAL:
            return [*atoms, ("lit", value)]
        if op in (sre_constants.IN, sre_constants.CATEGORY):
            return [*atoms, ("in", list(value) if op is sre_constants.IN else [(op, value)])]
        if op is sre_constants.SUBPATTERN or op is sre_constants.BRANCH or _is_repeat(op):
            for child in _children(op, value):
                atoms += _first_atoms(child)
            if not _can_be_empty([(op, value)]):
                return atoms
            continue
        return [*atoms, ("any", None)]
    return atoms


def _in_category(category: Any, char: str) -> bool:
    name = str(category).upper()
    tests = {"DIGIT": char.isdigit(), "SPACE": char.isspace(), "WORD": char.isalnum() or char == "_"}
    for key, result in tests.items():
        if name.endswith("NOT_" + key):
            return not result
        if name.endswith(key):
            return result
    return True


def _member(atom: Atom, char: str) -> bool:
    kind, data = atom
    if kind == "lit":
        return bool(ord(char) == data)
    if kind == "any":
        return True
    negate = bool(data) and data[0][0] is sre_constants.NEGATE
    hit = False
    for op, value in data:
        if op is sre_constants.LITERAL:
            hit = hit or ord(char) == value
        elif op is sre_constants.RANGE:
            hit = hit or value[0] <= ord(char) <= value[1]
        elif op is sre_constants.CATEGORY:
            hit = hit or _in_category(value, char)
    return hit != negate


def _overlap(first: list[Atom], second: list[Atom]) -> bool:
    """Whether some character can start both (tested on a sample plus the literals involved)."""
    literals = "".join(chr(data) for kind, data in [*first, *second] if kind == "lit")
    return any(any(_member(atom, char) for atom in first) and any(_member(atom, char) for atom in second)
               for char in _SAMPLE + literals)


def _overlapping_branches(value: Any) -> bool:
    """Whether an alternation (the body of a repeat) has two branches that can start alike."""
    for op, inner in _items(value):
        if op is sre_constants.SUBPATTERN:
            return _overlapping_branches(inner[-1])
        if op is not sre_constants.BRANCH:
            return False
        starts = [_first_atoms(_items(branch)) for branch in inner[1]]
        return any(_overlap(starts[i], starts[j]) for i in range(len(starts)) for j in range(i + 1, len(starts)))
    return False


def _find(items: list[tuple[Any, Any]]) -> str | None:
    for op, value in items:
        if _is_repeat(op) and _large(value[0], value[1]):
            body = _items(value[2])
            starts = _first_atoms(body)
            if any(_overlap(starts, _first_atoms(inner)) for inner in _inner_repeats(body)):
                return "量词套量词，下一轮的开头又能被内层量词吞下（如 (a+)+、(\\s*x\\s*)+）"
            if _overlapping_branches(value[2]):
                return "重复的选择分支能以同样的字符开头（如 (a|ab)+）"
        for child in _children(op, value):
            found = _find(child)
            if found:
                return found
    return None


def catastrophic_reason(source: str, flags: int = 0) -> str | None:
    """Why ``source`` may backtrack catastrophically, or None. Invalid patterns give None (compiling
    reports them)."""
    try:
        parsed = sre_parse.parse(source, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    return _find(_items(parsed))
