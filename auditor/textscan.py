"""Literals a regex cannot match without, and a per-document test for them.

Most rule patterns match nothing in most reports, yet a whole-text search costs about 6 ns per
character when the pattern opens with a character class or a lookbehind (30-40 µs on a 15 KB
report), and some 20 ns per character when it opens with ``^``. Testing whether one character
occurs in the text (``str.__contains__``) costs well under a microsecond.

``required_literals(source)`` reads the pattern's syntax tree (``re``'s own parser) and returns
*clauses*: each clause is a set of strings, one of which every match needs somewhere in the text
(a run of literal characters, a character of a small class, one literal per alternative of a
branch, the literals of a lookahead or lookbehind). If one clause has no string present in the
text, the pattern cannot match anywhere in it, nor in any part of it (a line), and the search is
skipped. The clauses are a necessary condition only: when they all hold, the regex still decides.

``TextIndex`` answers "is this string in the text?" once per document and string, checking the
single characters of a string first (the cheap test that usually settles it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

try:
    from re import _constants as _sre_constants
    from re import _parser
except ImportError:  # pragma: no cover - another Python implementation
    _parser = None  # type: ignore[assignment]

Clause = frozenset[str]

# a class of at most this many characters becomes a clause of single characters
_SMALL_CLASS = 6
# a branch of at most this many alternatives becomes a clause (one literal per alternative)
_MAX_ALTERNATIVES = 24


@functools.lru_cache(maxsize=1024)
def required_literals(source: str, flags: int = re.MULTILINE) -> tuple[Clause, ...]:
    """Clauses of strings, one string of each of which occurs in any text the pattern matches in;
    () when nothing is known (or the pattern ignores case)."""
    if _parser is None:
        return ()
    try:
        parsed = _parser.parse(source, flags)
    except (re.error, RecursionError):
        return ()
    if (flags | parsed.state.flags) & re.IGNORECASE:
        return ()
    return tuple(dict.fromkeys(_of_sequence(list(parsed.data))))


def _of_sequence(items: list[tuple[object, object]]) -> list[Clause]:
    """The clauses of a sequence: each item's, plus runs of adjacent literals as one string."""
    clauses: list[Clause] = []
    run: list[str] = []
    for op, av in items:
        char = _literal_char(op, av)
        if char is not None:
            run.append(char)
            continue
        if run:
            clauses.append(frozenset(("".join(run),)))
            run = []
        clauses += _of_item(op, av)
    if run:
        clauses.append(frozenset(("".join(run),)))
    return clauses


def _literal_char(op: object, av: object) -> str | None:
    sre = _sre_constants
    if op is sre.LITERAL:
        return chr(av)  # type: ignore[arg-type]
    if op is sre.IN and len(av) == 1 and av[0][0] is sre.LITERAL:  # type: ignore[arg-type, index]
        return chr(av[0][1])  # type: ignore[index]
    return None


def _of_item(op: object, av: object) -> list[Clause]:
    sre = _sre_constants
    if op is sre.IN:
        chars = _class_chars(av)  # type: ignore[arg-type]
        return [frozenset(chars)] if chars else []
    if op is sre.SUBPATTERN:
        add_flags, del_flags, body = av[1], av[2], av[3]  # type: ignore[index]
        return [] if add_flags & re.IGNORECASE or del_flags else _of_sequence(list(body.data))
    if op is sre.ATOMIC_GROUP:
        return _of_sequence(list(av.data))  # type: ignore[attr-defined]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return _of_sequence(list(av[2].data)) if av[0] >= 1 else []  # type: ignore[index]
    if op is sre.ASSERT:  # a lookahead or lookbehind that must hold: its text is in the text too
        return _of_sequence(list(av[1].data))  # type: ignore[index]
    if op is sre.BRANCH:
        return _of_branch(av[1])  # type: ignore[index]
    return []  # any character, a category, a negative assertion, a back-reference, an anchor


def _of_branch(alternatives: Iterable[object]) -> list[Clause]:
    """One clause: the best clause of each alternative, joined (a match takes one alternative)."""
    joined: set[str] = set()
    count = 0
    for alternative in alternatives:
        clauses = _of_sequence(list(alternative.data))  # type: ignore[attr-defined]
        if not clauses:
            return []
        joined |= max(clauses, key=_strength)
        count += 1
    return [frozenset(joined)] if count <= _MAX_ALTERNATIVES else []


def _strength(clause: Clause) -> tuple[int, int]:
    """How well a clause rules texts out: long strings, few of them."""
    return min(map(len, clause)), -len(clause)


def _class_chars(items: list[tuple[object, object]]) -> list[str]:
    """The characters of a small class without categories or negation, else []."""
    sre = _sre_constants
    chars: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            chars.append(chr(av))  # type: ignore[arg-type]
        elif op is sre.RANGE and av[1] - av[0] < _SMALL_CLASS:  # type: ignore[index, operator]
            chars += map(chr, range(av[0], av[1] + 1))  # type: ignore[index, operator]
        else:
            return []
        if len(chars) > _SMALL_CLASS:
            return []
    return chars


class TextIndex:
    """Which strings occur in one text; each answer computed once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._present: dict[str, bool] = {}

    def contains(self, string: str) -> bool:
        present = self._present.get(string)
        if present is None:
            present = all(map(self.contains, string)) and string in self.text if len(string) > 1 \
                else string in self.text
            self._present[string] = present
        return present

    def may_match(self, clauses: tuple[Clause, ...]) -> bool:
        """False when some clause has no string in the text: the pattern cannot match."""
        contains = self.contains
        return all(any(map(contains, clause)) for clause in clauses)


def text_index(cache: dict[str, object], text: str) -> TextIndex:
    """The TextIndex of ``text`` kept in a report's ``cache``, shared by every rule of one report."""
    index = cache.get("textscan.index")
    if not isinstance(index, TextIndex) or index.text is not text:
        index = TextIndex(text)
        cache["textscan.index"] = index
    return index


def may_match(index: TextIndex, pattern: re.Pattern[str]) -> bool:
    """False when ``pattern`` (a rule regex, compiled with ``re.MULTILINE``) cannot match anywhere
    in the indexed text, nor in any part of it. Reads only the pattern's source, so a lazily
    compiled rule pattern that is ruled out is never compiled."""
    return index.may_match(required_literals(pattern.pattern))
