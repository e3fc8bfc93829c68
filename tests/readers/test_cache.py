"""The extracted-document cache: hits by content, survives nothing stale, costs a .txt run nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from report_forms import REPORTS, WRITERS

from auditor.cli import main
from auditor.readers import ReadError, read_bytes
from auditor.readers.cache import ENVIRONMENT_VARIABLE, cached_read, document_from_json, document_to_json


@pytest.mark.parametrize("form", ["html", "docx", "pdf"])
def test_round_trip_keeps_every_field(form: str) -> None:
    document = read_bytes(f"r.{form}", WRITERS[form](REPORTS["2021-faulty"]))
    again = document_from_json("r." + form, json.loads(json.dumps(document_to_json(document))))
    assert again == document
    assert again.folded == document.folded
    for offset in range(0, len(document.text), 97):
        assert again.position(offset) == document.position(offset)
        if document.locator is not None:
            assert again.locator is not None and again.locator.locate(offset) == document.locator.locate(offset)


def test_second_read_comes_from_the_cache(tmp_path: Path) -> None:
    data = WRITERS["docx"](REPORTS["2021-clean"])
    calls: list[str] = []

    def reader(path: str, content: bytes):  # type: ignore[no-untyped-def]
        calls.append(path)
        return read_bytes(path, content)

    target = "auditor.readers.docx:read_docx_file"
    first = cached_read("a.docx", data, target, reader, tmp_path)
    second = cached_read("b.docx", data, target, reader, tmp_path)
    assert calls == ["a.docx"]
    assert second.path == "b.docx" and second.text == first.text
    changed = cached_read("a.docx", data + b"\0", target, lambda p, d: first, tmp_path)
    assert changed is first  # other content, other key


def test_read_errors_are_cached_and_damaged_entries_ignored(tmp_path: Path) -> None:
    target = "auditor.readers.pdf:read_pdf_file"

    def scan(path: str, content: bytes):  # type: ignore[no-untyped-def]
        raise ReadError("PDF 只有扫描图像，没有文字层", kind="no_text_layer")

    with pytest.raises(ReadError):
        cached_read("s.pdf", b"%PDF scan", target, scan, tmp_path)
    with pytest.raises(ReadError) as raised:
        cached_read("s.pdf", b"%PDF scan", target, lambda p, d: pytest.fail("not cached"), tmp_path)
    assert raised.value.kind == "no_text_layer"
    for entry in tmp_path.rglob("*.json"):
        entry.write_text("{ damaged", encoding="utf-8")
    with pytest.raises(ReadError):
        cached_read("s.pdf", b"%PDF scan", target, scan, tmp_path)


def test_cli_cache_dir_and_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    report = tmp_path / "report.docx"
    report.write_bytes(WRITERS["docx"](REPORTS["2021-faulty"]))
    cache = tmp_path / "cache"
    runner = CliRunner()
    first = runner.invoke(main, ["check", "--cache-dir", str(cache), "--format", "json", str(report)])
    assert len(list(cache.rglob("*.json"))) == 1
    second = runner.invoke(main, ["check", "--cache-dir", str(cache), "--format", "json", str(report)])
    assert json.loads(first.output)["files"] == json.loads(second.output)["files"]
    other = tmp_path / "other"
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(other))
    runner.invoke(main, ["check", "--no-cache", str(report)])
    assert not other.exists()


def test_a_txt_run_imports_no_heavy_reader(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("某县2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n", encoding="utf-8")
    probe = ("import sys\nfrom click.testing import CliRunner\nfrom auditor.cli import main\n"
             f"CliRunner().invoke(main, ['check', '--jobs', '1', {str(report)!r}])\n"
             "print(sorted(name for name in ('lxml', 'docx', 'pdfplumber', 'pdfminer', 'charset_normalizer')"
             " if name in sys.modules))")
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "[]"
