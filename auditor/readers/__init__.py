"""Readers: one module per input format, each turning a file into a Document.

``read_path(path)`` picks the reader by file extension and returns a Document, or raises
ReadError with a reason in Chinese that names the problem (the caller names the file).
Backends for heavy formats are imported only when such a file is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from auditor.document import Document


class ReadError(Exception):
    """The file cannot be read as a report; ``str(error)`` says why, in Chinese."""


# extension -> "module:function"; modules are imported lazily
READERS: dict[str, str] = {
    ".txt": "auditor.readers.text:read_text_file",
    ".text": "auditor.readers.text:read_text_file",
    ".md": "auditor.readers.markdown:read_markdown_file",
    ".markdown": "auditor.readers.markdown:read_markdown_file",
}

# extensions we recognise but cannot read, with the advice to give
UNSUPPORTED: dict[str, str] = {}


def supported_extensions() -> tuple[str, ...]:
    return tuple(READERS)


def reader_for(path: str) -> Callable[[str, bytes], Document]:
    suffix = Path(path).suffix.lower()
    if suffix in UNSUPPORTED:
        raise ReadError(UNSUPPORTED[suffix])
    target = READERS.get(suffix, READERS[".txt"])
    module_name, _, function_name = target.partition(":")
    module = importlib.import_module(module_name)
    reader: Callable[[str, bytes], Document] = getattr(module, function_name)
    return reader


def read_bytes(path: str, data: bytes) -> Document:
    """Read ``data`` (the content of ``path``) with the reader for its extension."""
    return reader_for(path)(path, data)


def read_path(path: str) -> Document:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as error:
        raise ReadError("文件不存在") from error
    except IsADirectoryError as error:
        raise ReadError("这是一个目录，不是文件") from error
    except OSError as error:
        raise ReadError(f"无法打开文件（{error.strerror or error}）") from error
    return read_bytes(path, data)
