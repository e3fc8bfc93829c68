"""A cache of extracted Documents, so a PDF or .docx is taken apart only once.

Extraction dominates the run time for PDF and Word files (seconds for a long PDF, against
milliseconds for the checks). The cache keeps each extracted Document as a JSON file named by the
SHA-256 of the file's bytes and the extractor version of its reader (``EXTRACTOR_VERSION`` in the
reader module, bumped whenever a reader's output changes), so an edited file, or a new reader,
never meets a stale entry; the path is not part of the key, so a renamed or copied file hits.
A file that cannot be read (a scanned PDF) is cached as its ReadError.

JSON, not pickle: a cache directory may be shared, and loading it must never run code. Entries
are written atomically (temporary file + rename); a damaged or unreadable entry is ignored and
the file extracted again. The cache is best effort: any I/O error just means no caching.

Where: ``$GK_AUDIT_CACHE_DIR`` when set (empty: no cache). The CLI sets it from ``--cache-dir``
(default ``~/.cache/gk-audit/documents``) and clears it for ``--no-cache``; library callers get no
cache unless they set the variable.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
from collections.abc import Callable

from auditor.document import Document, Grid, GridCell, Position, SegmentMap
from auditor.machinecache import ENVIRONMENT_VARIABLE
from auditor.readers import ReadError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

ENTRY_FORMAT = 2


def active_directory() -> str | None:
    value = os.environ.get(ENVIRONMENT_VARIABLE)
    return os.path.expanduser(value) if value else None


def entry_key(data: bytes, extractor_version: str) -> str:
    import hashlib  # only PDF, Word and HTML files are cached: importing hashlib (OpenSSL) costs a text check ~3 ms

    return f"{hashlib.sha256(data).hexdigest()}-{extractor_version}-{ENTRY_FORMAT}"


# ----------------------------------------------------------------------------- (de)serialise
def document_to_json(document: Document) -> dict[str, Any]:
    from auditor.readers.layout import SegmentLocator  # only the PDF, Word and HTML readers need it

    source_map = document.source_map
    locator = document.locator
    return {
        "text": document.text,
        "source_format": document.source_format,
        "encoding": document.encoding,
        "source_text": None if document.source_text == document.text else document.source_text,
        "source_is_text": document.source_text == document.text,
        "segments": [list(source_map.text_offsets), [[p.line, p.column] for p in source_map.source_positions]]
        if isinstance(source_map, SegmentMap) else None,
        "grids": [{"start": grid.start_offset, "end": grid.end_offset,
                   "cells": [[cell.row, cell.column, cell.text, cell.start_offset, cell.end_offset, cell.row_span,
                              cell.column_span] for cell in grid.cells]} for grid in document.grids],
        "locator": {"offsets": list(locator.text_offsets), "locations": list(locator.locations),
                    "cells": [list(cell) for cell in locator.cells], "common": [list(item) for item in locator.common]}
        if isinstance(locator, SegmentLocator) else None,
    }


def document_from_json(path: str, data: dict[str, Any]) -> Document:
    from auditor.readers.layout import SegmentLocator

    segments = data["segments"]
    locator = data["locator"]
    return Document(
        path=path, text=data["text"], source_format=data["source_format"], encoding=data["encoding"],
        source_text=data["text"] if data["source_is_text"] else data["source_text"],
        source_map=SegmentMap(tuple(segments[0]), tuple(Position(line, column) for line, column in segments[1]))
        if segments else None,
        grids=tuple(Grid(tuple(GridCell(*cell) for cell in grid["cells"]), grid["start"], grid["end"])
                    for grid in data["grids"]),
        locator=SegmentLocator(tuple(locator["offsets"]), tuple(locator["locations"]),
                               tuple(tuple(cell) for cell in locator["cells"]),  # type: ignore[misc]
                               tuple(tuple(item) for item in locator["common"])) if locator else None,  # type: ignore[misc]
    )


# ----------------------------------------------------------------------------- the cache
class DocumentCache:
    """Extracted Documents on disk, keyed by content hash and extractor version."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = os.fspath(directory)

    def _file(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], f"{key}.json")

    def load(self, key: str, path: str) -> Document | ReadError | None:
        try:
            with open(self._file(key), encoding="utf-8") as stream:
                entry = json.loads(stream.read())
            if "error" in entry:
                return ReadError(entry["error"], entry.get("kind", "read_error"))
            return document_from_json(path, entry["document"])
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def store(self, key: str, result: Document | ReadError) -> None:
        entry: dict[str, Any] = ({"error": str(result), "kind": result.kind} if isinstance(result, ReadError)
                                 else {"document": document_to_json(result)})
        target = self._file(key)
        import tempfile  # not on the start-up path of a text-only run

        with contextlib.suppress(OSError):
            folder = os.path.dirname(target)
            os.makedirs(folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".entry.", dir=folder)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(entry, stream, ensure_ascii=False)
                os.replace(temporary, target)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                raise


def extractor_version(target: str) -> str:
    module = importlib.import_module(target.partition(":")[0])
    return str(getattr(module, "EXTRACTOR_VERSION", "0"))


def cached_read(path: str, data: bytes, target: str, reader: Callable[[str, bytes], Document],
                directory: str | os.PathLike[str] | None = None) -> Document:
    """``reader(path, data)``, through the cache in ``directory`` (default: the active one)."""
    directory = directory if directory is not None else active_directory()
    if directory is None:
        return reader(path, data)
    cache = DocumentCache(directory)
    key = entry_key(data, extractor_version(target))
    found = cache.load(key, path)
    if isinstance(found, ReadError):
        raise found
    if found is not None:
        return found
    try:
        document = reader(path, data)
    except ReadError as error:
        cache.store(key, error)
        raise
    cache.store(key, document)
    return document
