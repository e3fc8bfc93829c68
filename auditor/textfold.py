"""Folding for matching (spec §0): one character in, one character out.

``fold(text)`` returns a string of the same length, so every offset found in the folded text is
an offset into the original. It folds full-width ASCII to half width, the ideographic space to a
space, curly quotes to straight ones, and traditional characters to simplified ones using
OpenCC's own character dictionary (TSCharacters, TWVariantsRev, HKVariantsRev); where OpenCC
maps one character to several candidates the first (most common) one is taken.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterator

from auditor import regexcache

_PUNCTUATION = {
    "\u3000": " ",
    "\u00a0": " ",
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u300c": '"',
    "\u300d": '"',
    "\uff5e": "~",
}

_OPENCC_FILES = ("TSCharacters.txt", "TWVariantsRev.txt", "HKVariantsRev.txt")


# Folders and files are strings joined with os.path, not pathlib.Path: this runs on every start, and
# importing pathlib (with urllib.parse and ipaddress) is some 6% of a cold one-report check.
def _opencc_dictionary_dir() -> str | None:
    import importlib.util  # the package's folder without importing it (its import loads dictionaries)

    try:
        spec = importlib.util.find_spec("opencc")  # opencc-python-reimplemented ships the dictionaries as text
    except (ImportError, ValueError):  # pragma: no cover - dependency is declared
        return None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    directory = os.path.join(os.path.normpath(locations[0]), "dictionary") if locations else None
    return directory if directory is not None and os.path.isdir(directory) else None


def _single_char_pairs(path: str) -> dict[int, str]:
    table: dict[int, str] = {}
    with open(path, encoding="utf-8") as stream:
        rows = stream.read().splitlines()
    for row in rows:
        source, _, targets = row.partition("\t")
        target = targets.split(" ", 1)[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table.setdefault(ord(source), target)
    return table


def _opencc_table(directory: str) -> dict[int, str]:
    """Traditional and variant characters to simplified ones, from OpenCC's dictionary files.

    A simplified character is never folded: HKVariantsRev lists 核 as Hong Kong's form of 覈 and
    TWVariantsRev 台 as Taiwan's form of 臺, which would fold the simplified text the rulebook's
    patterns are written in (审核, 平台, 群众) away from them."""
    first = os.path.join(directory, _OPENCC_FILES[0])
    table = _single_char_pairs(first) if os.path.isfile(first) else {}
    simplified = {ord(target) for target in table.values()}
    for name in _OPENCC_FILES[1:]:
        if os.path.isfile(os.path.join(directory, name)):
            for code, target in _single_char_pairs(os.path.join(directory, name)).items():
                if code not in table and code not in simplified:
                    table[code] = target
    # variants first map to their standard traditional form; fold that once more
    for code, target in list(table.items()):
        again = table.get(ord(target))
        if again is not None and len(again) == 1 and ord(again) != code:
            table[code] = again
    return table


_TABLE_FORMAT = 4  # bump when _opencc_table, _with_fixed_folds or a class source changes what is made of the files


def _han_class_source(table: dict[int, str]) -> str:
    """The character class of the Han characters that fold to another Han character."""
    chars = sorted(chr(code) for code, target in table.items()
                   if "\u3400" <= chr(code) <= "\u9fff" and "\u3400" <= target <= "\u9fff")
    return "[" + "".join(re.escape(char) for char in chars) + "]"


def _with_fixed_folds(table: dict[int, str]) -> dict[int, str]:
    """``table`` (OpenCC's) with the folds of full-width ASCII and of the punctuation added."""
    table = dict(table)
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = chr(code - 0xFEE0)
    for source, target in _PUNCTUATION.items():
        table[ord(source)] = target
    return table


def _run_source(table: dict[int, str]) -> str:
    """The source of ``_foldable_run``: runs of characters that fold to another one in the Basic
    Multilingual Plane (one class of those only, so that ``re`` tests each character with a bitmap,
    not a list of thousands of ranges), and runs of characters outside it (translated whole; rare
    in a report)."""
    chars = re.escape("".join(chr(code) for code in sorted(table) if code <= 0xFFFF))  # one call: fast
    return f"[{chars}]+|[\U00010000-\U0010ffff]+"


@functools.cache
def _folding() -> tuple[dict[int, str], str, str]:
    """The fold table, the ``_han_class_source`` of OpenCC's part of it and the ``_run_source`` of
    it, kept per machine (a JSON file per dictionary folder, keyed by the files' paths, sizes and times):
    reading and folding three dictionaries costs more than the rest of a start, and sorting and
    escaping the table's 4,000 characters for the run pattern another millisecond."""
    import json

    from auditor.machinecache import blake2b, cache_home, write_atomically

    directory = _opencc_dictionary_dir()
    if directory is None:
        table = _with_fixed_folds({})
        return table, _han_class_source({}), _run_source(table)
    key: list[object] = [_TABLE_FORMAT]
    for name in _OPENCC_FILES:
        with contextlib.suppress(OSError):
            status = os.stat(os.path.join(directory, name))
            key.append([os.path.join(directory, name), status.st_size, status.st_mtime_ns])
    # one file per dictionary folder: two installations (virtual environments) on one machine must
    # not rewrite one file back and forth, each run finding the other's key
    folder_digest = blake2b(directory.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    target = os.path.join(cache_home(), "textfold", f"opencc-table-{folder_digest}.json")
    try:
        with open(target, "rb") as stream:
            cached = json.loads(stream.read())
        if cached["key"] == key and len(cached["sources"]) == len(cached["targets"]):
            table = dict(zip(map(ord, cached["sources"]), cached["targets"], strict=True))
            return table, str(cached["han_class"]), str(cached["run_class"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    opencc = _opencc_table(directory)
    table = _with_fixed_folds(opencc)
    han_class, run_class = _han_class_source(opencc), _run_source(table)
    data = {"key": key, "sources": "".join(map(chr, table)), "targets": "".join(table.values()),
            "han_class": han_class, "run_class": run_class}
    write_atomically(target, json.dumps(data).encode("ascii"))
    return table, han_class, run_class


@functools.cache
def fold_table() -> dict[int, str]:
    return _folding()[0]


# Full-width punctuation of Chinese prose: a third of the characters a report folds. ``str.replace``
# folds each at C speed before the scan below, which then stops far less often.
_PROSE_PUNCTUATION = "，：（）；"
_SHORT = 256  # below this length ``str.translate`` alone is as fast


@functools.cache
def _foldable_run() -> re.Pattern[str]:
    """The runs of characters that fold (see ``_run_source``)."""
    return regexcache.compile(_folding()[2])


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(fold_table())


def fold(text: str) -> str:
    """Fold ``text`` for matching; the result has the same length as ``text``.

    The same as ``text.translate(fold_table())``, about three times faster on a report: translate
    looks up every character in the table, when only a few in twenty fold. A long text is folded
    by replacing the common punctuation, then translating only the runs that fold."""
    table = fold_table()
    if len(text) < _SHORT:
        return text.translate(table)
    for char in _PROSE_PUNCTUATION:
        text = text.replace(char, table[ord(char)])
    return _foldable_run().sub(_fold_run, text)


_HAN_RUN = regexcache.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")


@functools.cache
def _traditional_class() -> re.Pattern[str]:
    # full-width forms and punctuation are not Han characters: the class is that of the OpenCC table
    return regexcache.compile(_folding()[1])


def traditional_count(text: str) -> int:
    """Characters of ``text`` that fold to another Han character."""
    return len(_traditional_class().findall(text))


def han_runs(text: str) -> Iterator[re.Match[str]]:
    """The runs of Han characters in ``text``, in order."""
    return _HAN_RUN.finditer(text)
