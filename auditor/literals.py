"""The plain words every match of a regex must contain, so that a whole-text search can be skipped.

Many rule regexes are slow to search although they rarely match: one that opens with an
alternation or an optional part (``(?:收到|新收|受理)…申请{number}件``) or with a number is tried at
thousands of places of a 15 KB report. Every match of such a pattern contains certain plain words
(here one of 收到/新收/受理, then 申请 and 件); when the report lacks one of them, the search cannot
find anything and is skipped. ``str.__contains__`` finds a word far faster than ``re`` tries a
pattern, and a report is asked about each word once (``WordIndex``).

``required_words`` reads the pattern source with a small, conservative scanner (``re``'s own parser
is too slow for a cold start: about 0.2 ms per rule pattern). A *factor* is a tuple of words of which
every match contains at least one: a run of plain characters outside any optional part, or a group
of plain alternatives (``(?:其中|包括)``). Whatever the scanner does not fully understand (escapes,
classes, lookarounds, quantified parts, inline flags, a top-level ``|``) gives no factor; a pattern
with ``re.IGNORECASE`` or ``re.VERBOSE``, or an inline flag group, gives none at all. Fewer factors
only cost speed, never a match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

Factor = tuple[str, ...]
_SPECIAL = set("\\[]().^$|?*+{}")
_QUANTIFIER = re.compile(r"\{\d*(?:,\d*)?\}[?+]?|[?*+][?+]?")
_UNSUPPORTED_FLAGS = re.IGNORECASE | re.VERBOSE


class _Unsupported(Exception):
    """The pattern uses something the scanner does not read (an inline flag group): no factors."""


def _class_end(source: str, start: int) -> int:
    """The index after the ``]`` closing the character class opened at ``source[start]``."""
    index = start + 1
    if index < len(source) and source[index] == "^":
        index += 1
    if index < len(source) and source[index] == "]":  # a leading ] is a member
        index += 1
    while index < len(source) and source[index] != "]":
        index += 2 if source[index] == "\\" else 1
    if index >= len(source):
        raise _Unsupported
    return index + 1


_ESCAPE_LENGTHS = {"x": 2, "u": 4, "U": 8}


def _escape_end(source: str, start: int) -> int:
    """The index after the escape at ``source[start]`` (``\\d``, ``\\(``, ``\\u3400``, ``\\N{…}``, ``\\12``)."""
    kind = source[start + 1:start + 2]
    if kind in _ESCAPE_LENGTHS:
        return start + 2 + _ESCAPE_LENGTHS[kind]
    if kind == "N":
        close = source.find("}", start)
        if close == -1:
            raise _Unsupported
        return close + 1
    end = start + 2
    if kind.isdigit():  # a group reference or an octal escape: up to three digits
        while end < len(source) and end < start + 4 and source[end].isdigit():
            end += 1
    return end


def _group_end(source: str, start: int) -> int:
    """The index after the ``)`` closing the group opened at ``source[start]``."""
    depth, index = 0, start
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(source, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise _Unsupported


def _top_level_split(source: str) -> list[str]:
    """``source`` cut at its top-level ``|``."""
    pieces, depth, index, piece_start = [], 0, 0, 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(source, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            pieces.append(source[piece_start:index])
            piece_start = index + 1
        index += 1
    pieces.append(source[piece_start:])
    return pieces


def _is_plain(text: str) -> bool:
    return bool(text) and not any(char in _SPECIAL for char in text)


def _group_body(source: str, start: int, end: int) -> str | None:
    """The body of a capturing or non-capturing group; None for a lookaround; raises for flags."""
    inner = source[start + 1:end - 1]
    if not inner.startswith("?"):
        return inner
    if inner.startswith("?:"):
        return inner[2:]
    if inner.startswith("?P<"):
        close = inner.find(">")
        if close == -1:
            raise _Unsupported
        return inner[close + 1:]
    if inner[:2] in ("?=", "?!") or inner[:3] in ("?<=", "?<!"):
        return None
    raise _Unsupported  # inline flags, (?P=name), (?(id)yes|no), comments


def _group_factors(body: str) -> list[Factor]:
    alternatives = _top_level_split(body)
    if len(alternatives) == 1:
        return _sequence_factors(body)
    if all(_is_plain(alternative) for alternative in alternatives):
        return [tuple(dict.fromkeys(alternatives))]
    return []


def _sequence_factors(source: str) -> list[Factor]:
    """The factors of a sequence without a top-level ``|``."""
    factors: list[Factor] = []
    run: list[str] = []
    index = 0

    def flush() -> None:
        if run:
            factors.append(("".join(run),))
            run.clear()

    while index < len(source):
        char = source[index]
        quantifier = _QUANTIFIER.match(source, index)
        if quantifier is not None:  # the atom before it may be absent or repeated: not a plain run
            if run:
                run.pop()
            flush()
            index = quantifier.end()
            continue
        if char == "(":
            end = _group_end(source, index)
            body = _group_body(source, index, end)
            flush()
            if body is not None and _QUANTIFIER.match(source, end) is None:
                factors.extend(_group_factors(body))
            index = end
            continue
        if char not in _SPECIAL:
            run.append(char)
            index += 1
            continue
        flush()
        if char == "\\":
            index = _escape_end(source, index)
        elif char == "[":
            index = _class_end(source, index)
        else:  # . ^ $ { and a stray ) or ]
            index += 1
    flush()
    return factors


@functools.cache
def required_words(source: str, flags: int = 0) -> tuple[Factor, ...]:
    """Factors (tuples of words) such that every match of ``source`` contains one word of each;
    the longest words first, as they are the likeliest to be absent."""
    if flags & _UNSUPPORTED_FLAGS:
        return ()
    try:
        pieces = _top_level_split(source)
        factors = _sequence_factors(source) if len(pieces) == 1 else []
    except _Unsupported:
        return ()
    unique = dict.fromkeys(factor for factor in factors if all(factor))
    return tuple(sorted(unique, key=lambda factor: -min(map(len, factor))))


def pattern_words(pattern: re.Pattern[str] | object) -> tuple[Factor, ...]:
    """``required_words`` of a compiled (or lazily compiled) pattern."""
    source = getattr(pattern, "pattern", None)
    if not isinstance(source, str):
        return ()
    return required_words(source, int(getattr(pattern, "flags", 0)))


def could_match(pattern: re.Pattern[str] | object, text: str) -> bool:
    """False when ``pattern`` cannot match anywhere in ``text`` (a short text: no index kept)."""
    return all(any(word in text for word in factor) for factor in pattern_words(pattern))


@dataclass
class WordIndex:
    """Which words a text contains, each looked up once."""

    text: str
    found: dict[str, bool] = field(default_factory=dict)

    def has(self, word: str) -> bool:
        present = self.found.get(word)
        if present is None:
            present = self.found[word] = word in self.text
        return present

    def may_match(self, pattern: re.Pattern[str] | object) -> bool:
        """False when ``pattern`` cannot match anywhere in the text (a word it needs is absent)."""
        return all(any(self.has(word) for word in factor) for factor in pattern_words(pattern))


def word_index(cache: dict[object, object], text: str) -> WordIndex:
    """The word index of ``text`` kept in a report's cache, shared by every rule."""
    index = cache.get("literals.words")
    if not isinstance(index, WordIndex) or index.text is not text:
        index = WordIndex(text)
        cache["literals.words"] = index
    return index


def finditer_if_possible(pattern: re.Pattern[str], index: WordIndex, pos: int = 0,
                         endpos: int | None = None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(index.text, …)``, nothing when a required word is absent from the text."""
    if not index.may_match(pattern):
        return iter(())
    return pattern.finditer(index.text, pos, len(index.text) if endpos is None else endpos)

