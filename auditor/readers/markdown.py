"""Markdown (.md): read as text, line for line, so spans point at the Markdown source.

Markdown syntax that is not report text (heading hashes, emphasis markers) stays in the text;
the structure finders accept a leading ``#`` run before a heading ordinal. Pipe tables are read
by the table structure finder from the same lines.
"""

from __future__ import annotations

from auditor.document import Document
from auditor.readers.text import read_text_file


def read_markdown_file(path: str, data: bytes) -> Document:
    document = read_text_file(path, data)
    return Document(path=path, text=document.text, source_format="md", encoding=document.encoding)
