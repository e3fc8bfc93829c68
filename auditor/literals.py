"""The plain words every match of a regex must contain, so that a whole-text search can be skipped.

Many rule regexes are slow to search although they rarely match: one that opens with an
alternation or an optional part (``(?:收到|新收|受理)…申请{number}件``) or with a number is tried at
thousands of places of a 15 KB report. Every match of such a pattern contains certain plain words
(here one of 收到/新收/受理, then 申请 and 件); when the report lacks one of them, the search cannot
find anything and is skipped. ``str.__contains__`` finds a word far faster than ``re`` tries a
pattern, and a report is asked about each word once (``WordIndex``). When every match *starts*
with one of a few words, ``WordIndex.finditer`` tries the pattern only where they start, with
exactly the matches of ``finditer``.

``required_words`` reads the pattern source with a small, conservative scanner (one tokenizing
regex and a walk over the tokens; ``re``'s own parser is too slow for a cold start: about 0.2 ms per
rule pattern). A *factor* is a tuple of words of which every match contains at least one: a run of
plain characters outside any optional part, or a group of plain alternatives (``(?:其中|包括)``).
Whatever the scanner does not fully understand (escapes, classes, lookarounds, quantified parts,
inline flags, a top-level ``|``) gives no factor; a pattern with ``re.IGNORECASE`` or
``re.VERBOSE``, or an inline flag group, gives none at all. Fewer factors only cost speed, never a
match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from auditor import regexcache

Factor = tuple[str, ...]
_UNSUPPORTED_FLAGS = re.IGNORECASE | re.VERBOSE
CANDIDATE_SPACING = 100  # characters ``re`` scans in the time Python tries a pattern at one place
# one token of a pattern source; escapes and classes are read whole (an escape may run on: \u3400)
_TOKEN_SOURCE = r"""
    (?P<escape>\\(?:[xuU][0-9a-fA-F]{2,8}|N\{[^}]*\}|[0-9]{1,3}|.))
  | (?P<cls>\[\^?\]?(?:\\.|[^\]\\])*\])
  | (?P<quantifier>\{[0-9]*(?:,[0-9]*)?\}[?+]?|[?*+][?+]?)
  | (?P<open>\((?:\?(?:P<[^>]*>|[:=!]|<[=!])?)?)
  | (?P<close>\))
  | (?P<bar>\|)
  | (?P<run>[^][\\(){}|.^$?*+]+)
  | (?P<other>.)
"""


@functools.cache
def _token_regex() -> re.Pattern[str]:
    """The tokenizer, compiled on first use (a run that analyses no pattern never compiles it)."""
    return regexcache.compile(_TOKEN_SOURCE, re.VERBOSE | re.DOTALL)


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


def _prefix(items: tuple[object, ...]) -> Factor:
    """Words one of which every match of the sequence starts with (after zero-width lookarounds);
    () when the scanner cannot tell."""
    index = 0
    while index < len(items) and isinstance(items[index], _Group) and items[index].lookaround:  # type: ignore[union-attr]
        index += 1
    if index >= len(items):
        return ()
    first = items[index]
    quantified = index + 1 < len(items) and items[index + 1] is None
    if isinstance(first, str):
        word = first[:-1] if quantified else first
        return (word,) if word else ()
    if not isinstance(first, _Group) or first.lookaround or quantified:
        return ()
    if len(first.alternatives) == 1:
        return _prefix(first.alternatives[0])
    words = [alternative[0] for alternative in first.alternatives
             if len(alternative) == 1 and isinstance(alternative[0], str)]
    return tuple(dict.fromkeys(words)) if len(words) == len(first.alternatives) else ()


@functools.lru_cache(maxsize=4096)  # bounded: a server may load many rulebooks
def _analysis(source: str, flags: int) -> tuple[tuple[Factor, ...], Factor]:
    """(``required_words``, ``required_prefix``) of a pattern source."""
    if flags & _UNSUPPORTED_FLAGS:
        return (), ()
    tokens = [(match.lastgroup or "", match.group()) for match in _token_regex().finditer(source)]
    try:
        alternatives, position = _items(tokens, 0)
    except _Unsupported:
        return (), ()
    if position < len(tokens) or len(alternatives) != 1:  # a stray ")" or a top-level "|"
        return (), ()
    items = tuple(alternatives[0])
    factors = _sequence_factors(items)
    unique = dict.fromkeys(factor for factor in factors if all(factor))
    return tuple(sorted(unique, key=lambda factor: -min(map(len, factor)))), _prefix(items)


def required_words(source: str, flags: int = 0) -> tuple[Factor, ...]:
    """Factors (tuples of words) such that every match of ``source`` contains one word of each;
    the longest words first, as they are the likeliest to be absent."""
    return _analysis(source, flags)[0]


def required_prefix(source: str, flags: int = 0) -> Factor:
    """Words one of which every match of ``source`` starts with; () when not known."""
    return _analysis(source, flags)[1]


@functools.lru_cache(maxsize=4096)  # the rulebook's patterns, hashed by their source: asked per report
def _pattern_analysis(pattern: re.Pattern[str] | object) -> tuple[tuple[Factor, ...], Factor]:
    source = getattr(pattern, "pattern", None)
    if not isinstance(source, str):
        return (), ()
    # a rule's LazyPattern compiles on its first attribute: its flags (re.MULTILINE, which changes no
    # word) are not asked for, so that a pattern skipped for a missing word is never compiled
    flags = pattern.flags if isinstance(pattern, re.Pattern) else \
        getattr(pattern, "__dict__", {}).get("flags", re.MULTILINE)
    return _analysis(source, int(flags))


def pattern_words(pattern: re.Pattern[str] | object) -> tuple[Factor, ...]:
    """``required_words`` of a compiled (or lazily compiled) pattern."""
    return _pattern_analysis(pattern)[0]


def pattern_prefix(pattern: re.Pattern[str] | object) -> Factor:
    """``required_prefix`` of a compiled (or lazily compiled) pattern."""
    return _pattern_analysis(pattern)[1]


def could_match(pattern: re.Pattern[str] | object, text: str) -> bool:
    """False when ``pattern`` cannot match anywhere in ``text`` (a short text: no index kept)."""
    return all(any(word in text for word in factor) for factor in pattern_words(pattern))


@dataclass
class WordIndex:
    """Which words a text contains, each looked up once."""

    text: str
    found: dict[str, bool] = field(default_factory=dict)
    positions: dict[str, list[int]] = field(default_factory=dict)
    candidates: dict[Factor, tuple[list[int] | None]] = field(default_factory=dict)

    def has(self, word: str) -> bool:
        present = self.found.get(word)
        if present is None:
            # looking for one character is several times faster than for a word (a memchr-like
            # scan), and a word is often absent because one of its characters is
            text = self.text
            present = all(char in text for char in word) and word in text
            self.found[word] = present
        return present

    def occurrences(self, word: str) -> list[int]:
        """Where ``word`` starts in the text, overlapping occurrences included."""
        positions = self.positions.get(word)
        if positions is None:
            positions = []
            if self.has(word):
                find, start = self.text.find, self.text.find(word)
                while start != -1:
                    positions.append(start)
                    start = find(word, start + 1)
            self.positions[word] = positions
        return positions

    def starts(self, words: Factor) -> list[int] | None:
        """Where one of ``words`` starts, in order; None when they start so often that letting
        ``re`` scan the text is faster than trying the pattern at each of them from Python (about
        one try per CANDIDATE_SPACING characters)."""
        cached = self.candidates.get(words)
        if cached is None:
            found = self.occurrences(words[0]) if len(words) == 1 else \
                sorted({start for word in words for start in self.occurrences(word)})
            cached = self.candidates[words] = (found,) if len(found) * CANDIDATE_SPACING <= len(self.text) else (None,)
        return cached[0]

    def finditer(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """What ``pattern.finditer(text)`` yields, found faster when it can be.

        Nothing when a word the pattern needs is absent. When every match starts with one of a few
        words (``(?:收到|新收|受理)…``), the pattern is tried only where one of them starts, in
        order, from the end of the last match on: the leftmost match from any position is the first
        of those tries that matches, so the matches are exactly finditer's (a match with ``pos``
        still sees the text before it, for lookbehinds)."""
        if not self.may_match(pattern):
            return
        prefix = pattern_prefix(pattern)
        starts = self.starts(prefix) if prefix else None
        if starts is None:
            yield from pattern.finditer(self.text)
            return
        end = 0
        match_at = pattern.match
        for start in starts:
            if start < end:
                continue
            match = match_at(self.text, start)
            if match is not None:
                yield match
                end = match.end()  # never empty: it holds a prefix word

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
