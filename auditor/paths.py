"""Input paths and output files: directory expansion, stdin, safe writes."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Iterator, Sequence

from auditor.readers import recognised_extensions

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from pathlib import Path

# pathlib is imported where a folder is walked or a file written, not at start: with the
# urllib.parse and ipaddress it pulls in, it is some 6% of a cold one-report check (issue 12).

STDIN = "-"
_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOENT: "路径不存在",
            errno.ENOTDIR: "路径中有一段不是文件夹", errno.EROFS: "只读文件系统", errno.ENOSPC: "磁盘空间不足",
            errno.EISDIR: "这是一个文件夹", errno.EDQUOT: "超出磁盘配额"}


class OutputError(Exception):
    """An output file cannot be written (or must not be); the message is for the user (exit 2)."""


def expand_inputs(paths: Iterable[str]) -> Iterator[str]:
    """Files as given; directories recursed (sorted) for files with a recognised extension."""
    extensions = set(recognised_extensions())
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            yield from _files_under(path, extensions)
        else:
            yield path


def _files_under(folder: str, extensions: set[str]) -> list[str]:
    """The files under ``folder`` with one of ``extensions``, sorted; hidden files and folders skipped."""
    from pathlib import Path

    return sorted(str(file) for file in Path(folder).rglob("*")
                  if file.is_file() and file.suffix.lower() in extensions
                  and not any(part.startswith(".") for part in file.relative_to(folder).parts))


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)


def refuse_input_as_output(option: str, output: str | None, inputs: Sequence[str]) -> None:
    """OutputError when ``output`` is one of the ``inputs`` (a report would be overwritten by its
    own lint output). Character devices such as /dev/stdout are not inputs."""
    if output is None:
        return
    for path in inputs:
        if path != STDIN and not os.path.isdir(path) and _same_file(output, path):
            raise OutputError(f"{option} {output} 是要检查的文件之一；不会覆盖它，请换一个输出文件名")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_through(target: str, pieces: Iterable[str]) -> None:
    """Write into an existing non-regular file (a device such as /dev/null, a FIFO) as it is."""
    with open(target, "w", encoding="utf-8") as stream:
        stream.writelines(pieces)


def _replace(target: Path, pieces: Iterable[str]) -> None:
    """Write via a temporary file in the same folder and a rename: a reader never sees a half
    written file, and on any error the previous file is left as it was. The new file gets the old
    file's permissions, or those the umask allows for a new file."""
    existing = target.stat() if target.exists() else None
    mode = stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_umask()
    target.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only when writing a file, not on the start-up path

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.writelines(pieces)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_atomic(path: str, content: str | Iterable[str]) -> None:
    """Write ``content`` (a string or its pieces) to ``path``. A symbolic link is followed (the file
    it points to is written, the link stays); a device or FIFO is written into, not replaced; a
    regular file is replaced atomically. Any OSError becomes an OutputError in Chinese."""
    from pathlib import Path

    pieces = [content] if isinstance(content, str) else content
    try:
        resolved = Path(os.path.realpath(path))
        if resolved.exists() and not resolved.is_file():
            if resolved.is_dir():
                raise OutputError(f"无法写入 {path}：这是一个文件夹")
            _write_through(str(resolved), pieces)
        else:
            _replace(resolved, pieces)
    except OSError as error:
        reason = _REASONS.get(error.errno or 0, error.strerror or str(error))
        raise OutputError(f"无法写入 {path}：{reason}（原有文件未改动）") from error
