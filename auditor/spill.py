"""A list that spills to a temporary file: the results of a large batch run, kept out of memory.

A batch run cannot write a file's findings the moment the file is checked: the series pass
(``auditor/series.py``) may add findings to it once every report was seen. Until then each result
waits here: the first ``in_memory`` items in a list, the rest pickled into a temporary file (our
own objects, made in this run, read back by this run), so the parent's memory stays flat however
many reports a run checks. Iterating reads the items back in order, as often as needed. The file is
removed from its folder as soon as it is made (it lives while open), so nothing is left behind
however the process ends, even killed; where the system cannot do that (Windows), it is removed
when the spill is closed or garbage-collected.

Items may be pickled as plain values: with ``encode`` and ``decode`` (``auditor.batch``'s results
as tuples, ``plain_result``), every pickle of the spill holds a list of ``encode``'s values, and
items come back through ``decode`` (pickle reduces each record through copyreg, some 7,000
instructions an object each way; a tuple of strings and numbers costs a few hundred).

Items go to the file ``chunk`` at a time, one pickle per chunk: unpickling looks up each class a
pickle names (some microseconds each, and a result names ten), so one pickle per item spent more
on those lookups than on its data. At most a chunk of items is held while writing or reading.
Items may also come already pickled, a chunk at a time (``extend_pickled``: a worker process
pickles its results once, and the parent stores the bytes as they are).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    import weakref
    from typing import IO, Any

IN_MEMORY = 256  # a small run never touches the disk
CHUNK = 32  # items per pickle in the file


def _remove(handle: IO[bytes], path: str) -> None:
    handle.close()
    if path:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _dumps(items: list[Any]) -> bytes:
    import pickle  # here, not at the top: a one-report check never pickles

    return pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(blob: bytes) -> list[Any]:
    import pickle

    items: list[Any] = pickle.loads(blob)
    return items


def _same(item: Any) -> Any:
    return item


class Spill:
    """An append-only sequence of picklable items, in memory up to ``in_memory`` items, then on disk."""

    def __init__(self, in_memory: int = IN_MEMORY, chunk: int | None = None,
                 encode: Callable[[Any], Any] = _same, decode: Callable[[Any], Any] = _same) -> None:
        self._encode = encode  # what an item is pickled as (and ``extend_pickled``'s blobs hold)
        self._decode = decode  # the item again
        self._in_memory = in_memory
        self._chunk = chunk if chunk is not None else CHUNK
        self._blocks: list[list[Any] | bytes] = []  # in memory: lists of items and pickled chunks
        self._held = 0  # items in ``_blocks``
        self._pending: list[Any] = []  # on disk: items waiting for a chunk to fill
        self._file: IO[bytes] | None = None
        self._path = ""  # the file's name while it has one (only where an open file cannot be removed)
        self._pickles: list[tuple[int, int]] = []  # (offset, length) of each pickle in the file
        self._size = 0
        self._count = 0
        self._finalizer: weakref.finalize | None = None

    def append(self, item: Any) -> None:
        self._count += 1
        if self._file is None and self._held < self._in_memory:
            if not self._blocks or not isinstance(self._blocks[-1], list):
                self._blocks.append([])
            self._blocks[-1].append(item)  # type: ignore[union-attr]
            self._held += 1
            return
        if self._file is None:
            self._open()
        self._pending.append(item)
        if len(self._pending) >= self._chunk:
            self.flush()

    def extend_pickled(self, blob: bytes, count: int) -> None:
        """Add the ``count`` items of ``blob``, a pickled list of them as ``encode`` gives them (one
        worker's chunk)."""
        self._count += count
        if self._file is None and self._held + count <= self._in_memory:
            self._blocks.append(blob)
            self._held += count
            return
        if self._file is None:
            self._open()
        self.flush()
        self._write(blob)

    def flush(self) -> None:
        """Write the items waiting for a full chunk (done before reading, and when a run is done)."""
        if self._pending and self._file is not None:
            self._write(_dumps(list(map(self._encode, self._pending))))
            self._pending = []

    def _write(self, blob: bytes) -> None:
        assert self._file is not None
        self._file.write(blob)
        self._pickles.append((self._size, len(blob)))
        self._size += len(blob)

    def _open(self) -> None:
        import tempfile  # these two only for a batch that spills
        import weakref

        descriptor, path = tempfile.mkstemp(prefix="gk-audit-", suffix=".results")
        self._file = os.fdopen(descriptor, "w+b")
        try:
            os.unlink(path)  # the open file stays readable; nothing is left if the process is killed
        except OSError:
            self._path = path
        self._finalizer = weakref.finalize(self, _remove, self._file, self._path)
        for block in self._blocks:
            if isinstance(block, bytes):
                self._write(block)
            else:
                for at in range(0, len(block), self._chunk):
                    self._write(_dumps(list(map(self._encode, block[at:at + self._chunk]))))
        self._blocks = []
        self._held = 0

    def _read(self, offset: int, length: int) -> bytes:
        """``length`` bytes at ``offset`` of the file, without moving the position writes use."""
        assert self._file is not None
        if not hasattr(os, "pread"):
            with open(self._path, "rb") as stream:
                stream.seek(offset)
                return stream.read(length)
        data = b""
        while len(data) < length:
            piece = os.pread(self._file.fileno(), length - len(data), offset + len(data))
            if not piece:
                raise OSError(f"gk-audit: temporary results file ended early ({len(data)} of {length} bytes)")
            data += piece
        return data

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        if self._file is None:
            for block in list(self._blocks):
                yield from (block if isinstance(block, list) else map(self._decode, _loads(block)))
            return
        self.flush()
        self._file.flush()
        for offset, length in list(self._pickles):
            items = _loads(self._read(offset, length))
            items.reverse()
            while items:  # handed out one at a time: each is dropped once used
                yield self._decode(items.pop())

    def close(self) -> None:
        """Remove the temporary file now (also done when the spill is garbage-collected)."""
        if self._finalizer is not None:
            self._finalizer()
        self._blocks = []
        self._pending = []
        self._pickles = []
        self._held = 0
        self._count = 0
