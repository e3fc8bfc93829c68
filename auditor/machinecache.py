"""Where gk-audit keeps what it works out once per machine, and how those files are written.

The built-in rulebook as checked (auditor/rulebook.py), the compiled regexes (auditor/regexcache.py)
and the folding table (auditor/textfold.py) are kept under ``$GK_AUDIT_CACHE_DIR`` when it is set,
else ``~/.cache/gk-audit``. Every such file is named or keyed by what its content depends on, is
written atomically (a temporary file renamed over the target), and is never required: a missing,
unreadable or damaged file only costs the time to work its content out again.
"""

from __future__ import annotations

import contextlib
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any


# The variable naming the folder of the document cache (auditor/readers/cache.py), which also holds
# these files; the CLI sets it for its worker processes (auditor/checkrun.py), "" for no cache.
ENVIRONMENT_VARIABLE = "GK_AUDIT_CACHE_DIR"
DOCUMENTS_DIRECTORY = "~/.cache/gk-audit/documents"  # the document cache's folder when nothing says otherwise


# Paths here are strings joined with os.path, not pathlib.Path: importing pathlib (with the
# urllib.parse and ipaddress it pulls in) is some 6% of a cold one-report check (issue 12).
def cache_home() -> str:
    return os.environ.get(ENVIRONMENT_VARIABLE) or os.path.join(os.path.expanduser("~"), ".cache", "gk-audit")


def write_atomically(target: str | os.PathLike[str], data: bytes) -> bool:
    """Write ``data`` to ``target`` through a temporary file in the same folder; best effort (a
    read-only or full disk gives False, and the next run works the content out again)."""
    import tempfile

    target = os.fspath(target)
    folder, name = os.path.split(target)
    folder = folder or os.curdir
    try:
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            return False
        raise
    _remove_stale_temporaries(target)
    return True


STALE_SECONDS = 3600  # a temporary file this old is no other writer's: its process was killed mid-write


def _remove_stale_temporaries(target: str) -> None:
    """Delete the temporary files of earlier writes of ``target`` that never finished (their process
    was killed between creating and renaming them: each can be megabytes). A younger one may be
    another process's write in progress, and is left alone."""
    import time

    limit = time.time() - STALE_SECONDS
    folder, name = os.path.split(target)
    try:
        with os.scandir(folder or os.curdir) as entries:
            stale = [entry.path for entry in entries if entry.name.startswith(f".{name}.")
                     and entry.stat(follow_symlinks=False).st_mtime < limit]
    except OSError:
        return
    for path in stale:
        with contextlib.suppress(OSError):
            os.unlink(path)


# The digests a one-report check needs (the regex cache's keys, the rulebook's cache key, the
# findings' fingerprints) come from the interpreter's own SHA-256 and BLAKE2 modules, the ones
# ``hashlib`` falls back to without OpenSSL: importing ``hashlib`` loads and initialises OpenSSL
# (``_hashlib``), some 3 ms of a cold start, for digests these modules compute byte for byte alike.
# Another Python (where the modules are named otherwise) gets hashlib's.
def sha256(data: bytes = b"") -> Any:
    """``hashlib.sha256(data)``."""
    try:
        from _sha256 import sha256 as built_in
    except ImportError:  # pragma: no cover - not CPython 3.11
        from hashlib import sha256 as built_in
    return built_in(data)


try:  # every run makes BLAKE2 digests (the regex cache's keys), some 300 in a cold check
    from _blake2 import blake2b as _built_in_blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b as _built_in_blake2b


def blake2b(data: bytes = b"", digest_size: int = 64) -> Any:
    """``hashlib.blake2b(data, digest_size=digest_size)``."""
    return _built_in_blake2b(data, digest_size=digest_size)
