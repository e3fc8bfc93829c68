"""The plain words every match of a regex must contain, so that a whole-text search can be skipped.

Many rule regexes are slow to search although they rarely match: one that opens with an
alternation or an optional part (``(?:收到|新收|受理)…申请{number}件``) or with a number is tried at
thousands of places of a 15 KB report. Every match of such a pattern contains certain plain words
(here one of 收到/新收/受理, then 申请 and 件); when the report lacks one of them, the search cannot
find anything and is skipped. ``str.__contains__`` finds a word far faster than ``re`` tries a
pattern, and a report is asked about each word once (``WordIndex``).

``required_words`` reads the pattern source with a small, conservative scanner (one tokenizing
regex and a walk over the tokens; ``re``'s own parser is too slow for a cold start: about 0.2 ms per
rule pattern). A *factor* is a tuple of words of which
every match contains at least one: a run of plain characters outside any optional part, or a group
of plain alternatives (``(?:其中|包括)``). Whatever the scanner does not fully understand (escapes,
classes, lookarounds, quantified parts, inline flags, a top-level ``|``) gives no factor; a pattern
with ``re.IGNORECASE`` or ``re.VERBOSE``, or an inline flag group, gives none at all. Fewer factors
only cost speed, never a match.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

Factor = tuple[str, ...]
_UNSUPPORTED_FLAGS = re.IGNORECASE | re.VERBOSE
# one token of a pattern source; escapes and classes are read whole (an escape may run on: \u3400)
_TOKEN = re.compile(r"""
    (?P<escape>\\(?:[xuU][0-9a-fA-F]{2,8}|N\{[^}]*\}|[0-9]{1,3}|.))
  | (?P<cls>\[\^?\]?(?:\\.|[^\]\\])*\])
  | (?P<quantifier>\{[0-9]*(?:,[0-9]*)?\}[?+]?|[?*+][?+]?)
  | (?P<open>\((?:\?(?:P<[^>]*>|[:=!]|<[=!])?)?)
  | (?P<close>\))
  | (?P<bar>\|)
  | (?P<run>[^][\\(){}|.^$?*+]+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


class _Unsupported(Exception):
    """The pattern uses something the scanner does not read (an inline flag group): no factors."""


@dataclass(frozen=True)
class _Group:
    lookaround: bool
    alternatives: tuple[tuple[object, ...], ...]  # each a sequence of items


def _items(tokens: list[tuple[str, str]], position: int) -> tuple[list[list[object]], int]:
    """The alternatives (sequences of items) from ``tokens[position]`` up to a closing ``)`` or the
    end; an item is a plain run (str), a quantifier (None), a _Group, or any other atom (0)."""
    alternatives: list[list[object]] = [[]]
    while position < len(tokens):
        kind, text = tokens[position]
        position += 1
        if kind == "close":
            return alternatives, position - 1
        if kind == "bar":
            alternatives.append([])
        elif kind == "open":
            if text not in ("(", "(?:", "(?=", "(?!", "(?<=", "(?<!") and not text.startswith("(?P<"):
                raise _Unsupported  # inline flags, (?P=name), (?(id)…), comments
            inner, position = _items(tokens, position)
            if position >= len(tokens):
                raise _Unsupported  # unbalanced
            position += 1
            lookaround = text in ("(?=", "(?!", "(?<=", "(?<!")
            alternatives[-1].append(_Group(lookaround, tuple(tuple(items) for items in inner)))
        elif kind == "run":
            alternatives[-1].append(text)
        elif kind == "quantifier":
            alternatives[-1].append(None)
        else:
            alternatives[-1].append(0)
    return alternatives, position


def _sequence_factors(items: tuple[object, ...]) -> list[Factor]:
    """The factors of one sequence of items (no ``|`` at its level)."""
    factors: list[Factor] = []
    run = ""
    for index, item in enumerate(items):
        quantified = index + 1 < len(items) and items[index + 1] is None
        if isinstance(item, str):
            # the last character before a quantifier may be absent or repeated: the run ends before it
            run += item[:-1] if quantified else item
            if not quantified:
                continue
        if run:
            factors.append((run,))
            run = ""
        if isinstance(item, _Group) and not item.lookaround and not quantified:
            factors.extend(_group_factors(item))
    if run:
        factors.append((run,))
    return factors


def _group_factors(group: _Group) -> list[Factor]:
    if len(group.alternatives) == 1:
        return _sequence_factors(group.alternatives[0])
    words = [alternative[0] for alternative in group.alternatives
             if len(alternative) == 1 and isinstance(alternative[0], str)]
    return [tuple(dict.fromkeys(words))] if len(words) == len(group.alternatives) else []


@functools.cache
def required_words(source: str, flags: int = 0) -> tuple[Factor, ...]:
    """Factors (tuples of words) such that every match of ``source`` contains one word of each;
    the longest words first, as they are the likeliest to be absent."""
    if flags & _UNSUPPORTED_FLAGS:
        return ()
    tokens = [(match.lastgroup or "", match.group()) for match in _TOKEN.finditer(source)]
    try:
        alternatives, position = _items(tokens, 0)
    except _Unsupported:
        return ()
    if position < len(tokens) or len(alternatives) != 1:  # a stray ")" or a top-level "|"
        return ()
    factors = _sequence_factors(tuple(alternatives[0]))
    unique = dict.fromkeys(factor for factor in factors if all(factor))
    return tuple(sorted(unique, key=lambda factor: -min(map(len, factor))))


@functools.cache  # patterns are the rulebook's, hashed by their source: asked for on every report
def pattern_words(pattern: re.Pattern[str] | object) -> tuple[Factor, ...]:
    """``required_words`` of a compiled (or lazily compiled) pattern."""
    source = getattr(pattern, "pattern", None)
    if not isinstance(source, str):
        return ()
    # a rule's LazyPattern compiles on its first attribute: its flags (re.MULTILINE, which changes no
    # word) are not asked for, so that a pattern skipped for a missing word is never compiled
    flags = pattern.flags if isinstance(pattern, re.Pattern) else vars(pattern).get("flags", re.MULTILINE)
    return required_words(source, int(flags))


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
            # looking for one character is several times faster than for a word (a memchr-like
            # scan), and a word is often absent because one of its characters is
            text = self.text
            present = all(char in text for char in word) and word in text
            self.found[word] = present
        return present

    def may_match(self, pattern: re.Pattern[str] | object) -> bool:
        """False when ``pattern`` cannot match anywhere in the text (a word it needs is absent)."""
        for factor in pattern_words(pattern):
            for word in factor:
                if self.has(word):
                    break
            else:
                return False
        return True


def word_index(cache: dict[object, object], text: str) -> WordIndex:
    """The word index of ``text`` kept in a report's cache, shared by every rule."""
    index = cache.get("literals.words")
    if not isinstance(index, WordIndex) or index.text is not text:
        index = WordIndex(text)
        cache["literals.words"] = index
    return index
