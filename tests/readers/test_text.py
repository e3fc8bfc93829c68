import codecs

import pytest

from auditor.readers import ReadError, read_bytes

REPORT = "某县2017年政府信息公开工作年度报告\n一、概述\n全年主动公开政府信息1200条。\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (REPORT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"), "utf-16-le"),
    (codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), "utf-16-be"),
    (REPORT.encode("gb18030"), "gb18030"),
    (REPORT.encode("gbk"), "gb18030"),
])
def test_encodings_are_detected(data: bytes, encoding: str) -> None:
    document = read_bytes("r.txt", data)
    assert document.text == REPORT
    assert document.encoding == encoding


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_become_lines(newline: str) -> None:
    document = read_bytes("r.txt", REPORT.replace("\n", newline).encode("utf-8"))
    assert document.text == REPORT
    assert document.line_count == 4


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "文件为空"),
    (b"   \n\n", "文件为空"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "二进制"),
])
def test_unreadable_input_raises_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        read_bytes("r.txt", data)


def test_markdown_keeps_lines() -> None:
    document = read_bytes("r.md", "## 一、总体情况\n正文。\n".encode())
    assert document.source_format == "md"
    assert document.line(0).text == "一、总体情况"  # the heading without its markup (tests/readers/test_markdown.py)
    assert document.position(0).line == 1 and document.position(0).column == 4


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(encoding: str) -> None:
    document = read_bytes("r.txt", REPORT.encode(encoding))
    assert document.text == REPORT and document.encoding == encoding


@pytest.mark.parametrize(("encoding", "bad"), [("utf-8", b"\xff\xfe"), ("gb18030", b"\x81\x20")])
def test_a_few_bad_bytes_are_replaced_and_the_rest_is_read(encoding: str, bad: bytes) -> None:
    data = REPORT.encode(encoding)
    cut = data.index("全年".encode(encoding))
    document = read_bytes("r.txt", data[:cut] + bad + data[cut:])
    assert document.encoding == encoding
    assert "\ufffd" in document.text and "全年主动公开政府信息1200条" in document.text


def test_many_bad_bytes_are_not_papered_over() -> None:
    with pytest.raises(ReadError):
        read_bytes("r.txt", bytes(range(128, 256)) * 40)
