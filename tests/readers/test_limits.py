"""Bounded readers (issue 11): every hostile input meets a clear GK001 read error, never a
MemoryError, a hang or a traceback, and real-sized inputs pass."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

import pytest

from auditor.engine import check_path
from auditor.readers import ReadError, limits, read_bytes, read_path
from auditor.rulebook import Rulebook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import hostile

TITLE = hostile.paragraph("某区2023年政府信息公开工作年度报告")


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GK_AUDIT_CACHE_DIR", "")


def _read_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.read_error is not None, [d.rule for d in result.diagnostics]
    assert [diagnostic.rule for diagnostic in result.diagnostics] == ["GK001"]
    return str(result.read_error)


def test_zip_bomb_is_refused_from_the_zip_directory(rulebook: Rulebook, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(hostile.docx_bytes(TITLE, padding=40 << 20))  # 40 MB of spaces in ~40 KB
    assert bomb.stat().st_size < 200_000
    reason = _read_error(check_path(str(bomb), rulebook))
    assert "压缩比" in reason and "word/document.xml" in reason


def test_oversized_zip_member_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1 << 20)
    with pytest.raises(ReadError, match="解压后达"):
        limits.check_zip(hostile.docx_bytes(TITLE, padding=2 << 20))


def test_ordinary_docx_passes_the_zip_check() -> None:
    limits.check_zip(hostile.docx_bytes(TITLE, padding=100_000))


def test_grid_span_of_two_billion_is_capped(rulebook: Rulebook, tmp_path: Path) -> None:
    path = tmp_path / "span.docx"
    path.write_bytes(hostile.grid_span_docx(2_000_000_000))
    result = check_path(str(path), rulebook)
    assert result.read_error is None
    grid = result.report.document.grids[0]  # type: ignore[union-attr]
    assert max(cell.column for cell in grid.cells) < limits.MAX_SPAN + 1
    assert "GK201" in [diagnostic.rule for diagnostic in result.diagnostics]  # the XX年 in the table


def test_table_grid_cap(monkeypatch: pytest.MonkeyPatch, rulebook: Rulebook, tmp_path: Path) -> None:
    monkeypatch.setattr(limits, "MAX_GRID_CELLS", 100)
    path = tmp_path / "span.docx"
    path.write_bytes(hostile.grid_span_docx(200))
    assert "过大" in _read_error(check_path(str(path), rulebook))


def test_pdf_flate_bomb_stops_at_the_stream_cap(monkeypatch: pytest.MonkeyPatch, rulebook: Rulebook,
                                                tmp_path: Path) -> None:
    monkeypatch.setattr(limits, "MAX_STREAM_BYTES", 1 << 20)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(hostile.pdf_bytes(inflated=8 << 20))
    assert "压缩炸弹" in _read_error(check_path(str(path), rulebook))


def test_pdf_total_inflation_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DECODED_BYTES", 1 << 20)
    limits.start_pdf()
    from pdfminer import pdftypes

    data = zlib.compress(b" " * (600 << 10))
    pdftypes.zlib.decompress(data)
    with pytest.raises(limits.LimitInsideParser, match="解压后的内容超过"):
        pdftypes.zlib.decompress(data)


def test_capped_zlib_inflates_like_zlib() -> None:
    limits.start_pdf()
    from pdfminer import pdftypes

    data = b"2023 report " * 1000
    assert pdftypes.zlib.decompress(zlib.compress(data)) == data
    assert pdftypes.decompress_corrupted(zlib.compress(data)[:-3]) == data  # checksum cut off
    with pytest.raises(zlib.error):
        pdftypes.zlib.decompress(zlib.compress(data)[:40])


def test_pdf_page_limit(monkeypatch: pytest.MonkeyPatch, rulebook: Rulebook, tmp_path: Path) -> None:
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 3)
    path = tmp_path / "pages.pdf"
    path.write_bytes(hostile.pdf_bytes(pages=4))
    assert "超过上限 3 页" in _read_error(check_path(str(path), rulebook))


def test_html_node_and_cell_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    page = "<html><body><p>某区2023年报告</p><table>" + "<tr><td>1</td><td>2</td></tr>" * 50 + "</table></body></html>"
    read_bytes("ok.html", page.encode())
    monkeypatch.setattr(limits, "MAX_HTML_CELLS", 99)
    with pytest.raises(ReadError, match="单元格过多"):
        read_bytes("cells.html", page.encode())
    monkeypatch.setattr(limits, "MAX_HTML_NODES", 50)
    with pytest.raises(ReadError, match="元素过多"):
        read_bytes("nodes.html", page.encode())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_blocking(rulebook: Rulebook, tmp_path: Path) -> None:
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    assert "命名管道" in _read_error(check_path(str(fifo), rulebook))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_is_refused(rulebook: Rulebook) -> None:
    assert "字符设备" in _read_error(check_path("/dev/zero", rulebook))


def test_size_limit_is_configurable(monkeypatch: pytest.MonkeyPatch, rulebook: Rulebook, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("某区2023年政府信息公开工作年度报告\n" * 100, encoding="utf-8")
    monkeypatch.setenv(limits.SIZE_VARIABLE, "1000")
    reason = _read_error(check_path(str(path), rulebook))
    assert "文件太大" in reason and "--max-file-size" in reason
    assert "文件太大" in _read_error(check_path("-.txt", rulebook, data=path.read_bytes()))
    monkeypatch.setenv(limits.SIZE_VARIABLE, "0")  # no limit
    assert check_path(str(path), rulebook).read_error is None


def test_directory_and_missing_file_messages_stay(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="目录"):
        read_path(str(tmp_path))
    with pytest.raises(ReadError, match="不存在"):
        read_path(str(tmp_path / "missing.txt"))


def test_real_reports_pass_every_limit(rulebook: Rulebook) -> None:
    folder = Path(__file__).resolve().parents[3] / "shared" / "realdocs"
    files = sorted(path for path in folder.glob("*") if path.suffix in (".pdf", ".docx", ".html"))
    if not files:
        pytest.skip("../shared/realdocs not present")
    for path in files:
        result = check_path(str(path), rulebook)
        assert result.read_error is None, (path.name, result.read_error)
