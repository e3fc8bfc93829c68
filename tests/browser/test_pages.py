"""The clerk's view in a real browser: the served page and a generated audit.html."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAULTY_TXT = ROOT / "examples" / "report-2021-faulty.txt"
FAULTY_DOCX = ROOT / "examples" / "report-2021-faulty.docx"
IN_VIEW = "el => { const box = el.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }"
HOSTILE = ("某县XX局2023年政府信息公开工作年度报告\n\n一、总体情况\n\n"
           "本局<script>alert(1)</script>认真落实。<img src=x onerror=\"window.__xss=1;alert(2)\">\n"
           "XX年度工作要点已全部落实。\n")


def _watch_for_scripts(page: Any) -> list[str]:
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


DONE = "#progress.finished, #progress.failed"


def _upload(page: Any, url: str, path: Path) -> None:
    page.goto(url)
    page.set_input_files("#file", str(path))  # the page checks as soon as a file is chosen
    page.wait_for_selector(DONE)


def test_upload_faulty_txt_shows_findings_and_marked_cell(page: Any, server_url: str) -> None:
    _upload(page, server_url, FAULTY_TXT)
    findings = page.locator(".findings .finding")
    assert findings.count() >= 3
    assert page.locator(".finding code.rule", has_text="GK201").count() == 1
    marked = page.locator("table.grid td.cell-pri")
    assert marked.count() >= 1 and marked.first.is_visible()
    assert page.locator("table.grid td.cell-lbl").count() >= 1
    assert page.locator(".table-note").count() >= 1
    finding = page.locator(".finding[data-finding]", has=page.locator("code.rule", has_text="GK8")).first
    finding.click()
    key = finding.get_attribute("data-finding")
    focused = page.locator(f"td.focus[data-d~='{key}'], mark.focus[data-d~='{key}']")
    assert focused.count() >= 1
    page.wait_for_function(IN_VIEW, arg=focused.first.element_handle())


def test_upload_faulty_docx(page: Any, server_url: str) -> None:
    if not FAULTY_DOCX.exists():
        pytest.skip(f"{FAULTY_DOCX.relative_to(ROOT)} does not exist yet (a colleague is adding it)")
    _upload(page, server_url, FAULTY_DOCX)
    assert page.locator(".read-error").count() == 0
    assert page.locator(".findings .finding").count() >= 1
    assert page.locator("table.grid td.cell-pri").count() >= 1


def test_bad_upload_gets_a_message_and_the_server_goes_on(page: Any, server_url: str, tmp_path: Path) -> None:
    fake = tmp_path / "setup.docx"
    fake.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 8)
    _upload(page, server_url, fake)
    alert = page.locator(".read-error, .upload-error")
    assert alert.count() >= 1 and ".docx" in alert.first.inner_text()
    _upload(page, server_url, FAULTY_TXT)
    assert page.locator(".findings .finding").count() >= 3


def test_pasted_markup_stays_text_on_the_served_page(page: Any, server_url: str) -> None:
    dialogs = _watch_for_scripts(page)
    page.goto(server_url)
    page.locator("details summary").click()
    page.fill("#text", HOSTILE)
    page.click("#check-button")
    page.wait_for_selector(DONE)
    assert "<script>alert(1)</script>" in page.locator(".paper").inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def _audit_html(tmp_path: Path, *inputs: Path) -> Path:
    output = tmp_path / "audit.html"
    subprocess.run([sys.executable, "-m", "auditor.cli", "check", "--format", "html", "-o", str(output),
                    *map(str, inputs)], check=False, cwd=ROOT)
    assert output.exists()
    return output


def test_audit_html_click_scrolls_and_highlights(page: Any, tmp_path: Path) -> None:
    page.goto(_audit_html(tmp_path, FAULTY_TXT).as_uri())
    finding = page.locator(".finding", has=page.locator("code.rule", has_text="GK301")).first
    finding.click()
    key = finding.get_attribute("data-finding")
    target = page.locator(f"#at-{key}")
    assert "focus" in (target.get_attribute("class") or "")
    page.wait_for_function(IN_VIEW, arg=target.element_handle())


def test_audit_html_markup_never_runs(page: Any, tmp_path: Path) -> None:
    report = tmp_path / "hostile.txt"
    report.write_text(HOSTILE, encoding="utf-8")
    dialogs = _watch_for_scripts(page)
    page.goto(_audit_html(tmp_path, report, FAULTY_TXT).as_uri())
    assert page.locator(".file-index li").count() == 2
    assert "onerror" in page.locator("#f0 .paper").inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
