"""Plain text (.txt): encoding detection and line-end normalisation.

Order of decisions: a BOM (UTF-8, UTF-16 LE/BE, UTF-32) wins; NUL bytes without a UTF-16/32 BOM
mean a binary file; then strict UTF-8; then strict GB18030 (a superset of GBK and GB2312, the
encodings of Chinese Windows); then charset-normalizer's best guess. CRLF and lone CR become LF
so that line numbers match what editors show.
"""

from __future__ import annotations

import codecs

from auditor.document import Document
from auditor.readers import ReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    cjk = sum(1 for char in text if "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef")
    return cjk / len(text)


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def decode_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when ``data`` starts with a byte-order mark; raises ReadError when the rest
    does not decode; None without a BOM. Raises ReadError for empty input."""
    if not data.strip():
        raise ReadError("文件为空")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.replace("-sig", "")), encoding
            except UnicodeDecodeError as error:
                raise ReadError(f"文件以 {encoding} 字节顺序标记开头，但内容无法按该编码解码") from error
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding name) or raises ReadError."""
    with_bom = decode_bom(data)
    if with_bom is not None:
        return with_bom
    if _looks_binary(data):
        raise ReadError("这是二进制文件，不是文本报告")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _cjk_share(text) >= 0.1:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported only for the rare undeclared non-UTF-8 file

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("无法识别文件编码（不是 UTF-8、UTF-16 或 GB18030/GBK 文本）")
    return str(best), best.encoding


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path: str, data: bytes) -> Document:
    text, encoding = decode_bytes(data)
    text = normalise_newlines(text)
    if not text.strip():
        raise ReadError("文件没有任何文字内容")
    return Document(path=path, text=text, source_format="txt", encoding=encoding)
