"""Plain text (.txt): encoding detection and line-end normalisation.

Order of decisions: a BOM (UTF-8, UTF-16 LE/BE, UTF-32) wins; then UTF-16 without a BOM (it
decodes cleanly into text that is mostly Chinese, with no control characters); other NUL bytes
mean a binary file; then strict UTF-8; then UTF-8 with a few undecodable bytes; then GB18030 (a
superset of GBK and GB2312, the encodings of Chinese Windows), strict, then with a few undecodable
bytes; then charset-normalizer's best guess. "A few" is at most FEW_BAD_BYTES or one byte in
BAD_BYTES_PER: each becomes U+FFFD in the text, where the mojibake rule (GK002) reports it, and the
rest of the report is checked. CRLF and lone CR become LF so that line numbers match what editors
show.
"""

from __future__ import annotations

import codecs

from auditor import regexcache
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


FEW_BAD_BYTES = 16
BAD_BYTES_PER = 1000
_CONTROL = regexcache.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 (LE or BE) without a byte-order mark: the one byte order that decodes cleanly into
    text of which a good share is Chinese and that has no control characters. Only tried when the
    data has NUL bytes: the line ends, digits and spaces of a report give UTF-16 its NULs, which
    valid UTF-8 or GB18030 text never has."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    # an ASCII character is its byte then NUL in little-endian order, NUL then its byte in big-endian
    encoding = "utf-16-le" if data[1::2].count(0) >= data[0::2].count(0) else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return (text, encoding) if _cjk_share(text) >= 0.2 and not _CONTROL.search(text) else None


def _with_few_bad_bytes(data: bytes, encoding: str) -> tuple[str, str] | None:
    """``data`` decoded with undecodable bytes replaced by U+FFFD, when they are few."""
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(FEW_BAD_BYTES, len(data) // BAD_BYTES_PER) and (encoding == "utf-8" or _cjk_share(text) >= 0.1):
        return text, encoding
    return None


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
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if _looks_binary(data):
        raise ReadError("这是二进制文件，不是文本报告")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _with_few_bad_bytes(data, "utf-8")
    if mostly_utf8 is not None:
        return mostly_utf8
    try:
        text = data.decode("gb18030")
        if _cjk_share(text) >= 0.1:
            return text, "gb18030"
    except UnicodeDecodeError:
        mostly_gb = _with_few_bad_bytes(data, "gb18030")
        if mostly_gb is not None:
            return mostly_gb
    from charset_normalizer import from_bytes  # imported only for the rare undeclared non-UTF-8 file

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("无法识别文件编码（不是 UTF-8、UTF-16 或 GB18030/GBK 文本）")
    return str(best), best.encoding


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text with LF line ends, encoding); raises ReadError when there is no text."""
    text, encoding = decode_bytes(data)
    text = normalise_newlines(text)
    if not text.strip():
        raise ReadError("文件没有任何文字内容")
    return text, encoding


def read_text_file(path: str, data: bytes) -> Document:
    text, encoding = decode_text(data)
    return Document(path=path, text=text, source_format="txt", encoding=encoding)
