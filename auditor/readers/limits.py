"""Every bound on what a reader may read, in one place, so that no input can exhaust memory or time.

A report of a few hundred pages is far inside every default below; a hostile or broken file
(a zip bomb, a PDF flate bomb, a ``gridSpan`` of two billion, a FIFO, ``/dev/zero``) meets a
clear ReadError (rule GK001) naming the limit, instead of a MemoryError or a hang.

- every file: at most ``max_file_size`` bytes (default 100 MB; ``--max-file-size`` in MB, or
  ``$GK_AUDIT_MAX_FILE_SIZE`` in bytes); only regular files are opened (a FIFO, a device such as
  ``/dev/zero`` or a socket is refused without blocking);
- .docx: before python-docx inflates anything, each ZIP member's size and compression ratio and
  the total size are checked; a cell spans at most ``MAX_SPAN`` columns; the text copied into
  vertical-merge continuations is bounded;
- every table (docx, HTML, PDF): at most ``MAX_GRID_CELLS`` grid positions and ``MAX_TABLE_CHARS``
  characters once merged cells are expanded, checked before the grid is built;
- PDF: at most ``MAX_PDF_PAGES`` pages (read from the page tree before any page is parsed); every
  Flate stream is inflated incrementally and stops at ``MAX_STREAM_BYTES``, and all streams of one
  file together at ``MAX_DECODED_BYTES``;
- HTML: at most ``MAX_HTML_NODES`` elements and ``MAX_HTML_CELLS`` table cells.

The per-file time budget (``--time-budget``, ``$GK_AUDIT_TIME_BUDGET`` in seconds, default 180;
0 turns it off) is enforced by the engine (``auditor.engine``); its value is read here.
"""

from __future__ import annotations

import io
import os
import stat
import zlib
from collections.abc import Sequence

from auditor.readers import ReadError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

MB = 1024 * 1024
SIZE_VARIABLE = "GK_AUDIT_MAX_FILE_SIZE"
TIME_VARIABLE = "GK_AUDIT_TIME_BUDGET"
DEFAULT_MAX_FILE_SIZE = 100 * MB
DEFAULT_TIME_BUDGET = 180.0

# .docx (a ZIP of XML parts)
MAX_MEMBER_BYTES = 256 * MB  # one inflated part (word/document.xml of a 500-page report is ~20 MB)
MAX_INFLATED_BYTES = 512 * MB  # all parts together
MAX_RATIO = 200  # inflated / compressed, for parts above RATIO_FLOOR (Word XML deflates ~5-20x)
RATIO_FLOOR = 4 * MB
MAX_SPAN = 256  # gridSpan: columns one cell may cover (the layout never draws more than 256)
MAX_GRID_CELLS = 1_000_000  # cells of one table, merged cells counted for each position they cover
MAX_MERGED_CHARS = 20_000_000  # characters copied into vMerge continuation cells, one document
MAX_TABLE_CHARS = 50_000_000  # characters of one table once merged cells are repeated

# PDF
MAX_PDF_PAGES = 5_000
MAX_STREAM_BYTES = 128 * MB
MAX_DECODED_BYTES = 1024 * MB

# HTML
MAX_HTML_NODES = 2_000_000
MAX_HTML_CELLS = 500_000


def _number(variable: str, default: float) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if value >= 0 else default


def max_file_size() -> int:
    """The per-file size limit in bytes (0: no limit)."""
    return int(_number(SIZE_VARIABLE, DEFAULT_MAX_FILE_SIZE))


def time_budget() -> float:
    """Seconds one file may take, reading and checking (0: no limit)."""
    return _number(TIME_VARIABLE, DEFAULT_TIME_BUDGET)


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{size} 字节"


def too_large(size: int, limit: int) -> ReadError:
    return ReadError(f"文件太大（{_megabytes(size)}，上限 {_megabytes(limit)}）；"
                     f"确是报告时可用 --max-file-size 调高上限")


def check_size(size: int) -> None:
    limit = max_file_size()
    if limit and size > limit:
        raise too_large(size, limit)


# ----------------------------------------------------------------------------- files
_KINDS = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
          (stat.S_ISSOCK, "套接字"))


def _not_regular(mode: int) -> ReadError:
    kind = next((name for test, name in _KINDS if test(mode)), "特殊文件")
    return ReadError(f"这是{kind}，不是普通文件，不予读取")


def read_file_bytes(path: str) -> bytes:
    """The bytes of a regular file of at most ``max_file_size()`` bytes. A FIFO or device is refused
    without blocking (opened non-blocking, checked with fstat before any read). Raises OSError as
    ``open`` does, ReadError for a special or too large file."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(descriptor, "rb", closefd=True) as stream:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(info.st_mode)
        check_size(info.st_size)
        limit = max_file_size()
        # read the size fstat gave (and one byte more) first: read(limit + 1) would allocate the
        # whole limit (100 MB) for every file; the rest is read only if the file is longer
        data = stream.read(info.st_size + 1)
        if len(data) > info.st_size:
            data += stream.read(limit + 1 - len(data)) if limit else stream.read()
    check_size(len(data))  # the file grew while we read it
    return data


# ----------------------------------------------------------------------------- .docx
def check_zip(data: bytes) -> None:
    """Refuse a ZIP whose parts would inflate beyond the limits, from its directory alone."""
    import zipfile  # only a .docx needs it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ReadError(f"无法打开 .docx 文件（{error}）") from error
    total = 0
    for member in members:
        size, packed = member.file_size, max(member.compress_size, 1)
        if size > MAX_MEMBER_BYTES:
            raise ReadError(f".docx 中的 {member.filename} 解压后达 {_megabytes(size)}，超过上限 "
                            f"{_megabytes(MAX_MEMBER_BYTES)}，疑为压缩炸弹，不予读取")
        if size > RATIO_FLOOR and size / packed > MAX_RATIO:
            raise ReadError(f".docx 中的 {member.filename} 压缩比达 {size // packed}:1（上限 {MAX_RATIO}:1），"
                            "疑为压缩炸弹，不予读取")
        total += size
    if total > MAX_INFLATED_BYTES:
        raise ReadError(f".docx 解压后共 {_megabytes(total)}，超过上限 {_megabytes(MAX_INFLATED_BYTES)}，不予读取")


def cap_span(span: int) -> int:
    """A ``gridSpan`` as the layout may use it: at least 1, at most MAX_SPAN."""
    return min(max(span, 1), MAX_SPAN)


def check_table(rows: Sequence[Sequence[Any]], table_number: int) -> None:
    """Refuse a table (rows of ``CellText``) whose expanded grid would exceed MAX_GRID_CELLS
    positions or MAX_TABLE_CHARS characters (a merged cell's text is repeated at each position it
    covers), computed from the cells before the grid is built."""
    height, positions, chars = len(rows), 0, 0
    for index, row in enumerate(rows):
        for cell in row:
            covered = min(max(cell.row_span, 1), height - index) * min(max(cell.column_span, 1), MAX_SPAN)
            positions += covered
            chars += covered * len(cell.chars)
    if positions > MAX_GRID_CELLS:
        raise ReadError(f"表 {table_number} 过大（展开合并单元格后超过 {MAX_GRID_CELLS:,} 个单元格），不予读取")
    if chars > MAX_TABLE_CHARS:
        raise ReadError(f"表 {table_number} 过大（展开合并单元格后超过 {MAX_TABLE_CHARS:,} 字），不予读取")


class TableBudget:
    """Counts the characters a .docx copies into vMerge continuation cells; ReadError past the limit."""

    def __init__(self) -> None:
        self.merged_chars = 0

    def merged(self, chars: int) -> None:
        self.merged_chars += chars
        if self.merged_chars > MAX_MERGED_CHARS:
            raise ReadError(f"纵向合并的单元格复制的文字超过 {MAX_MERGED_CHARS:,} 字，不予读取")


# ----------------------------------------------------------------------------- PDF
class _Inflated:
    """Bytes inflated so far from the PDF being read (reset for each file)."""

    total = 0


class LimitInsideParser(BaseException):
    """A limit met inside a parsing library (pdfminer), which wraps every ``Exception`` in its own:
    a BaseException passes through unchanged, and ``read_bytes`` turns it back into ``error``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.error = ReadError(reason)


def _count(size: int) -> None:
    _Inflated.total += size
    if _Inflated.total > MAX_DECODED_BYTES:
        raise LimitInsideParser(f"PDF 解压后的内容超过 {_megabytes(MAX_DECODED_BYTES)}，疑为压缩炸弹，不予读取")


def _stream_too_large() -> LimitInsideParser:
    return LimitInsideParser(f"PDF 中有一个数据流解压后超过 {_megabytes(MAX_STREAM_BYTES)}，疑为压缩炸弹，不予读取")


class _CappedDecompressor:
    def __init__(self) -> None:
        self._inner = zlib.decompressobj()
        self.size = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = MAX_STREAM_BYTES - self.size + 1
        out = self._inner.decompress(data, room if max_length <= 0 else min(room, max_length))
        self.size += len(out)
        _count(len(out))
        if self.size > MAX_STREAM_BYTES:
            raise _stream_too_large()
        return out

    def flush(self) -> bytes:
        return self._inner.flush()


class _CappedZlib:
    """Stands in for the ``zlib`` module inside pdfminer: the same calls, bounded output."""

    error = zlib.error

    @staticmethod
    def decompressobj(*_: Any) -> _CappedDecompressor:
        return _CappedDecompressor()

    @staticmethod
    def decompress(data: bytes, *_: Any) -> bytes:
        inflater = _CappedDecompressor()
        out = inflater.decompress(data)
        if inflater._inner.unconsumed_tail:
            raise _stream_too_large()
        if not inflater._inner.eof:
            raise zlib.error("incomplete or truncated stream")
        return out


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's fallback for a stream with a bad checksum, linear and bounded (the original
    feeds one byte at a time and concatenates, quadratic in the output)."""
    inflater = _CappedDecompressor()
    parts: list[bytes] = []
    for start in range(0, len(data), 65536):
        try:
            parts.append(inflater.decompress(data[start:start + 65536]))
        except zlib.error:
            break  # keep what was inflated before the damage, as pdfminer does
    return b"".join(parts)


def _guard_pdfminer() -> None:
    from pdfminer import pdftypes

    if pdftypes.zlib is not _CappedZlib:
        pdftypes.zlib = _CappedZlib  # type: ignore[assignment]
        pdftypes.decompress_corrupted = _decompress_corrupted


def start_pdf() -> None:
    """Call before pdfminer opens a PDF: inflation inside pdfminer is bounded from now on, and the
    per-file total starts again from zero."""
    _guard_pdfminer()
    _Inflated.total = 0


def check_pdf_pages(document: Any) -> None:
    """Refuse a PDF with more than MAX_PDF_PAGES pages, from the page tree's ``/Count``."""
    from pdfminer.pdftypes import resolve1

    try:
        count = int(resolve1(resolve1(document.catalog.get("Pages")).get("Count", 0)))
    except (AttributeError, TypeError, ValueError):
        return  # no usable count: pages are counted as they are read
    if count > MAX_PDF_PAGES:
        raise ReadError(f"PDF 有 {count:,} 页，超过上限 {MAX_PDF_PAGES:,} 页，不予读取")


# ----------------------------------------------------------------------------- HTML
def check_html_tree(root: Any) -> None:
    """Refuse a parsed page with more than MAX_HTML_NODES elements or MAX_HTML_CELLS cells."""
    nodes = cells = 0
    for element in root.iter():
        nodes += 1
        if element.tag in ("td", "th"):
            cells += 1
    if nodes > MAX_HTML_NODES:
        raise ReadError(f"网页元素过多（{nodes:,} 个，上限 {MAX_HTML_NODES:,}），不予读取")
    if cells > MAX_HTML_CELLS:
        raise ReadError(f"网页表格单元格过多（{cells:,} 个，上限 {MAX_HTML_CELLS:,}），不予读取")
