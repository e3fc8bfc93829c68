"""Input paths and output files: directory expansion, stdin, atomic writes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from auditor.readers import recognised_extensions

STDIN = "-"


def expand_inputs(paths: Iterable[str]) -> Iterator[str]:
    """Files as given; directories recursed (sorted) for files with a recognised extension."""
    extensions = set(recognised_extensions())
    for path in paths:
        if path != STDIN and Path(path).is_dir():
            found = sorted(str(file) for file in Path(path).rglob("*")
                           if file.is_file() and file.suffix.lower() in extensions
                           and not any(part.startswith(".") for part in file.relative_to(path).parts))
            yield from found
        else:
            yield path


def write_atomic(path: str, content: str | Iterable[str]) -> None:
    """Write ``content`` (a string or its pieces) to ``path`` via a temporary file in the same
    folder and a rename, so a reader never sees a half-written report."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only when writing a file, not on the start-up path

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.writelines([content] if isinstance(content, str) else content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
