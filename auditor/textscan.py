r"""What every match of a regex must contain and where it can start, and a per-document index.

The one place that reads rule and structure regexes for what they need in the text, so that a
search that cannot match is skipped or tried at fewer places. Most rule patterns match nothing in
most reports, yet a whole-text search costs about 6 ns per character when the pattern opens with a
character class or a lookbehind (30-40 µs on a 15 KB report), and some 20 ns per character when it
opens with ``^``. Testing whether one character occurs in the text (``str.__contains__``) costs
well under a microsecond.

``prefilter(source, flags)`` reads the pattern's syntax tree (``re``'s own parser) once per machine
(kept with the compiled rulebook regexes, ``regexcache.remembered``) and gives:

- *clauses*: each clause is a set of strings, one of which every match needs somewhere in the text
  (a run of literal characters, a character of a small class, one literal per alternative of a
  branch, the literals of a lookahead or lookbehind). If one clause has no string present in the
  text, the pattern cannot match anywhere in it, nor in any part of it (a line), and the search is
  skipped. The clauses are a necessary condition only: when they all hold, the regex still decides.
- *first-character parts*: a pattern that opens with a small class (``[,;、:。][,;、:。]``) is
  searched by ``re`` with a first-character set: some 70 instructions a character of the text, to
  test each against the class. ``found_in`` searches its parts instead, one per character of the
  class (``,[,;、:。]``, ``;[,;、:。]``, …), each opening with a literal, which ``re`` finds at
  about 2 instructions a character: the pattern matches where one of its parts does.
- *starts*: words one of which every match starts with (``收到``/``新收`` of
  ``(?<![和及])(?:收到|新收)[^。]{0,6}?申请``), so that ``finditer`` tries the pattern only where
  one of them starts; left out where ``re`` finds a match's start as fast by itself (a pattern that
  opens with literal text, or a start word of one character: see ``regexcache``'s first characters).
- *line-anchored*: the pattern opens with a multi-line ``^``, so it can only match at a line start
  and is tried there (``match`` at each line start) instead of at every position of the text.
  Likewise a pattern that opens with a branch of ``^`` and start words (``(?:^|\|)\s*行政复议``):
  it is tried at the line starts and where one of those words starts (*line or words*).
- *anchor gate*: a pattern such as ``(?<![\d.])(?:19|20)\d{2}(?:0[1-9]|1[0-2])[0-3]\d日`` opens with
  a class, so ``re`` tries it at every digit. Every match contains its first top-level literal
  (``日``) preceded by the fixed-width items before it, so ``日(?<=(?<![\d.])(?:19|20)…[0-3]\d日)``
  followed by the rest of the pattern matches wherever the pattern does; opening with a literal,
  it is searched at ``re``'s literal speed. No gate matches: the pattern does not either. A gate
  anchored at a branch of literal strings (``(?:件|条|万元)``) is split by their first characters
  (``GateSet``): one gate opening with a branch would be tried at every character of the text
  that is in its first-character set, some 70 instructions a character against 2 for a literal. When the
  gate's lookbehind checks all that precedes the anchor (in fixed-width forms), every match starts
  where the gate matches less the width of one of those forms: ``finditer`` tries the pattern there.
- *prefix class*: when the gate's lookbehind cannot check what precedes the anchor (blanks that
  may run on: ``(?<!\d)(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月…`` anchored at 月), a class of every
  character a match can hold before the anchor (``[1920\d\s年]``): a match starts within the run of
  such characters that ends where the gate matches. ``finditer`` and ``found_in`` try the pattern
  only there when the gate matches seldom (``_window_matches``), instead of at every digit.
- *consumed class*: a class of every character a match can hold (``[\d\s,.件条…]`` for a number and
  its unit). No match runs across a character outside it, so ``pattern.finditer``'s matches after
  such a character are those of a finditer started right after it: ``finditer_ending_in`` reads
  only the matches that end in given windows (a breakdown's totals, right before 其中).
- *Latin-1 classes*: a class of more than a few characters, all below U+0100 (``[\u00a1-\u00ff]{6,}``,
  mojibake), one character of which every match needs: ruled out when the text holds none of them,
  which one encoding of the text to Latin-1 (dropping the rest, in C) tells for every such class.
- *doubled text*: a pattern with ``(?P<w>[class]{m,n})(?P=w)`` (a word written twice, the class
  within U+0100..U+FFFF, e.g. Han) can only match where some k (m <= k <= n) such characters are
  followed by the same k characters. ``re`` would try the group at every position of the text (some
  200 µs on a report); ``TextIndex.doubled_somewhere`` compares the text with itself shifted by k
  characters as big integers, in C, and looks for k equal characters in a row.

``TextIndex`` answers, once per document and string, whether a string occurs in the text, where
it starts and on which lines (``Document.index`` keeps one per document, shared by structure and every rule).
Built on both: ``may_match`` and ``could_match`` (skip a search), ``found_in`` and ``ruled_out``
(``search`` answered without searching, or ruled out in a range), ``candidate_lines`` (the lines a
line-by-line search needs), ``finditer`` and ``match_spans`` (``pattern.finditer``'s very matches,
found from the start words or the line starts). Every answer is the plain regex's answer; fewer
facts about a pattern only cost speed.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import sys
from collections.abc import Iterable, Iterator

from auditor.document import line_starts_of
from auditor.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

try:
    import _sre
    from re import _compiler, _parser
    from re import _constants as _sre_constants
except ImportError:  # pragma: no cover - another Python implementation
    _parser = None  # type: ignore[assignment]

Clause = frozenset[str]

# a class of at most this many characters becomes a clause of single characters
_SMALL_CLASS = 6
# a branch of at most this many alternatives becomes a clause (one literal per alternative)
_MAX_ALTERNATIVES = 24
# at most this many words a match can start with (more: tried at every position, as re does)
_MAX_STARTS = 24
# characters ``re`` scans in the time Python tries a pattern at one place: ``finditer`` tries a
# pattern at its start words only when they start less often than once per this many characters
CANDIDATE_SPACING = 100
# bytes.translate table: a high byte of 0 (a character below U+0100) -> 1, others -> 0
_HIGH_BYTE_ZERO = bytes([1] + [0] * 255)


@record(eq=False, repr=False)
class Prefilter:
    """What is known of one pattern before searching with it (see the module docstring)."""

    clauses: tuple[Clause, ...] = ()
    gate: re.Pattern[str] | GateSet | None = None  # the anchor gate
    line_anchored: bool = False  # every match starts at a line start (the pattern opens with a multi-line ^)
    doubled: tuple[int, int] | None = None  # every match has m..n characters (U+0100..U+FFFF) written twice
    starts: tuple[str, ...] = ()  # every match starts with one of these words; () when not known, or
    # when re finds where a match can start by itself as fast (see _start_words)
    nonempty: bool = False  # no match is empty
    selective: Clause | None = None  # by its strings alone, the clause likeliest to be rare (see _strength)
    line_or_starts: tuple[str, ...] | None = None  # every match starts at a line start or with one of these
    latin1: tuple[str, ...] = ()  # classes of characters below U+0100, one character of each in every match
    gate_widths: tuple[int, ...] | None = None  # every match starts where the gate matches less one of these
    prefix: str | None = None  # a class of every character a match holds before its anchor (see _prefix_class)
    consumed: str | None = None  # a class of every character a match holds (see _consumed_class)
    first_parts: GateSet | None = None  # the pattern split by its first character (see _first_parts)


# plain ints: operators on re.RegexFlag members run Python code (an enum), some 1 µs a call
_MULTILINE = int(re.MULTILINE)
_NOT_UNICODE = ~int(re.UNICODE)
# bump when what ``_derived`` computes changes (the results are kept in regexcache's file)
_VERSION = 12


# the prefilter of each pattern object asked about (with the object, so that its id stays its own)
_OF_PATTERN: dict[int, tuple[object, Prefilter]] = {}


def of_pattern(pattern: re.Pattern[str] | Any) -> Prefilter:
    """The prefilter of a compiled pattern, or of a rule's lazily compiled one (``LazyPattern``),
    without compiling it: a pattern ruled out for a report is never compiled. Asked for every rule
    pattern of every report, so it is kept per pattern object (a dict lookup by id)."""
    known = _OF_PATTERN.get(id(pattern))
    if known is not None and known[0] is pattern:
        return known[1]
    if len(_OF_PATTERN) >= 4096:  # bounded: a server may load many rulebooks
        _OF_PATTERN.clear()
    found = _of_pattern(pattern)
    _OF_PATTERN[id(pattern)] = (pattern, found)
    return found


def _of_pattern(pattern: re.Pattern[str] | Any) -> Prefilter:
    flags = pattern.flags if isinstance(pattern, re.Pattern) else \
        getattr(pattern, "__dict__", {}).get("flags", _MULTILINE)  # a LazyPattern compiles with re.MULTILINE
    return prefilter(pattern.pattern, flags & _NOT_UNICODE)  # re adds UNICODE to every str pattern


@functools.lru_cache(maxsize=4096)  # bounded: a server may load many rulebooks
def prefilter(source: str, flags: int = re.MULTILINE) -> Prefilter:
    """The prefilter of a pattern; an empty one when nothing is known (or the pattern ignores case).

    Deriving it parses the pattern and compiles its gate (some 0.3 ms a pattern), so what it
    derives is kept per machine with the rulebook's compiled regexes (``regexcache.remembered``)."""
    from auditor import regexcache

    name = f"textscan{_VERSION}:{flags}:{source}"
    try:
        return _from_data(regexcache.remembered(name, lambda: _derived(source, flags)))
    except Exception:  # a damaged or foreign entry: derive afresh, and keep that for the next runs
        return _from_data(regexcache.remember(name, _derived(source, flags)))


def _derived(source: str, flags: int) -> dict[str, Any]:
    """The prefilter of ``source`` as JSON data (the gate as the code ``_sre.compile`` takes)."""
    empty: dict[str, Any] = {"clauses": [], "first_parts": None, "anchored": False, "doubled": None, "gate": None,
                             "starts": [], "nonempty": False, "line_or": None, "latin1": [], "gate_widths": None,
                             "prefix": None, "consumed": None}
    if _parser is None:
        return empty
    try:
        parsed = _parser.parse(source, flags)
    except (re.error, RecursionError):
        return empty
    flags |= parsed.state.flags
    if flags & re.IGNORECASE:
        return empty
    items = list(parsed.data)
    # clauses of single characters first: the cheapest tests, and an absent character settles it
    clauses = sorted(dict.fromkeys(_of_sequence(items)), key=lambda clause: max(map(len, clause)))
    return {"clauses": [sorted(clause) for clause in clauses], "first_parts": _first_parts(parsed, flags),
            "anchored": bool(flags & re.MULTILINE) and bool(items)
            and items[0] == (_sre_constants.AT, _sre_constants.AT_BEGINNING),
            "doubled": _doubled(items), "gate": _anchor_gate(parsed, flags),
            "starts": _start_words(items), "nonempty": parsed.getwidth()[0] > 0,
            "line_or": _line_or_words(items) if flags & re.MULTILINE else None,
            "latin1": _latin1_classes(items), "gate_widths": _gate_widths(parsed), "prefix": _prefix_class(parsed),
            "consumed": _consumed_class(parsed)}


def _from_data(data: dict[str, Any]) -> Prefilter:
    clauses = tuple(frozenset(clause) for clause in data["clauses"])
    starts = tuple(data["starts"])
    line_or = tuple(data["line_or"]) if data["line_or"] is not None else None
    latin1 = tuple(data["latin1"])
    gate_widths = tuple(int(width) for width in data["gate_widths"]) if data["gate_widths"] is not None else None
    if not all(clause and all(isinstance(string, str) and string for string in clause) for clause in clauses) \
            or not all(isinstance(word, str) and word for word in starts + (line_or or ()) + latin1) \
            or any(max(chars) > "\xff" for chars in latin1):
        raise ValueError("bad clauses")
    doubled = data["doubled"]
    gate = _compiled_gate(data["gate"]) if data["gate"] else None
    if gate is None or (gate_widths is not None and any(width < 0 for width in gate_widths)):
        gate_widths = None
    prefix = data["prefix"] if gate is not None and isinstance(data["prefix"], str) else None
    consumed = data["consumed"] if isinstance(data["consumed"], str) else None
    first_parts = _compiled_gate(data["first_parts"]) if data["first_parts"] else None
    return Prefilter(clauses, gate, bool(data["anchored"]),
                     (int(doubled[0]), int(doubled[1])) if doubled is not None else None,
                     starts, bool(data["nonempty"]), max(clauses, key=_strength) if clauses else None, line_or,
                     latin1, gate_widths, prefix, consumed,
                     first_parts if isinstance(first_parts, GateSet) else None)


# the longest repeated group ``doubled_somewhere`` is asked about (one big-integer pass per length)
_LONGEST_DOUBLED = 8


def _compiled_gate(parts: list[Any]) -> re.Pattern[str] | GateSet | None:
    """The gate from the code of its parts (see ``_anchor_gate``); None when ``_sre`` refuses one."""
    compiled = []
    for gate_flags, code, groups, groupindex, indexgroup in parts:
        try:  # _sre validates the code; if it refuses, the plain search decides
            compiled.append(_sre.compile(None, gate_flags, code, groups, groupindex, tuple(indexgroup)))
        except Exception:
            return None
    return compiled[0] if len(compiled) == 1 else GateSet(tuple(compiled))


class GateSet:
    """An anchor gate in parts, one per first character of the branch it is anchored at: the gate
    matches where one of its parts does. Each part opens with a literal, which ``re`` searches for
    at its literal speed (see the module docstring)."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[re.Pattern[str], ...]) -> None:
        self.parts = parts

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """The match of the part that matches leftmost (what the gate in one piece would find)."""
        found = [match for match in (part.search(text, pos, endpos) for part in self.parts) if match is not None]
        return min(found, key=_match_start) if found else None


def _match_start(match: re.Match[str]) -> int:
    return match.start()


def _gate_found(gate: re.Pattern[str] | GateSet, text: str, start: int, end: int) -> bool:
    """Does ``gate`` match in ``text[start:end]``? (A gate in parts stops at the first part that does.)"""
    if isinstance(gate, GateSet):
        return any(part.search(text, start, end) is not None for part in gate.parts)
    return gate.search(text, start, end) is not None


def _gate_starts(gate: re.Pattern[str] | GateSet, text: str, start: int, end: int, limit: int) -> list[int] | None:
    """Every place in ``text[start:end]`` where ``gate`` matches (a search from the character after
    each), in order; None when there are more than ``limit``."""
    found: set[int] = set()
    for part in gate.parts if isinstance(gate, GateSet) else (gate,):
        search = part.search
        match = search(text, start, end)
        while match is not None:
            found.add(match.start())
            if len(found) > limit:
                return None
            match = search(text, match.start() + 1, end)
    return sorted(found)


def _doubled(items: list[Any]) -> tuple[int, int] | None:
    """(m, n) when the sequence (or a plain group in it) has ``(?P<w>[class]{m,n})(?P=w)`` with a
    class of characters from U+0100 to U+FFFF only, else None."""
    sre = _sre_constants
    for (op, av), (next_op, next_av) in itertools.pairwise(items):
        if op is sre.SUBPATTERN and next_op is sre.GROUPREF and next_av == av[0] and len(av[3].data) == 1:
            repeat_op, repeat = av[3].data[0]
            if (repeat_op is sre.MAX_REPEAT and 1 <= repeat[0] <= repeat[1] <= _LONGEST_DOUBLED
                    and len(repeat[2].data) == 1 and repeat[2].data[0][0] is sre.IN
                    and _beyond_latin1(repeat[2].data[0][1])):
                return repeat[0], repeat[1]
    for op, av in items:
        if op is sre.SUBPATTERN and not av[1] and not av[2]:
            found = _doubled(list(av[3].data))
            if found is not None:
                return found
    return None


def _beyond_latin1(class_items: list[Any]) -> bool:
    """Does the class hold only characters from U+0100 to U+FFFF (no negation, no categories)?"""
    sre = _sre_constants
    return all((op is sre.LITERAL and 0x100 <= av <= 0xFFFF) or (op is sre.RANGE and 0x100 <= av[0] <= av[1] <= 0xFFFF)
               for op, av in class_items)


def required_literals(source: str, flags: int = re.MULTILINE) -> tuple[Clause, ...]:
    """Clauses of strings, one string of each of which occurs in any text the pattern matches in."""
    return prefilter(source, flags).clauses


def _flat(items: list[Any]) -> list[Any]:
    """Top-level items with plain groups opened (a group's items are part of the sequence)."""
    flat: list[Any] = []
    for op, av in items:
        if op is _sre_constants.SUBPATTERN and not av[1] and not av[2]:
            flat += _flat(list(av[3].data))
        else:
            flat.append((op, av))
    return flat


def _has_reference(items: Iterable[Any]) -> bool:
    """Does a back-reference or a conditional occur anywhere in ``items``?"""
    sre = _sre_constants
    for op, av in items:
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            return True
        children = av if isinstance(av, (list, tuple)) else [av]
        for child in children:
            if isinstance(child, _parser.SubPattern) and _has_reference(child.data):
                return True
            if isinstance(child, list) and any(isinstance(part, _parser.SubPattern) and _has_reference(part.data)
                                               for part in child):
                return True
    return False


def _anchored(parsed: Any) -> tuple[list[Any], tuple[int, int]] | None:
    """The pattern's flattened top-level items and its anchor (see ``_anchor``), or None when it has
    no anchor or holds a back-reference."""
    if _has_reference(parsed.data):
        return None
    items = _flat(list(parsed.data))
    anchor = _anchor(items)
    return None if anchor is None else (items, anchor)


def _anchor_gate(parsed: Any, flags: int) -> list[Any] | None:
    """The code of the parts of the anchor gate of the pattern ``… W A R``: ``A(?<=W A)R``, A its first
    top-level run of literals after the first item (or else a branch of literal strings, each
    alternative getting its own lookbehind, one part per first character of the alternatives: see
    ``_gate_heads``), W the items right before A that have a fixed width or a few fixed-width forms
    (``0?[1-9]``: ``[1-9]`` or ``0[1-9]``, one lookbehind each), and the fixed-width end of the first
    item that has neither; None when there is no anchor."""
    found = _anchored(parsed)
    if found is None:
        return None
    items, anchor = found
    first, last = anchor
    behind = _behind(items[:first])
    state = parsed.state
    if items[first][0] is _sre_constants.LITERAL:
        heads = [_looking_back(items[first:last], behind, state)]
    else:
        heads = _gate_heads([_looking_back(alternative.data, behind, state) for alternative in items[first][1][1]],
                            state)
    try:
        return [_sre_code(state, head + items[last:], flags) for head in heads]
    except Exception:  # an internal interface changed: no gate, the plain search decides
        return None


def _sre_code(state: Any, items: list[Any], flags: int) -> list[Any]:
    """What ``_sre.compile`` takes (less the source) for the parsed ``items`` of a pattern whose
    parser state is ``state``: [flags, code, groups, group index, index group] (see ``_compiled_gate``)."""
    indexgroup: list[str | None] = [None] * state.groups
    for name, number in state.groupdict.items():
        indexgroup[number] = name
    code = list(_compiler._code(_parser.SubPattern(state, items), flags))
    return [flags, code, state.groups - 1, dict(state.groupdict), indexgroup]


def _gate_heads(alternatives: list[list[Any]], state: Any) -> list[list[Any]]:
    """The heads of the gate's parts for a branch anchor: its alternatives (each a literal string
    with its lookbehinds) grouped by their first character, which each head opens with:
    ``件(?<=…)``, ``万(?:元(?<=…)|…)``. (``re`` finds the first character of a branch of
    alternatives only through a first-character set, at every character of the text.)"""
    grouped: dict[Any, list[list[Any]]] = {}
    for alternative in alternatives:
        grouped.setdefault(alternative[0], []).append(alternative[1:])
    heads = []
    for literal, rests in grouped.items():
        if len(rests) == 1:
            heads.append([literal, *rests[0]])
        else:
            branch = (_sre_constants.BRANCH, (None, [_parser.SubPattern(state, rest) for rest in rests]))
            heads.append([literal, branch])
    return heads


def _first_parts(parsed: Any, flags: int) -> list[Any] | None:
    """The code of the pattern's parts when it opens with a small class: one part per character of
    the class, the pattern with that character in its place (see the module docstring); else None."""
    items = list(parsed.data)
    if not items or items[0][0] is not _sre_constants.IN:
        return None
    chars = _class_chars(items[0][1])
    if len(chars) < 2:
        return None
    try:
        return [_sre_code(parsed.state, [(_sre_constants.LITERAL, ord(char)), *items[1:]], flags) for char in chars]
    except Exception:  # an internal interface changed: the plain search decides
        return None


def _gate_widths(parsed: Any) -> list[int] | None:
    """The widths of what precedes the anchor in a match, when the anchor gate's lookbehind checks
    all of it (``_behind`` splits every item before the anchor into fixed-width forms, without
    falling back to the fixed-width end of one); None otherwise or without a gate."""
    found = _anchored(parsed)
    if found is None:
        return None
    items, anchor = found
    forms: list[list[Any]] = [[]]
    for item in reversed(items[:anchor[0]]):  # as _behind does
        expanded = _forms(item)
        if expanded is None or len(expanded) * len(forms) > _MAX_FORMS:
            return None
        forms = [before + form for before in expanded for form in forms]
    if not _bounded_but_blanks(items[anchor[1]:]):
        return None
    widths: set[int] = set()
    for form in forms:
        low, high = _parser.SubPattern(parsed.state, form).getwidth()
        if low != high:
            return None
        widths.add(low)
    return sorted(widths)


def _prefix_class(parsed: Any) -> str | None:
    r"""The source of a character class that holds every character a match consumes before its
    anchor (every character the items before the anchor can match: ``[1920\d\s年]`` for
    ``(?<!\d)(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月…``, anchored at 月). A match then starts within the
    run of such characters that ends at one of the places where the anchor gate matches (see
    ``_window_matches``). None without an anchor, or when an item before it may match any
    character or one outside a plain class (``.``, ``[^。]``, ``\D``)."""
    found = _anchored(parsed)
    if found is None:
        return None
    items, (first, _) = found
    return _class_of(items[:first])


def _consumed_class(parsed: Any) -> str | None:
    """The source of a character class that holds every character any match holds (``[\\d\\s,.件条]``
    for a number and its unit); None when an item may match any character or one outside a plain
    class. No match holds a character outside it: a match never runs across one."""
    return _class_of(list(parsed.data))


def _class_of(items: list[Any]) -> str | None:
    """The source of a class of every character ``items`` can match (see ``_class_parts``); None
    when that is not known, or they match nothing."""
    parts: list[str] = []
    if not _class_parts(items, parts) or not parts:
        return None
    return "[" + "".join(dict.fromkeys(parts)) + "]"


def _class_parts(items: list[Any], parts: list[str]) -> bool:
    """Add to ``parts`` the class members (as regex source) of every character ``items`` can
    match; False when that is not known or not a plain set (see ``_prefix_class``)."""
    sre = _sre_constants
    categories = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}
    for op, av in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # consumes nothing
        if op is sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is sre.IN:
            for member_op, member_av in av:
                if member_op is sre.LITERAL:
                    parts.append(re.escape(chr(member_av)))
                elif member_op is sre.RANGE:
                    parts.append(re.escape(chr(member_av[0])) + "-" + re.escape(chr(member_av[1])))
                elif member_op is sre.CATEGORY and member_av in categories:
                    parts.append(categories[member_av])
                else:
                    return False
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT, sre.SUBPATTERN, sre.ATOMIC_GROUP,
                    sre.BRANCH):
            if op is sre.SUBPATTERN and (av[1] or av[2]):
                return False  # flags set inside the group
            if not all(_class_parts(child, parts) for child in _children(op, av)):
                return False
        else:
            return False
    return True


# blank characters: a repeat of them alone may be unbounded after the anchor (see _bounded_but_blanks)
_BLANK_CODES = frozenset(map(ord, " \t\n\r\x0b\x0c\u3000"))


def _bounded_but_blanks(items: list[Any]) -> bool:
    r"""Is every repeat in the sequence bounded, or a repeat of blanks (``\s*``, ``[ \t]+``)? Then a
    try of the gate or the pattern at one anchor reads a bounded stretch past it, but for runs of
    blanks, which hold no anchor: trying every anchor costs about one pass over the text, where an
    unbounded tail (``[^。]*``) could read the text again from each anchor."""
    sre = _sre_constants
    repeats = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
    for op, av in items:
        if op in repeats and av[1] >= sre.MAXREPEAT and not _blank_class(list(av[2].data)):
            return False
        if not all(_bounded_but_blanks(child) for child in _children(op, av)):
            return False
    return True


def _children(op: Any, av: Any) -> list[list[Any]]:
    """The sequences inside an item: a repeat's, a group's, each alternative's, an assertion's."""
    sre = _sre_constants
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return [list(av[2].data)]
    if op is sre.SUBPATTERN:
        return [list(av[3].data)]
    if op is sre.ATOMIC_GROUP:
        return [list(av.data)]
    if op is sre.BRANCH:
        return [list(alternative.data) for alternative in av[1]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [list(av[1].data)]
    return []


def _blank_class(items: list[Any]) -> bool:
    """Is the sequence one blank character or a class of blanks only (``\\s``, space, tab, line break)?"""
    sre = _sre_constants
    if len(items) != 1:
        return False
    op, av = items[0]
    if op is sre.LITERAL:
        return av in _BLANK_CODES
    return op is sre.IN and all((member_op is sre.CATEGORY and member_av is sre.CATEGORY_SPACE)
                                or (member_op is sre.LITERAL and member_av in _BLANK_CODES)
                                for member_op, member_av in av)


def _looking_back(literals: list[Any], behind: list[list[Any]], state: Any) -> list[Any]:
    """``L(?<=W L)`` for literals L and the forms W of what precedes them (``L(?:(?<=W1 L)|…)``)."""
    sre = _sre_constants
    checks = [(sre.ASSERT, (-1, _parser.SubPattern(state, form + literals))) for form in behind]
    if len(checks) == 1:
        return [*literals, checks[0]]
    return [*literals, (sre.BRANCH, (None, [_parser.SubPattern(state, [check]) for check in checks]))]


def _anchor(items: list[Any]) -> tuple[int, int] | None:
    """(first, end) index of the anchor in ``items``: a run of literals, or else a branch of
    literal strings, not at the start (a pattern opening with a literal is fast already)."""
    sre = _sre_constants
    for first in range(1, len(items)):
        if items[first][0] is sre.LITERAL:
            last = first
            while last < len(items) and items[last][0] is sre.LITERAL:
                last += 1
            return first, last
    for first in range(1, len(items)):
        op, av = items[first]
        if op is sre.BRANCH and len(av[1]) <= _MAX_ALTERNATIVES and all(
                alternative.data and all(part[0] is sre.LITERAL for part in alternative.data) for alternative in av[1]):
            return first, first + 1
    return None


# most fixed-width forms a lookbehind of the anchor gate is split into
_MAX_FORMS = 16


def _behind(items: list[Any]) -> list[list[Any]]:
    r"""The fixed-width forms of what every match of ``items`` ends with: the items at the end that
    have a fixed width or a few fixed-width forms, and the fixed-width end of the item before
    them (``\s`` for ``\s{2,}``)."""
    forms: list[list[Any]] = [[]]
    for item in reversed(items):
        expanded = _forms(item)
        if expanded is None or len(expanded) * len(forms) > _MAX_FORMS:
            tail = _tail(item)
            return [tail + form for form in forms]
        forms = [before + form for before in expanded for form in forms]
    return forms


def _forms(item: Any) -> list[list[Any]] | None:
    r"""Fixed-width item sequences that together match what ``item`` matches (``\d{1,2}``:
    ``\d`` and ``\d\d``), or None when there would be too many or it cannot be split."""
    sre = _sre_constants
    op, av = item
    if _fixed_width(item):
        return [[item]]
    forms: list[list[Any]] | None
    if op is sre.BRANCH:
        forms = []
        for alternative in av[1]:
            alternative_forms = _sequence_forms(list(alternative.data))
            if alternative_forms is None:
                return None
            forms += alternative_forms
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[1] - av[0] <= 3:
        body = _sequence_forms(list(av[2].data))
        if body is None:
            return None
        forms = [form for count in range(av[0], av[1] + 1) for form in _sequence_forms_of([body] * count)]
    elif op is sre.SUBPATTERN and not av[1] and not av[2]:
        forms = _sequence_forms(list(av[3].data))
    else:
        return None
    return forms if forms is not None and len(forms) <= _MAX_FORMS else None


def _sequence_forms(items: list[Any]) -> list[list[Any]] | None:
    parts = []
    for item in items:
        forms = _forms(item)
        if forms is None:
            return None
        parts.append(forms)
    combined = _sequence_forms_of(parts)
    return combined if len(combined) <= _MAX_FORMS else None


def _sequence_forms_of(parts: list[list[list[Any]]]) -> list[list[Any]]:
    """Every concatenation of one form of each part, in order."""
    combined: list[list[Any]] = [[]]
    for forms in parts:
        combined = [head + form for head in combined for form in forms]
        if len(combined) > _MAX_FORMS:
            return combined
    return combined


def _tail(item: Any) -> list[Any]:
    """Fixed-width items that every match of ``item`` ends with ([] when unknown)."""
    sre = _sre_constants
    op, av = item
    if _fixed_width(item):
        return [item]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
        return _sequence_tail(list(av[2].data))
    if op is sre.SUBPATTERN and not av[1] and not av[2]:
        return _sequence_tail(list(av[3].data))
    if op is sre.BRANCH:
        tails = [_sequence_tail(list(alternative.data)) for alternative in av[1]]
        widths = {_parser.SubPattern(None, tail).getwidth() for tail in tails}  # type: ignore[arg-type]
        if all(tails) and len(widths) == 1:
            return [(sre.BRANCH, (None, [_parser.SubPattern(None, tail) for tail in tails]))]  # type: ignore[arg-type]
    return []


def _sequence_tail(items: list[Any]) -> list[Any]:
    """Fixed-width items every match of the sequence ends with: the end of its last item that
    consumes text (assertions after it are left out)."""
    while items and _parser.SubPattern(None, [items[-1]]).getwidth() == (0, 0):  # type: ignore[arg-type]
        items = items[:-1]
    return _tail(items[-1]) if items else []


def _fixed_width(item: Any) -> bool:
    low, high = _parser.SubPattern(None, [item]).getwidth()  # type: ignore[arg-type]
    return bool(low == high)


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


def _starts(items: list[Any]) -> list[str]:
    """Words one of which every match of the sequence starts with (after zero-width assertions and
    anchors); [] when not known."""
    sre = _sre_constants
    index = 0
    while index < len(items) and items[index][0] in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        index += 1
    if index == len(items):
        return []
    op, av = items[index]
    words: list[str] = []
    if _literal_char(op, av) is not None:
        end = index
        while end < len(items) and _literal_char(*items[end]) is not None:
            end += 1
        run = "".join(_literal_char(*item) for item in items[index:end])  # type: ignore[misc]
        tails = _exact(items[end]) if end < len(items) else []
        words = [run + tail for tail in tails] if tails and len(tails) <= _MAX_STARTS else [run]
    elif op is sre.IN:
        words = _class_chars(av)
    elif op is sre.SUBPATTERN and not av[1] and not av[2]:
        words = _starts(list(av[3].data))
    elif op is sre.ATOMIC_GROUP:
        words = _starts(list(av.data))
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        words = _starts(list(av[2].data))
    elif op is sre.BRANCH:
        for alternative in av[1]:
            alternative_words = _starts(list(alternative.data))
            if not alternative_words:
                return []
            words += alternative_words
    words = list(dict.fromkeys(words))
    return words if len(words) <= _MAX_STARTS else []


def _start_words(items: list[Any]) -> list[str]:
    """``_starts``, where trying a pattern only at its start words can beat ``re``: not when the
    pattern opens with literal text (``re`` scans for it itself), nor when a start word is a single
    character (``re`` skips to a match's possible first characters, see ``regexcache``)."""
    sre = _sre_constants
    first = items
    while first and first[0][0] is sre.SUBPATTERN and not first[0][1][1] and not first[0][1][2]:
        first = list(first[0][1][3].data)
    if first and _literal_char(*first[0]) is not None:
        return []
    words = _starts(items)
    return words if all(len(word) > 1 for word in words) else []


def _latin1_classes(items: list[Any]) -> list[str]:
    """The characters of each class that every match of the sequence holds a character of (the
    class itself, in a group, or repeated at least once) when the class has more characters than a
    clause takes (``_SMALL_CLASS``), all below U+0100 (literals and ranges, no categories or negation)."""
    sre = _sre_constants
    classes: list[str] = []
    for op, av in items:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            classes += _latin1_classes(list(av[2].data))
        elif op is sre.SUBPATTERN and not av[1] and not av[2]:  # a group, named or not, without flags
            classes += _latin1_classes(list(av[3].data))
        elif op is sre.ATOMIC_GROUP:
            classes += _latin1_classes(list(av.data))
        elif op is sre.IN:
            chars = _latin1_chars(av)
            if chars is not None and len(chars) > _SMALL_CLASS:
                classes.append(chars)
    return list(dict.fromkeys(classes))


def _latin1_chars(class_items: list[Any]) -> str | None:
    """The characters of a class of literals and ranges below U+0100, sorted; None for any other class."""
    sre = _sre_constants
    chars: set[str] = set()
    for op, av in class_items:
        if op is sre.LITERAL and av < 0x100:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] < 0x100:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return "".join(sorted(chars))


def _line_or_words(items: list[Any]) -> list[str] | None:
    r"""The start words of a multi-line pattern that opens with a branch whose alternatives each
    open with ``^`` (one at least) or with start words (``(?:^|\|)…``: ``["|"]``); None for any
    other pattern."""
    sre = _sre_constants
    items = _flat(items)
    if not items or items[0][0] is not sre.BRANCH:
        return None
    words: list[str] = []
    caret = False  # without a ^ alternative, the start words alone are the business of _start_words
    for alternative in items[0][1][1]:
        data = list(alternative.data)
        if data and data[0] == (sre.AT, sre.AT_BEGINNING):
            caret = True
            continue
        alternative_words = _starts(data)
        if not alternative_words:
            return None
        words += alternative_words
    words = list(dict.fromkeys(words))
    return words if caret and len(words) <= _MAX_STARTS else None


def _exact(item: Any) -> list[str]:
    """The strings ``item`` matches when it is a small class or a branch of non-empty literal strings, else []."""
    sre = _sre_constants
    op, av = item
    if op is sre.IN:
        return _class_chars(av)
    if op is sre.BRANCH:
        strings = []
        for alternative in av[1]:
            chars = [_literal_char(*part) for part in alternative.data]
            if not chars or None in chars:
                return []
            strings.append("".join(chars))  # type: ignore[arg-type]
        return strings
    return []


@functools.lru_cache(maxsize=256)
def _others(chars: str) -> bytes:
    """The bytes 0-255 that are not one of ``chars`` (characters below U+0100)."""
    return bytes(sorted(set(range(256)) - set(chars.encode("latin-1"))))


class TextIndex:
    """Which strings occur in one text, where they start and on which lines; each answer computed once."""

    def __init__(self, text: str, line_starts: tuple[int, ...] | None = None) -> None:
        self.text = text
        self._present: dict[str, bool] = {}
        self._line_starts = line_starts
        self._doubled_answers: dict[tuple[int, int], bool] = {}
        self._lines: dict[frozenset[str], set[int]] = {}
        self._counts: dict[Clause, int] = {}
        self._candidates: dict[tuple[str, ...], tuple[list[int] | None]] = {}
        self._line_or: dict[tuple[str, ...], tuple[list[int] | None]] = {}
        self._latin1: bytes | None = None  # the text's characters below U+0100, encoded
        self._gate: dict[tuple[re.Pattern[str] | GateSet, tuple[int, ...]], tuple[list[int] | None]] = {}
        self._latin1_answers: dict[str, bool] = {}
        self._anchors: dict[tuple[re.Pattern[str] | GateSet, int, int], tuple[list[int] | None]] = {}
        self._reversed: str | None = None  # the text backwards (to find where a run of characters starts)

    @property
    def line_starts(self) -> tuple[int, ...]:
        if self._line_starts is None:
            self._line_starts = line_starts_of(self.text)
        return self._line_starts

    def doubled_somewhere(self, shortest: int, longest: int) -> bool:
        """Is there a k (shortest <= k <= longest) such that k characters from U+0100 to U+FFFF are
        followed by the same k characters? May answer True when there is not (then the regex
        decides), never False when there is."""
        present = self._doubled_answers.get((shortest, longest))
        if present is None:
            present = self._doubled_answers[shortest, longest] = self._doubled(shortest, longest)
        return present

    def _doubled(self, shortest: int, longest: int) -> bool:
        # One byte per UTF-16 code unit: its low byte, as one big integer L, and a mask M with 1
        # where the high byte is 0 (ASCII, Latin-1). For a shift by k units, byte i of
        # (L ^ L >> k bytes) | M | M >> k bytes is zero where units i and i + k have the same low
        # byte and neither is below U+0100: k zero bytes in a row are where k characters (of the
        # Basic Multilingual Plane, beyond U+00FF) may be followed by the same k. Equal characters
        # always give a zero byte; unequal ones rarely do, and then the regex decides.
        try:
            units = self.text.encode("utf-16-le")
        except UnicodeEncodeError:  # a lone surrogate: let the regex decide
            return True
        count = len(units) // 2
        low = int.from_bytes(units[::2], "little")
        mask = int.from_bytes(units[1::2].translate(_HIGH_BYTE_ZERO), "little")
        for length in range(shortest, min(longest, count // 2) + 1):
            shift = 8 * length
            diff = ((low ^ (low >> shift)) | mask | (mask >> shift)).to_bytes(count, "little")
            if diff.find(b"\0" * length, 0, count - length) != -1:  # (no copy of the first count - length)
                return True
        return False

    @property
    def latin1(self) -> bytes:
        """The characters of the text below U+0100, in order, as Latin-1 bytes (encoded once)."""
        if self._latin1 is None:
            self._latin1 = self.text.encode("latin-1", "ignore")
        return self._latin1

    def holds_latin1(self, classes: tuple[str, ...]) -> bool:
        """Does the text hold a character of each of ``classes`` (strings of characters below U+0100)?"""
        for chars in classes:
            present = self._latin1_answers.get(chars)
            if present is None:
                present = self._latin1_answers[chars] = bool(self.latin1.translate(None, _others(chars)))
            if not present:
                return False
        return True

    def contains(self, string: str) -> bool:
        present = self._present.get(string)
        if present is None:
            present = self._present[string] = self._contains(string)
        return present

    def _contains(self, string: str) -> bool:
        if len(string) == 1:
            return self._has_char(string)
        # one absent character settles it without the (slower) substring search; each character's
        # answer is kept too (the loop reads them without a call per character)
        present, text = self._present, self.text
        for char in string:
            known = present.get(char)
            if known is None:
                known = present[char] = char in text if char >= "\u0100" else self._has_char(char)
            if not known:
                return False
        return string in text

    def _has_char(self, char: str) -> bool:
        # a character below U+0100 is looked for in the Latin-1 bytes: in the text, each of its
        # (many) Han characters with the same low byte stops the search
        return ord(char) in self.latin1 if char < "\u0100" else char in self.text

    def may_match(self, clauses: tuple[Clause, ...]) -> bool:
        """False when some clause has no string in the text: the pattern cannot match."""
        present = self._present
        text = self.text
        for clause in clauses:
            for string in clause:
                known = present.get(string)
                if known is None:
                    # (a character beyond Latin-1 answered here: most strings asked are one Han
                    # character, and two calls per string cost as much as the search)
                    if len(string) == 1 and string >= "\u0100":
                        known = present[string] = string in text
                    else:
                        known = present[string] = self._contains(string)
                if known:
                    break
            else:
                return False
        return True

    def rarest(self, clauses: tuple[Clause, ...]) -> Clause:
        """The clause whose strings occur least often in the text (``clauses`` not empty)."""
        if len(clauses) == 1:
            return clauses[0]
        return min(clauses, key=self._count)

    def _count(self, clause: Clause) -> int:
        count = self._counts.get(clause)
        if count is None:
            count = self._counts[clause] = sum(map(self.text.count, clause))
        return count

    def lines_holding(self, strings: frozenset[str]) -> set[int]:
        """0-based indexes of the lines where one of ``strings`` starts. Do not modify the set."""
        lines = self._lines.get(strings)
        if lines is None:
            lines = self._lines[strings] = set()
            text, starts = self.text, self.line_starts
            find, last = text.find, len(starts) - 1
            for string in strings:
                position = find(string)
                while position != -1:
                    line = bisect.bisect_right(starts, position) - 1
                    lines.add(line)
                    if line == last:
                        break
                    # the next occurrence on a later line: the rest of this line holds no new line index
                    position = find(string, starts[line + 1])
        return lines

    def start_positions(self, words: tuple[str, ...]) -> list[int] | None:
        """Where one of ``words`` starts, in order (overlapping occurrences included); None when
        they start so often that letting ``re`` scan the text is faster than trying a pattern at
        each of them from Python (more than one per CANDIDATE_SPACING characters)."""
        cached = self._candidates.get(words)
        if cached is None:
            cached = self._candidates[words] = (self._start_positions(words),)
        return cached[0]

    def line_or_positions(self, words: tuple[str, ...]) -> list[int] | None:
        """The line starts and where one of ``words`` starts, in order; None when the words start
        too often (see ``start_positions``)."""
        cached = self._line_or.get(words)
        if cached is None:
            found = self.start_positions(words) if words else []
            merged = None if found is None else sorted(set(self.line_starts).union(found))
            cached = self._line_or[words] = (merged,)
        return cached[0]

    def gate_positions(self, gate: re.Pattern[str] | GateSet, widths: tuple[int, ...]) -> list[int] | None:
        """Where a match can start: where ``gate`` matches less one of ``widths``, in order; None
        when the gate matches too often (see ``start_positions``)."""
        cached = self._gate.get((gate, widths))
        if cached is None:
            cached = self._gate[gate, widths] = (self._gate_positions(gate, widths),)
        return cached[0]

    def _gate_positions(self, gate: re.Pattern[str] | GateSet, widths: tuple[int, ...]) -> list[int] | None:
        text = self.text
        limit = len(text) // CANDIDATE_SPACING if CANDIDATE_SPACING else sys.maxsize
        anchors = _gate_starts(gate, text, 0, len(text), limit)  # (fewer anchors than places)
        if anchors is None:
            return None
        found = {anchor - width for anchor in anchors for width in widths}
        return sorted(found) if len(found) <= limit else None

    def gate_anchors(self, gate: re.Pattern[str] | GateSet, start: int, end: int) -> list[int] | None:
        """Where ``gate`` matches in ``text[start:end]`` (searched with those bounds), in order; None
        when it matches more often than once per CANDIDATE_SPACING characters of the range."""
        cached = self._anchors.get((gate, start, end))
        if cached is None:
            cached = self._anchors[gate, start, end] = (self._gate_anchors(gate, start, end),)
        return cached[0]

    def _gate_anchors(self, gate: re.Pattern[str] | GateSet, start: int, end: int) -> list[int] | None:
        limit = (end - start) // CANDIDATE_SPACING if CANDIDATE_SPACING else sys.maxsize
        return _gate_starts(gate, self.text, start, end, limit)

    def run_start(self, run: re.Pattern[str], position: int) -> int:
        """Where the run of characters that ``run`` (a class repeated, ``[…]*``) matches and that
        ends at ``position`` starts: one match of ``run`` in the reversed text."""
        if self._reversed is None:
            self._reversed = self.text[::-1]
        back = len(self.text) - position
        found = run.match(self._reversed, back)
        return position - (found.end() - back) if found is not None else position

    def _start_positions(self, words: tuple[str, ...]) -> list[int] | None:
        text = self.text
        find = text.find
        limit = len(text) // CANDIDATE_SPACING if CANDIDATE_SPACING else sys.maxsize
        found: list[int] = []
        for word in words:
            position = find(word) if self.contains(word) else -1
            while position != -1:
                found.append(position)
                if len(found) > limit:  # stop early: a word such as 信息 may start hundreds of times
                    return None
                position = find(word, position + 1)
        return sorted(set(found)) if len(words) > 1 else found


def candidate_lines(index: TextIndex, pattern: re.Pattern[str] | Any, counted: bool = True) -> set[int] | None:
    """The lines on which ``pattern`` may match (matched line by line): those holding a string of
    one of its clauses; None: any line. ``counted``: the clause found least often in the text (its
    strings counted once per index: worth it when a line costs searches with several patterns, as
    in the pattern kind); else the clause likeliest to be rare by its strings alone, not counted
    (each count is a pass over the text: dearer than structure's cheap test of a few more lines)."""
    known = of_pattern(pattern)
    if not known.clauses:
        return None
    clause = known.selective if not counted and known.selective is not None else index.rarest(known.clauses)
    return index.lines_holding(clause)


def may_match(index: TextIndex, pattern: re.Pattern[str] | Any) -> bool:
    """False when ``pattern`` cannot match anywhere in the indexed text, nor in any part of it.
    Reads only the pattern's source (and its flags once compiled), so a lazily compiled rule
    pattern that is ruled out is never compiled."""
    known = of_pattern(pattern)
    return index.may_match(known.clauses) and (not known.latin1 or index.holds_latin1(known.latin1))


def could_match(pattern: re.Pattern[str] | Any, text: str) -> bool:
    """``may_match`` for a short text, without an index."""
    return all(any(string in text for string in clause) for clause in of_pattern(pattern).clauses)


def found_in(index: TextIndex, pattern: re.Pattern[str] | Any) -> bool:
    """``pattern.search(index.text) is not None``, answered by the prefilter where it can be."""
    if ruled_out(index, pattern):
        return False
    text = index.text
    known = of_pattern(pattern)
    starts = _tried_at(index, known)
    if starts is not None:
        match = pattern.match
        return any(match(text, start) for start in starts)
    windows = _windows(index, known, 0, len(text))
    if windows is not None:
        return next(_window_matches(index, pattern, windows, 0, len(text)), None) is not None
    if known.first_parts is not None:
        return _gate_found(known.first_parts, text, 0, len(text))
    return pattern.search(text) is not None


def _tried_at(index: TextIndex, known: Prefilter) -> list[int] | tuple[int, ...] | None:
    """The only positions where a match can start, in order, when they are few (the line starts,
    where a start word starts, or both, or where the anchor gate places one); None: let ``re``
    scan the text."""
    if known.line_anchored and known.nonempty:
        return index.line_starts
    if known.line_or_starts is not None and known.nonempty:
        return index.line_or_positions(known.line_or_starts)
    if known.starts:
        return index.start_positions(known.starts)
    if known.gate is not None and known.gate_widths is not None:  # (a match holds the anchor: never empty)
        return index.gate_positions(known.gate, known.gate_widths)
    return None


def ruled_out(index: TextIndex, pattern: re.Pattern[str] | Any, start: int = 0, end: int | None = None) -> bool:
    """True when ``pattern.search(index.text, start, end)`` certainly finds nothing: a required
    literal is absent from the text or the anchor gate finds nothing in the same range. (A match
    within a range is a match of its literals in the text; the gate, searched with the same
    bounds, matches wherever the pattern does.)"""
    known = of_pattern(pattern)
    if not index.may_match(known.clauses):
        return True
    if known.latin1 and not index.holds_latin1(known.latin1):
        return True
    if known.doubled is not None and not index.doubled_somewhere(*known.doubled):
        return True
    text = index.text
    return known.gate is not None and not _gate_found(known.gate, text, start, len(text) if end is None else end)


def finditer(index: TextIndex, pattern: re.Pattern[str] | Any, start: int = 0,
             end: int | None = None) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(index.text, start, end)`` yields, found faster when it can be.

    Nothing when a literal the pattern needs is absent. When every match starts at a line start
    (and none is empty), or with one of a few words (``(?:收到|新收|受理)…``) that do not start too
    often, the pattern is tried only there, in order, from the end of the last match on: the
    leftmost match from any position is the first of those tries that matches, so the matches are
    exactly finditer's (a match with ``pos`` still sees the text before it, for lookbehinds and
    ``^``). Likewise, when the anchor gate matches seldom, only before those places (see
    ``_window_matches``). (Start words and line starts: for the whole text only.)"""
    known = of_pattern(pattern)
    if not index.may_match(known.clauses) or (known.latin1 and not index.holds_latin1(known.latin1)):
        return
    text = index.text
    end = len(text) if end is None else min(end, len(text))
    # first the anchor gate (a literal search), which finds nothing where the pattern finds nothing:
    # most rule patterns match nowhere in a report, and trying one at each of its start words costs more
    if known.gate is not None and not _gate_found(known.gate, text, start, end):
        return
    starts = _tried_at(index, known) if start == 0 and end == len(text) else None
    if starts is None:
        windows = _windows(index, known, start, end)
        if windows is not None:
            yield from _window_matches(index, pattern, windows, start, end)
        else:
            yield from pattern.finditer(text, start, end)
        return
    last_end = 0
    match_at = pattern.match
    for place in starts:
        if place < last_end:
            continue
        match = match_at(text, place)
        if match is not None:
            yield match
            last_end = match.end()  # never empty: it holds a start word, or nonempty


def _windows(index: TextIndex, known: Prefilter, start: int, end: int) -> tuple[re.Pattern[str], list[int]] | None:
    """The run pattern of the characters before the anchor and where the anchor gate matches in
    the range, when it does seldom (see ``_window_matches``); None otherwise."""
    if known.gate is None or known.prefix is None:
        return None
    anchors = index.gate_anchors(known.gate, start, end)
    return None if anchors is None else (_run_of(known.prefix), anchors)


@functools.lru_cache(maxsize=1024)  # bounded: a server may load many rulebooks
def _run_of(prefix: str) -> re.Pattern[str]:
    """A run of the characters of a prefix class (``[…]*``)."""
    from auditor import regexcache

    return regexcache.compile(prefix + "*")


def start_windows(index: TextIndex, pattern: re.Pattern[str] | Any) -> list[tuple[int, int]] | None:
    """Ranges (first, last), in order, one of which holds the start of every match of ``pattern``
    (from the start of the run of its prefix class's characters to each place its anchor gate
    matches: see ``_window_matches``); [] when it cannot match, None when that is not known or the
    gate matches too often."""
    known = of_pattern(pattern)
    if not index.may_match(known.clauses) or (known.latin1 and not index.holds_latin1(known.latin1)):
        return []
    windows = _windows(index, known, 0, len(index.text))
    if windows is None:
        return None
    run, anchors = windows
    return [(index.run_start(run, anchor), anchor) for anchor in anchors]


def finditer_ending_in(index: TextIndex, pattern: re.Pattern[str] | Any,
                       windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(index.text)`` that end in one of ``windows`` (ranges
    (first, last), in order), found without scanning the rest of the text when the pattern's
    characters are a known class (``Prefilter.consumed``): a match never holds a character outside
    it, so finditer's matches after such a character are those of ``finditer`` from right after it,
    the start of the run of the class's characters that ends at the window (or the end of the last
    match found, where finditer goes on). A match ending in a window starts in that run."""
    known = of_pattern(pattern)
    text = index.text
    if known.consumed is None:
        yield from (match for match in pattern.finditer(text) if any(first <= match.end() <= last
                                                                     for first, last in windows))
        return
    run = _run_of(known.consumed)
    last_end = 0  # the end of the last match found: finditer goes on from there
    for first, last in windows:
        for match in pattern.finditer(text, max(last_end, index.run_start(run, first))):
            if match.end() > last:
                break
            last_end = match.end()
            if match.end() >= first:
                yield match


def _window_matches(index: TextIndex, pattern: re.Pattern[str] | Any, windows: tuple[re.Pattern[str], list[int]],
                    start: int, end: int) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, start, end)``'s matches, tried only before the places where its
    anchor gate matches. Every match holds its anchor at such a place, and what it holds before the
    anchor consists of the prefix class's characters (``Prefilter.prefix``): it starts within the
    run of them that ends at that place, or at any later such place. So the leftmost match from a
    position is the first match tried, place by place in order, from the start of that run (or
    the position, or the last place tried) to the place itself; the matches are finditer's."""
    run, anchors = windows
    text = index.text
    match_at = pattern.match
    position = tried = start  # where the next match may start; every place before ``tried`` was tried
    for anchor in anchors:
        if anchor < position:
            continue
        place = max(position, tried, index.run_start(run, anchor))
        match = None
        while match is None and place <= anchor:
            match = match_at(text, place, end)
            place += 1
        tried = place
        if match is not None:
            yield match
            position = tried = match.end()  # never empty: it holds the anchor


def match_spans(index: TextIndex, pattern: re.Pattern[str] | Any) -> list[tuple[int, int]]:
    """The spans of ``pattern.finditer(index.text)``."""
    return [match.span() for match in finditer(index, pattern)]
