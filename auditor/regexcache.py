"""The rulebook's regexes, compiled once per machine rather than once per run.

A cold ``gk-audit check`` of one report compiles some 250 regexes (rule patterns, detection,
table labels; several with large CJK character classes), a third of its start-up time, nearly all
of it in the pure-Python parser and code generator of ``re``. ``compile`` below keeps the
generated code of each pattern (the integer program ``re`` hands to ``_sre.compile``, its group
count and names) in a JSON file next to the rulebook's validation stamp, and rebuilds the pattern
from it on later runs. The result is the very object ``re.compile`` returns; ``_sre`` validates
the code it is given, and anything unexpected (another Python, a damaged or foreign file, a
changed internal interface) falls back to ``re.compile``, so the cache can only cost time.

One change to the code ``re`` generates: a pattern that opens with a zero-width assertion (a
lookbehind such as ``(?<![0-9.])``, a lookahead, ``^`` or a word boundary) gets no "first character" set in
its INFO block from ``re``, so a search tries the whole pattern at every position of the text.
The same holds for a pattern that opens with an optional part (``(?:下一步|今后)?…``).
``_first_character_set`` computes the set of characters a match can start with (the usual FIRST
set: zero-width items consume nothing, optional items add their own first characters to those of
what follows) and writes it into the INFO block when ``re`` wrote none; a search then skips
straight to the positions where a match can start. The set covers every match's first character,
so the matches are exactly those of ``re.compile``; a pattern that can match the empty string, or
that can start with any character, keeps the code ``re`` generated, and so does one anchored at the
start (``^`` without MULTILINE, ``\\A``), which a search tries at the start only.

The file holds one entry per pattern (source, flags, code, groups and their names) behind an index
by a digest of the flags and source, so a run reads the file's bytes
and decodes only the small index and the entries of the patterns it compiles: a machine's file
keeps every pattern any version of the rulebook ever used, and its size must not become start-up
time. The file is named by the Python version and ``_sre.MAGIC`` (the code format), is written once
at exit when a run compiled something new, atomically, and is never required: delete it at will.
It is kept to about KEPT_ENTRIES entries: each edit of a pattern adds one, and a file of every
pattern a machine ever compiled (megabytes after a few rulebook versions) costs each start the
time to read it. A run that finds more rewrites the file at exit with the entries it used and the
most recently added ones.
Plain values, not pickle: loading the cache must never run code. The index is binary (digests, offsets,
lengths); each entry and value is a list, dict or string in ``marshal``'s format, as the rulebook's own
cache (auditor/rulebook.py): marshal builds values and never runs anything, is several times faster
to decode than JSON, and a loaded entry that is not of the expected shape is ignored.
"""

from __future__ import annotations

import array
import atexit
import marshal
import os
import re
import sys
from collections.abc import Callable

from auditor.machinecache import blake2b, cache_home, write_atomically

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another Python implementation
    _sre = None  # type: ignore[assignment]

FORMAT = 10  # bump when the generated code or the file layout changes (10: entries and values in marshal)
MAGIC = b"gk-audit regex cache\n"
KEY_SIZE = 16  # bytes of BLAKE2b digest naming an entry
_PATTERNS: dict[tuple[str, int], re.Pattern[str]] = {}
# entries: digest key (see ``_key``) -> the entry's bytes (read from the file) or its value (compiled now)
# file: where the entries were read from, and where they are written back (see ``_entries``)
_STATE: dict[str, Any] = {"entries": None, "dirty": False, "file": None}
KEPT_ENTRIES = 1500  # a run of every era and format uses some 700 (patterns and ``remembered`` values)
_USED: set[bytes] = set()  # the entries this process asked for: a pruned file keeps them


def cache_file() -> str:
    version = "-".join(map(str, sys.version_info[:3]))
    name = f"{sys.implementation.cache_tag}-{version}-{getattr(_sre, 'MAGIC', 0)}-{FORMAT}.bin"
    return os.path.join(cache_home(), "regex", name)


def _file_data(path: str) -> bytes:
    with open(path, "rb") as stream:
        return stream.read()


def _key(source: str, flags: int) -> bytes:
    # int(flags): a re.RegexFlag formats as its names ("re.MULTILINE"), slower and another key for the same flags
    return blake2b(f"{int(flags)}:{source}".encode("utf-8", "surrogatepass"), digest_size=KEY_SIZE).digest()


def _value_key(name: str) -> bytes:
    """The key of a ``remembered`` value (a pattern's key hashes its flags first, so the two never meet)."""
    return blake2b(f"value:{name}".encode("utf-8", "surrogatepass"), digest_size=KEY_SIZE).digest()


def _read_entries(data: bytes) -> dict[bytes, Any]:
    """The entries of a cache file: MAGIC, the number of entries, their keys, their offsets and
    their lengths into what follows (32-bit little-endian words), then the entries (see
    ``_entry_bytes``); each stays bytes until its pattern is asked for. A binary index, not JSON:
    a run reads the index of every entry kept, and decoding 1,200 JSON keys cost a millisecond."""
    if not data.startswith(MAGIC):
        return {}
    view = memoryview(data)
    start = len(MAGIC)
    counts = _words(view[start:start + 4])
    count = counts[0]
    keys_end = start + 4 + count * KEY_SIZE
    keys = view[start + 4:keys_end].tobytes()
    bounds = _words(view[keys_end:keys_end + 8 * count])
    if len(keys) != count * KEY_SIZE or len(bounds) != 2 * count:
        raise ValueError("damaged index")
    body = view[keys_end + 8 * count:]
    return {keys[index * KEY_SIZE:(index + 1) * KEY_SIZE]: body[offset:offset + length]
            for index, (offset, length) in enumerate(zip(bounds[:count], bounds[count:], strict=True))}


def _words(data: bytes | memoryview) -> list[int]:
    words = _code_array()
    words.frombytes(data)
    if sys.byteorder == "big":
        words.byteswap()
    return words.tolist()


def _code_array() -> array.array[int]:
    return array.array("I" if array.array("I").itemsize == 4 else "L")


def _entry_bytes(entry: list[Any]) -> bytes:
    """One entry as stored: its list [source, flags, compiled flags, code, groups, group index,
    index group] in ``marshal``'s format (plain values: a string, numbers, a list, a dict)."""
    source, flags, compiled_flags, code, groups, groupindex, indexgroup = entry
    # plain ints: re's flags and opcodes are int subclasses, which marshal does not take
    return marshal.dumps([source, int(flags), int(compiled_flags), [int(word) for word in code], int(groups),
                          {name: int(index) for name, index in groupindex.items()}, list(indexgroup)])


def _entry_from_bytes(data: bytes | memoryview) -> list[Any]:
    """The entry stored by ``_entry_bytes``; ValueError when the bytes are not such an entry."""
    entry = marshal.loads(data)
    if not (type(entry) is list and len(entry) == 7 and type(entry[0]) is str and type(entry[3]) is list
            and type(entry[5]) is dict and type(entry[6]) is list):
        raise ValueError("damaged entry")
    return entry  # type: ignore[no-any-return]


def _entries() -> dict[str, Any]:
    entries = _STATE["entries"]
    if entries is None:
        # The file is located once, when first read, and written back there: the console script sets
        # GK_AUDIT_CACHE_DIR (the document cache's folder, which also moves this one) only after the
        # imports have compiled their patterns, and a run that read one file and wrote another found
        # nothing in the file it read, on every run, and compiled every pattern afresh.
        _STATE["file"] = cache_file()
        try:
            entries = _read_entries(_file_data(_STATE["file"]))
        except (OSError, ValueError, TypeError, IndexError):
            entries = {}
        if not isinstance(entries, dict):
            entries = {}
        _STATE["entries"] = entries
        if len(entries) > KEPT_ENTRIES:
            _mark_dirty()  # pruned when written at exit
    return entries


def _mark_dirty() -> None:
    if not _STATE["dirty"]:
        _STATE["dirty"] = True
        atexit.register(save)


def _rebuilt(source: str, flags: int, entry: Any) -> re.Pattern[str] | None:
    try:
        # an entry read from the file is decoded only now, when its pattern is asked for
        stored = _entry_from_bytes(entry) if isinstance(entry, (bytes, memoryview)) else entry
        stored_source, stored_flags, compiled_flags, code, groups, groupindex, indexgroup = stored
        if stored_source != source or stored_flags != flags:  # not this pattern (a foreign or damaged file)
            return None
        return _sre.compile(  # type: ignore[no-any-return]
            source, compiled_flags, code, groups, groupindex, tuple(indexgroup))
    except Exception:
        return None


def _generated(source: str, flags: int) -> tuple[re.Pattern[str], list[Any]]:
    """Compile as ``re._compiler.compile`` does, keeping what it hands to ``_sre.compile``."""
    parsed = _parser.parse(source, flags)
    code = _first_character_set(parsed, flags, _compiler._code(parsed, flags))
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    entry = [flags | parsed.state.flags, list(code), parsed.state.groups - 1, groupindex, indexgroup]
    return _sre.compile(source, entry[0], code, entry[2], groupindex, tuple(indexgroup)), entry


def _first_of_sequence(items: Any) -> tuple[list[Any], bool] | None:
    """(charset items covering the first character of every match of ``items``, whether the
    sequence can match the empty string); None when any character may come first."""
    found: list[Any] = []
    for item in items:
        first = _first_of_item(*item)
        if first is None:
            return None
        found += first[0]
        if not first[1]:
            return found, False
    return found, True


def _first_of_item(op: Any, av: Any) -> tuple[list[Any], bool] | None:
    from re import _constants as sre

    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return [], True  # zero-width: consumes nothing
    if op is sre.LITERAL:
        return [(op, av)], False
    if op is sre.IN:
        return None if any(part[0] is sre.NEGATE for part in av) else (list(av), False)
    if op is sre.SUBPATTERN:
        return None if av[1] or av[2] else _first_of_sequence(av[3].data)
    if op is sre.BRANCH:
        found: list[Any] = []
        nullable = False
        for alternative in av[1]:
            first = _first_of_sequence(alternative.data)
            if first is None:
                return None
            found += first[0]
            nullable = nullable or first[1]
        return found, nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        if av[1] == 0:
            return [], True
        first = _first_of_sequence(av[2].data)
        return None if first is None else (first[0], first[1] or av[0] == 0)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _first_of_sequence(av.data)
    return None  # any character, a back-reference, a conditional: unknown


def _first_character_set(parsed: Any, flags: int, code: list[int]) -> list[int]:
    """``code`` with a first-character set in its INFO block where ``re`` left none (see above)."""
    from re import _constants as sre

    try:
        flags |= parsed.state.flags
        if flags & sre.SRE_FLAG_IGNORECASE or code[0] != sre.INFO or code[2] != 0 or code[3] == 0:
            return code
        body = code[code[1] + 1:]
        if body[0] == sre.AT and body[1] in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
            return code  # anchored at the start (``^`` without MULTILINE, ``\A``): a search tries one place only
        first = _first_of_sequence(parsed.data)
        if first is None or first[1] or not first[0]:
            return code
        charset, has_cased = _compiler._optimize_charset(first[0])
        if has_cased:
            return code
        info = [sre.INFO, 0, sre.SRE_INFO_CHARSET, code[3], code[4]]
        _compiler._compile_charset(charset, flags, info)
        info[1] = len(info) - 1
        return info + code[code[1] + 1:]
    except Exception:
        return code


def compile(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, rebuilt from the cache when this pattern was compiled before."""
    key = (source, flags)
    pattern = _PATTERNS.get(key)
    if pattern is not None:
        return pattern
    if _sre is None:
        pattern = re.compile(source, flags)
    else:
        name = _key(source, flags)
        _USED.add(name)
        entry = _entries().get(name)
        pattern = _rebuilt(source, flags, entry) if entry is not None else None
        if pattern is None:
            pattern = _fresh(source, flags, name)
    _PATTERNS[key] = pattern
    return pattern


def _fresh(source: str, flags: int, name: str) -> re.Pattern[str]:
    try:
        pattern, entry = _generated(source, flags)
    except re.error:
        raise  # a bad pattern raises what re.compile raises, from the same parser
    except Exception:
        return re.compile(source, flags)
    _entries()[name] = [source, flags, *entry]
    _mark_dirty()
    return pattern


def _file_bytes(entries: dict[bytes, Any]) -> bytes:
    """MAGIC, the binary index, then each entry's bytes (see ``_read_entries``)."""
    texts = [bytes(entry) if isinstance(entry, (bytes, memoryview)) else _entry_bytes(entry)
             for entry in entries.values()]
    offsets, offset = [], 0
    for text in texts:
        offsets.append(offset)
        offset += len(text)
    words = _code_array()
    words.extend([len(texts), *offsets, *map(len, texts)])
    keys = b"".join(entries)
    counted, bounds = words[:1], words[1:]
    if sys.byteorder == "big":
        counted.byteswap()
        bounds.byteswap()
    return MAGIC + counted.tobytes() + keys + bounds.tobytes() + b"".join(texts)


def read_only() -> None:
    """From now on this process keeps what it compiles in memory and never writes the file: a
    server's workers write nothing while they serve uploads (they locate the file as they start,
    before they can switch the cache folder off, and an exit that ran ``save`` left a file in it)."""
    _STATE["read_only"] = True


def save() -> None:
    """Write the cache if this process compiled something new (best effort, atomic)."""
    if not _STATE["dirty"] or _STATE.get("read_only"):
        return
    _STATE["dirty"] = False
    write_atomically(_STATE.get("file") or cache_file(), _file_bytes(_kept(_STATE["entries"])))


def _kept(entries: dict[str, Any]) -> dict[str, Any]:
    """The entries to write: all of them up to KEPT_ENTRIES, else those this process used and the
    most recently added others, three quarters of KEPT_ENTRIES in all (the file keeps entries in
    the order they were added), so that the next runs do not prune again."""
    if len(entries) <= KEPT_ENTRIES:
        return entries
    room = max(KEPT_ENTRIES * 3 // 4 - len(_USED), 0)
    others = [name for name in entries if name not in _USED]
    recent = set(others[len(others) - room:]) if room else set()
    return {name: entry for name, entry in entries.items() if name in _USED or name in recent}


def remembered(name: str, build: Callable[[], Any]) -> Any:
    """``build()``, plain values (strings, numbers, lists, tuples, dicts, sets), computed once per
    machine and kept in the same file under the digest of ``value:NAME`` in ``marshal``'s format (e.g.
    what ``auditor.textscan`` derives from a pattern's syntax tree). A caller checks what it gets back
    and rebuilds when it does not look right."""
    key = _value_key(name)
    _USED.add(key)
    entries = _entries()
    stored = entries.get(key)
    if isinstance(stored, (bytes, memoryview)):
        try:
            return marshal.loads(stored)
        except Exception:  # a damaged entry: built again
            pass
    return remember(name, build())


def remember(name: str, value: Any) -> Any:
    """Keep ``value`` as the ``remembered`` value of ``name``, in place of any kept before: a caller
    that found the kept value unusable (written by another version of its code) stores the one it
    built, so that the next runs do not build it again."""
    key = _value_key(name)
    _USED.add(key)
    try:
        _entries()[key] = marshal.dumps(_plain(value))
    except ValueError:  # not plain values: built again by each run
        return value
    _mark_dirty()
    return value


def _plain(value: Any) -> Any:
    """``value`` with subclasses of int and str (re's opcodes and flags are ints with names) made
    plain ints and strings, which marshal takes (as JSON did); containers rebuilt as they are."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if kind in (list, tuple, set, frozenset):
        return kind(map(_plain, value))
    return value  # anything else: marshal refuses it, and it is built again
