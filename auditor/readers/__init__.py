"""Readers: one module per input format, each turning a file into a Document.

``read_path(path)`` picks the reader by file extension and returns a Document, or raises
ReadError with a reason in Chinese that names the problem (the caller names the file).
Backends for heavy formats are imported only when such a file is read.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

from auditor.document import Document


class ReadError(Exception):
    """The file cannot be read as a report; ``str(error)`` says why, in Chinese.

    ``kind`` names the rule kind whose rule reports it (``read_error``; ``no_text_layer`` for a
    scanned PDF), so each cause can have its own rule id."""

    def __init__(self, reason: str, kind: str = "read_error") -> None:
        super().__init__(reason)
        self.kind = kind


# extension -> "module:function"; modules are imported lazily
READERS: dict[str, str] = {
    ".txt": "auditor.readers.text:read_text_file",
    ".text": "auditor.readers.text:read_text_file",
    ".md": "auditor.readers.markdown:read_markdown_file",
    ".markdown": "auditor.readers.markdown:read_markdown_file",
    ".html": "auditor.readers.html:read_html_file",
    ".htm": "auditor.readers.html:read_html_file",
    ".shtml": "auditor.readers.html:read_html_file",
    ".docx": "auditor.readers.docx:read_docx_file",
    ".pdf": "auditor.readers.pdf:read_pdf_file",
}

# extensions we recognise but cannot read, with the advice to give
UNSUPPORTED: dict[str, str] = {
    ".doc": "这是旧版 Word 文档（.doc），无法直接检查：请在 Word 或 WPS 中打开，另存为 .docx 后再检查",
    ".wps": "这是 WPS 文字文档（.wps），无法直接检查：请在 WPS 中打开，另存为 .docx 后再检查",
}


def supported_extensions() -> tuple[str, ...]:
    return tuple(READERS)


def recognised_extensions() -> tuple[str, ...]:
    """Extensions a folder walk picks up: the readable ones and those we can advise on (.doc, .wps),
    so that a legacy Word file in a folder gets its "save as .docx" message instead of silence."""
    return (*READERS, *UNSUPPORTED)


# extensions whose extraction is slow enough to cache (see auditor.readers.cache)
CACHED: frozenset[str] = frozenset({".html", ".htm", ".shtml", ".docx", ".pdf"})


def _suffix(path: str) -> str:
    """The extension of ``path``, lower case, as ``pathlib.PurePath.suffix`` has it (os.path: no
    pathlib import on the one-text path)."""
    suffix = os.path.splitext(path)[1].lower()
    return "" if suffix == "." else suffix


def _target_for(path: str) -> str:
    suffix = _suffix(path)
    if suffix in UNSUPPORTED:
        raise ReadError(UNSUPPORTED[suffix])
    return READERS.get(suffix, READERS[".txt"])


def reader_for(path: str) -> Callable[[str, bytes], Document]:
    module_name, _, function_name = _target_for(path).partition(":")
    module = importlib.import_module(module_name)
    reader: Callable[[str, bytes], Document] = getattr(module, function_name)
    return reader


def read_bytes(path: str, data: bytes) -> Document:
    """Read ``data`` (the content of ``path``) with the reader for its extension."""
    from auditor.readers.limits import LimitInsideParser, check_size

    check_size(len(data))
    reader = reader_for(path)
    try:
        if _suffix(path) in CACHED:
            from auditor.readers.cache import cached_read

            return cached_read(path, data, _target_for(path), reader)
        return reader(path, data)
    except LimitInsideParser as limit:
        raise limit.error from None


def read_path(path: str) -> Document:
    from auditor.readers.limits import read_file_bytes

    try:
        data = read_file_bytes(path)
    except FileNotFoundError as error:
        raise ReadError("文件不存在") from error
    except IsADirectoryError as error:
        raise ReadError("这是一个目录，不是文件") from error
    except OSError as error:
        raise ReadError(f"无法打开文件（{error.strerror or error}）") from error
    return read_bytes(path, data)
