"""auditor.machinecache: atomic writes that leave nothing behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

from auditor.machinecache import STALE_SECONDS, write_atomically


def test_a_write_replaces_the_file_and_removes_temporaries_left_by_killed_writers(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "table.bin"
    assert write_atomically(target, b"first")
    stale = target.parent / f".{target.name}.killed1"
    young = target.parent / f".{target.name}.writing"
    other = target.parent / ".other.bin.killed2"
    for path in (stale, young, other):
        path.write_bytes(b"x" * 1000)
    long_ago = time.time() - STALE_SECONDS - 60
    os.utime(stale, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    assert write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert not stale.exists()  # a killed write of this file, an hour old
    assert young.exists() and other.exists()  # maybe a write in progress; another file's
    assert sorted(path.name for path in target.parent.iterdir()) == [".other.bin.killed2", ".table.bin.writing",
                                                                     "table.bin"]


def test_a_folder_that_cannot_be_written_gives_false(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert write_atomically(blocker / "table.bin", b"data") is False
