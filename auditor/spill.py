"""A list that spills to a temporary file: the results of a large batch run, kept out of memory.

A batch run cannot write a file's findings the moment the file is checked: the series pass
(``auditor/series.py``) may add findings to it once every report was seen. Until then each result
waits here: the first ``in_memory`` items in a list, the rest pickled one after another into a
temporary file (our own objects, made in this run, read back by this run), so the parent's memory
stays flat however many reports a run checks. Iterating reads the items back in order, as often
as needed; the file is removed when the spill is closed or garbage-collected.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import Iterator
from typing import IO, Any

IN_MEMORY = 256  # a small run never touches the disk


def _remove(handle: IO[bytes], path: str) -> None:
    handle.close()
    with contextlib.suppress(OSError):
        os.unlink(path)


class Spill:
    """An append-only sequence of picklable items, in memory up to ``in_memory`` items, then on disk."""

    def __init__(self, in_memory: int = IN_MEMORY) -> None:
        self._in_memory = in_memory
        self._items: list[Any] = []
        self._file: IO[bytes] | None = None
        self._path = ""
        self._count = 0
        self._finalizer: weakref.finalize | None = None

    def append(self, item: Any) -> None:
        self._count += 1
        if self._file is None and len(self._items) < self._in_memory:
            self._items.append(item)
            return
        if self._file is None:
            self._open()
        assert self._file is not None
        import pickle  # here and below, not at the top: a run of fewer than ``in_memory`` reports never pickles

        # one pickle per item, no shared memo: a Pickler kept open would keep every item alive
        self._file.write(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))

    def _open(self) -> None:
        import pickle
        import tempfile

        descriptor, self._path = tempfile.mkstemp(prefix="gk-audit-", suffix=".results")
        self._file = os.fdopen(descriptor, "w+b")
        self._finalizer = weakref.finalize(self, _remove, self._file, self._path)
        for item in self._items:
            self._file.write(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        self._items = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        if self._file is None:
            yield from list(self._items)
            return
        self._file.flush()
        import pickle

        with open(self._path, "rb") as stream:
            for _ in range(self._count):
                yield pickle.load(stream)

    def close(self) -> None:
        """Remove the temporary file now (also done when the spill is garbage-collected)."""
        if self._finalizer is not None:
            self._finalizer()
        self._items = []
        self._count = 0
