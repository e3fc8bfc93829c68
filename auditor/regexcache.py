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
that can start with any character, keeps the code ``re`` generated.

The file maps ``"FLAGS:SOURCE"`` to the JSON text of one entry, decoded on first use, so a run that
needs a few patterns does not decode the code of all of them.
The file is named by the Python version and ``_sre.MAGIC`` (the code format), is written once at
exit when a run compiled something new, atomically, and is never required: delete it at will.
JSON, not pickle or marshal: loading the cache must never run code.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another Python implementation
    _sre = None  # type: ignore[assignment]

FORMAT = 4  # bump when the generated code or the file layout changes (4: first-character sets, lazy entries)
_PATTERNS: dict[tuple[str, int], re.Pattern[str]] = {}
_STATE: dict[str, Any] = {"entries": None, "dirty": False}


def cache_file() -> Path:
    home = Path(os.environ.get("GK_AUDIT_CACHE_DIR") or Path.home() / ".cache" / "gk-audit")
    version = "-".join(map(str, sys.version_info[:3]))
    return home / "regex" / f"{sys.implementation.cache_tag}-{version}-{getattr(_sre, 'MAGIC', 0)}-{FORMAT}.json"


def _entries() -> dict[str, Any]:
    entries = _STATE["entries"]
    if entries is None:
        try:
            entries = json.loads(cache_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        if not isinstance(entries, dict):
            entries = {}
        _STATE["entries"] = entries
    return entries


def _rebuilt(source: str, entry: Any) -> re.Pattern[str] | None:
    try:
        # each entry is stored as its own JSON text, decoded only when its pattern is asked for
        flags, code, groups, groupindex, indexgroup = json.loads(entry) if isinstance(entry, str) else entry
        return _sre.compile(source, flags, code, groups, groupindex, tuple(indexgroup))  # type: ignore[no-any-return]
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
        name = f"{flags}:{source}"
        pattern = _rebuilt(source, _entries().get(name)) if name in _entries() else None
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
    _entries()[name] = entry
    if not _STATE["dirty"]:
        _STATE["dirty"] = True
        atexit.register(save)
    return pattern


def save() -> None:
    """Write the cache if this process compiled something new (best effort, atomic)."""
    if not _STATE["dirty"]:
        return
    _STATE["dirty"] = False
    import tempfile

    target = cache_file()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".regex.", dir=str(target.parent))
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                entries = {name: entry if isinstance(entry, str) else json.dumps(entry, separators=(",", ":"))
                           for name, entry in _STATE["entries"].items()}
                json.dump(entries, stream, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def remembered(name: str, build: Callable[[], Any]) -> Any:
    """``build()``, a JSON value, computed once per machine and kept in the same file under
    ``name`` (e.g. what ``auditor.textscan`` derives from a pattern's syntax tree). A caller
    checks what it gets back and rebuilds when it does not look right."""
    key = "value:" + name
    entries = _entries()
    stored = entries.get(key)
    if isinstance(stored, str):
        with contextlib.suppress(ValueError):
            return json.loads(stored)
    value = build()
    entries[key] = json.dumps(value, separators=(",", ":"))
    if not _STATE["dirty"]:
        _STATE["dirty"] = True
        atexit.register(save)
    return value
