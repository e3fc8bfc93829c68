"""The clerk's view in a real browser: the served page and a generated audit.html."""

from __future__ import annotations

import os
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
    # the primary place (the total cell) is scrolled to; the outlined addends may lie beyond the screen
    primary = page.locator(f"td.focus:has(#at-{key})")
    assert primary.count() == 1
    page.wait_for_function(IN_VIEW, arg=primary.element_handle())


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


def test_audit_html_lays_word_merged_cells_out_as_the_source(page: Any, tmp_path: Path) -> None:
    page.goto(_audit_html(tmp_path, FAULTY_DOCX).as_uri())
    table = page.locator("table.grid", has_text="申请人情况")
    header = table.locator("td", has_text="本列数据的勾稽关系为")
    assert header.count() == 1  # one merged header, not one copy per row it spans
    first_row = table.locator("tr").first.bounding_box()
    header_box = header.bounding_box()
    assert first_row and header_box and header_box["height"] > 2 * first_row["height"]
    layout = page.evaluate("""t => ({
        empty: t.querySelectorAll('td:empty').length,
        tableRight: Math.round(t.getBoundingClientRect().right),
        rowRights: Array.from(t.rows).map(r => Math.round(r.cells[r.cells.length - 1].getBoundingClientRect().right)),
    })""", table.element_handle())
    assert layout["empty"] == 0  # no phantom columns
    assert max(layout["rowRights"]) >= layout["tableRight"] - 2
    assert page.locator(".finding .where", has_text="表2 第32行 第2列").count() >= 1


# -- the served page while checking, after it, and watching a file ---------------------------------------
PROGRESS_TEXT = "#progress-text"
NO_GK201 = ("() => document.querySelector('.findings') && "
            "![...document.querySelectorAll('.findings code.rule')].some(e => e.textContent === 'GK201')")


def test_progress_state_while_checking(page: Any, server_url: str) -> None:
    held: list[Any] = []

    def hold(route: Any) -> None:  # the request waits here until the test lets it go
        held.append(route)

    page.route("**/check", hold)
    page.goto(server_url)
    page.set_input_files("#file", str(FAULTY_TXT))
    page.wait_for_selector("#check-button[disabled]")
    assert page.locator("#progress.working .spinner").is_visible()
    assert page.get_attribute("body", "aria-busy") == "true"
    assert "正在检查“report-2021-faulty.txt”" in page.inner_text(PROGRESS_TEXT)
    page.wait_for_function("() => document.getElementById('progress-text').textContent.includes('已用 1 秒')")
    assert page.is_disabled("#check-button")
    held[0].continue_()
    page.wait_for_selector("#progress.finished")
    assert page.is_enabled("#check-button") and not page.locator(".spinner").is_visible()
    assert "检查完成" in page.inner_text(PROGRESS_TEXT) and "5 个错误" in page.inner_text(PROGRESS_TEXT)
    assert page.locator(".findings .finding").count() >= 3


def _rule_count(page: Any, rule: str) -> int:
    return int(page.locator(".findings .finding code.rule", has_text=rule).count())


def test_pasted_text_is_kept_and_rechecked(page: Any, server_url: str) -> None:
    pasted = FAULTY_TXT.read_text(encoding="utf-8")
    page.goto(server_url)
    assert page.is_hidden("#recheck-button")
    page.locator("details summary").click()
    page.fill("#text", pasted)
    page.click("#check-button")
    page.wait_for_selector(DONE)
    assert _rule_count(page, "GK201") == 1
    assert page.input_value("#text") == pasted
    page.fill("#text", pasted.replace("XX年度工作要点", "本年度工作要点"))
    page.click("#recheck-button")
    page.wait_for_function(NO_GK201)
    page.wait_for_selector(DONE)
    assert _rule_count(page, "GK801") >= 1 and _rule_count(page, "GK201") == 0


def test_legacy_word_file_is_advised_on_the_page(page: Any, server_url: str, tmp_path: Path) -> None:
    legacy = tmp_path / "报告.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    _upload(page, server_url, legacy)
    assert "另存为 .docx" in page.locator(".upload-error").inner_text()
    assert page.locator("#progress.failed").count() == 1 and page.is_enabled("#check-button")


def test_watched_file_updates_the_open_page(page: Any, tmp_path: Path, running_server: Any) -> None:
    report = tmp_path / "报告.txt"
    report.write_bytes(FAULTY_TXT.read_bytes())
    with running_server("--watch", str(report)) as url:
        page.goto(url)
        assert "正在监视" in page.inner_text("#watch")
        page.wait_for_function("() => document.querySelectorAll('.findings .finding').length >= 3")
        assert _rule_count(page, "GK201") == 1
        page.evaluate("window.__sameDocument = true")
        report.write_text(FAULTY_TXT.read_text(encoding="utf-8").replace("XX年度工作要点", "本年度工作要点"),
                          encoding="utf-8")
        page.wait_for_function(NO_GK201, timeout=30_000)
        assert page.evaluate("window.__sameDocument") is True  # updated in place, not reloaded
        assert _rule_count(page, "GK801") >= 1
        assert "已更新" in page.inner_text(PROGRESS_TEXT) and "上次检查" in page.inner_text("#watch-state")
        page.click("#recheck-button")
        page.wait_for_selector("#progress.finished")
        assert page.evaluate("window.__sameDocument") is True


def test_recheck_of_a_file_changed_since_it_was_chosen_says_what_to_do(page: Any, server_url: str,
                                                                       tmp_path: Path) -> None:
    report = tmp_path / "报告.txt"
    report.write_bytes(FAULTY_TXT.read_bytes())
    _upload(page, server_url, report)
    assert page.locator("#progress.finished").count() == 1 and page.is_visible("#recheck-button")
    report.write_text(report.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    os.utime(report, (report.stat().st_atime + 5, report.stat().st_mtime + 5))
    page.click("#recheck-button")
    page.wait_for_selector("#progress.failed")
    message = page.inner_text(PROGRESS_TEXT)
    assert "请重新选择或拖入这个文件" in message and "--watch" in message
    assert page.is_enabled("#check-button") and page.locator(".findings .finding").count() >= 3
