"""``gk-audit serve`` over plain HTTP: checks, downloads, and refusals that leave the server serving."""

from __future__ import annotations

import html
import json
import os
import re
import socket
import sys
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install -e '.[test]')")
pytest.importorskip("multipart", reason="python-multipart is not installed (pip install -e '.[test]')")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette suggests httpx2, not yet a test dependency
    from starlette.testclient import TestClient

from click.testing import CliRunner

from auditor import server
from auditor.cli import main
from auditor.render.html import script_hash
from auditor.rulebook import Rulebook
from auditor.serve_pool import SPAWN, Limits
from auditor.server import MAX_UPLOAD_BYTES, ServeSettings, create_app

ROOT = Path(__file__).resolve().parents[1]
FAULTY = (ROOT / "examples" / "report-2021-faulty.txt").read_bytes()


BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def client(rulebook) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(rulebook), base_url=BASE) as started:  # `with`: the lifespan starts the workers
        yield started


def _still_serving(client: TestClient) -> None:
    answer = client.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")})
    assert answer.status_code == 200 and 'class="findings"' in answer.text


def test_index_has_the_form_and_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'type="file"' in page.text and 'name="text"' in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_upload_shows_the_report_with_downloads(client: TestClient) -> None:
    page = client.post("/check", files={"file": ("报告.txt", FAULTY, "text/plain")}, data={"year": "", "profile": ""})
    assert page.status_code == 200
    assert page.text.count('class="finding ') >= 3 and "cell-pri" in page.text
    payload = page.text.split('<script type="application/json" id="downloads">')[1].split("</script>")[0]
    downloads = json.loads(payload)
    assert downloads["stem"] == "报告" and downloads["html"].startswith("<!DOCTYPE html>")
    assert json.loads(downloads["json"])["files"][0]["path"] == "报告.txt"


def test_year_and_era_can_be_chosen(client: TestClient) -> None:
    fields = {"text": FAULTY.decode("utf-8"), "year": "2020", "profile": "2019", "output": "json"}
    page = client.post("/check", data=fields)
    checked = page.json()["files"][0]
    assert checked["year"] == 2020 and checked["era"] == "2019"


def test_empty_file(client: TestClient) -> None:
    page = client.post("/check", files={"file": ("r.txt", b"  \n", "text/plain")})
    assert page.status_code == 400 and "是空的" in page.text
    _still_serving(client)


def test_exe_renamed_docx(client: TestClient) -> None:
    page = client.post("/check", files={"file": ("setup.docx", b"MZ\x90\x00" + bytes(range(256)) * 4,
                                                 "application/octet-stream")})
    assert page.status_code in (415, 422)
    assert 'role="alert"' in page.text and ".docx" in page.text
    _still_serving(client)


def test_unknown_type_lists_supported_ones(client: TestClient) -> None:
    page = client.post("/check", files={"file": ("setup.exe", b"MZ", "application/octet-stream")})
    assert page.status_code == 415 and "不支持 .exe" in page.text and ".txt" in page.text
    _still_serving(client)


def test_over_the_limit_by_content_length(client: TestClient) -> None:
    page = client.post("/check", files={"file": ("big.txt", b"a" * (MAX_UPLOAD_BYTES + 10), "text/plain")})
    assert page.status_code == 413 and "文件太大" in page.text
    _still_serving(client)


def test_over_the_limit_while_streaming(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "MAX_UPLOAD_BYTES", 1000)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * 500

    page = client.post("/check", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert page.status_code == 413 and "文件太大" in page.text


def test_nothing_sent_and_bad_year(client: TestClient) -> None:
    assert "没有收到报告" in client.post("/check", data={"text": ""}).text
    bad = client.post("/check", data={"text": "报告", "year": "20x3"})
    assert bad.status_code == 400 and "报告年度" in bad.text


def test_undecodable_text_is_a_read_error(client: TestClient) -> None:
    page = client.post("/check", files={"file": ("r.txt", bytes(range(256)) * 40, "text/plain")})
    assert 'role="alert"' in page.text
    _still_serving(client)


# -- the guard: Host, Origin, headers ----------------------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.nip.io:8765", "localhost.evil:8765"])
def test_foreign_host_is_refused(client: TestClient, host: str) -> None:
    answer = client.get("/", headers={"host": host})
    assert answer.status_code == 403 and "只接受本机地址" in answer.text
    assert client.get("/healthz", headers={"host": host}).status_code == 403
    refused = client.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")}, headers={"host": host})
    assert refused.status_code == 403 and 'class="findings"' not in refused.text


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"])
def test_loopback_hosts_are_served(client: TestClient, host: str) -> None:
    assert client.get("/", headers={"host": host}).status_code == 200


def test_host_rules_for_other_binds() -> None:
    assert server.host_allowed("192.168.1.5:8765", "192.168.1.5")
    assert not server.host_allowed("evil.example:8765", "192.168.1.5")
    assert server.host_allowed("10.0.0.7:8765", "0.0.0.0")  # an IP literal cannot be rebound
    assert not server.host_allowed("evil.example", "0.0.0.0")
    assert server.host_name("[::1]:8765") == "::1" and server.host_name("Localhost:1") == "localhost"


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "null"},
    {"origin": "http://localhost:3000"},  # another local site: same-site, not same-origin
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},
    {"origin": f"{BASE}", "sec-fetch-site": "cross-site"},
])
def test_cross_site_posts_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    answer = client.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")}, headers=headers)
    assert answer.status_code == 403 and "只接受检查页面自己提交的请求" in answer.text
    assert client.post("/watch/recheck", headers=headers).status_code == 403


def test_own_page_posts_are_accepted(client: TestClient) -> None:
    answer = client.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")},
                         headers={"origin": BASE, "sec-fetch-site": "same-origin"})
    assert answer.status_code == 200 and 'class="findings"' in answer.text


def _policy(answer: Any) -> dict[str, str]:
    directives = [part.strip().split(" ", 1) for part in answer.headers["content-security-policy"].split(";")]
    return {parts[0]: parts[1] if len(parts) > 1 else "" for parts in directives}


def test_every_answer_forbids_framing(client: TestClient) -> None:
    answers = [client.get("/"), client.get("/healthz"), client.get("/", headers={"host": "evil.example"}),
               client.post("/check", data={"text": "报告", "output": "json"}), client.get("/events")]
    for answer in answers:
        assert _policy(answer)["frame-ancestors"] == "'none'", answer.url
        assert answer.headers["x-frame-options"] == "DENY" and answer.headers["x-content-type-options"] == "nosniff"


def test_page_policy_allows_only_its_own_scripts_and_connections(client: TestClient) -> None:
    page = client.get("/")
    policy = _policy(page)
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    assert policy["form-action"] == "'self'" and policy["base-uri"] == "'none'"
    inline = re.findall(r"<script>(.*?)</script>", page.text, flags=re.DOTALL)
    assert len(inline) == 2
    assert sorted(policy["script-src"].split()) == sorted(script_hash(script) for script in inline)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]


# -- what the clerk sees ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["报告.doc", "报告.WPS"])
def test_legacy_word_file_gets_the_save_as_docx_advice(client: TestClient, name: str) -> None:
    page = client.post("/check", files={"file": (name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                                                 "application/msword")})
    assert page.status_code == 415 and "另存为 .docx" in page.text and name in page.text
    assert ".doc" in client.get("/").text.split('accept="')[1].split('"')[0]  # the picker offers them


def test_pasted_text_year_and_format_are_kept_with_a_recheck_button(client: TestClient) -> None:
    pasted = FAULTY.decode("utf-8") + "\n</textarea><b>不是标记</b>"
    page = client.post("/check", files={"year": (None, "2021"), "profile": (None, "2021"), "text": (None, pasted)})
    assert page.status_code == 200 and 'class="findings"' in page.text
    kept = page.text.split('id="text"')[1].split(">", 1)[1].split("</textarea>")[0]
    assert html.unescape(kept) == pasted
    assert 'value="2021"' in page.text and '<option value="2021" selected>' in page.text
    assert re.search(r'<button type="submit" id="recheck-button" class="secondary">重新检查</button>', page.text)
    assert 'id="recheck-button" class="secondary" hidden' in client.get("/").text


def test_the_page_script_gets_a_fragment(client: TestClient) -> None:
    answer = client.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")}, headers={"x-gk-fragment": "1"})
    reply = answer.json()
    assert answer.status_code == 200 and reply["ok"] and "5 个错误" in reply["summary"]
    assert reply["html"].startswith('<div class="downloads') and "<!DOCTYPE" not in reply["html"]
    refused = client.post("/check", files={"file": ("r.exe", b"MZ", "x")}, headers={"x-gk-fragment": "1"})
    assert refused.status_code == 415 and not refused.json()["ok"] and "不支持 .exe" in refused.json()["html"]


# -- worker processes: a slow or hostile check blocks nothing -------------------------------------------
def _wait_for(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@contextmanager
def _held_app(rulebook: Rulebook, **limits: Any) -> Iterator[tuple[TestClient, Any]]:
    """An app whose workers hold every check until ``gate.value = 1`` (the pool's test gate)."""
    gate = SPAWN.RawValue("b", 0)
    app = create_app(rulebook, ServeSettings(limits=Limits(gate=gate, **limits)))
    with TestClient(app, base_url=BASE) as held:
        _wait_for(lambda: held.get("/healthz").json()["workers"] == limits.get("jobs", 2), "the workers")
        yield held, gate
    gate.value = 1


def test_a_slow_check_blocks_neither_the_page_nor_healthz(rulebook: Rulebook) -> None:
    with _held_app(rulebook, jobs=1, queue=0) as (held, gate), ThreadPoolExecutor(2) as threads:
        first = threads.submit(held.post, "/check", files={"file": ("r.txt", FAULTY, "text/plain")})
        _wait_for(lambda: held.get("/healthz").json()["busy"] == 1, "the check to start")
        assert held.get("/healthz").status_code == 200 and held.get("/").status_code == 200
        busy = held.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")})
        assert busy.status_code == 503 and "正在检查其他文件" in busy.text and busy.headers["retry-after"]
        assert not first.done()
        gate.value = 1
        assert first.result(timeout=60).status_code == 200


def test_a_check_over_the_time_limit_is_stopped_and_the_worker_replaced(rulebook: Rulebook) -> None:
    with _held_app(rulebook, jobs=1, timeout=1) as (held, gate):
        stopped = held.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")})
        assert stopped.status_code == 504 and "时间上限" in stopped.text
        gate.value = 1
        assert held.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")}).status_code == 200


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux only")
def test_a_check_over_the_memory_limit_is_stopped(rulebook: Rulebook) -> None:
    app = create_app(rulebook, ServeSettings(limits=Limits(jobs=1, memory_mb=32)))
    big = ("本机关2023年共收到政府信息公开申请10件，其中依申请公开5件。" * 40 + "\n").encode() * 1500
    with TestClient(app, base_url=BASE) as limited:
        stopped = limited.post("/check", files={"file": ("big.txt", big, "text/plain")})
        assert stopped.status_code == 500 and "内存上限" in stopped.text
        assert limited.post("/check", files={"file": ("r.txt", FAULTY, "text/plain")}).status_code == 200


# -- nothing written ----------------------------------------------------------------------------------
WRITES: list[str] = []
RECORDING: list[bool] = []


def _record_writes(event: str, arguments: tuple[Any, ...]) -> None:
    if not RECORDING:
        return
    if event.startswith(("tempfile.", "os.mkdir", "os.rename", "shutil.")):
        WRITES.append(f"{event} {arguments!r}")
    elif event == "open" and len(arguments) >= 3:
        mode, flags = arguments[1], arguments[2]
        writing = (isinstance(mode, str) and any(letter in mode for letter in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing:
            WRITES.append(f"open {arguments[0]!r} {mode!r}")


def test_a_worker_that_ends_normally_writes_nothing(rulebook: Rulebook, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker locates the machine caches as it starts, while the cache folder is still the
    server's; ending without being killed (its pipe closed) it must not write them there."""
    from auditor.serve_pool import Worker

    cache = tmp_path / "cache"
    monkeypatch.setenv("GK_AUDIT_CACHE_DIR", str(cache))
    worker = Worker(rulebook, Limits(jobs=1))
    assert worker.connection.recv() == "ready"
    worker.connection.close()  # the worker's recv sees the end and it returns: a normal exit, atexit included
    worker.process.join(30)
    assert worker.process.exitcode == 0
    written = sorted(str(path.relative_to(cache)) for path in cache.rglob("*")) if cache.exists() else []
    assert written == []


def test_uploads_are_not_written_to_disk(rulebook: Rulebook, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.readers.cache import ENVIRONMENT_VARIABLE

    cache = tmp_path / "cache"
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(cache))  # the workers inherit it, and must not use it
    if not WRITES and not RECORDING:
        sys.addaudithook(_record_writes)
    docx = (ROOT / "examples" / "report-2021-faulty.docx").read_bytes()
    padded = FAULTY + b"\n" + "本行只为让上传超过 1 MB。\n".encode() * 40_000  # past starlette's spooling size
    with TestClient(create_app(rulebook, ServeSettings(limits=Limits(jobs=1))), base_url=BASE) as fresh:
        _wait_for(lambda: fresh.get("/healthz").json()["workers"] == 1, "the worker")
        RECORDING.append(True)
        try:
            word = fresh.post("/check", files={"file": ("r.docx", docx, "application/octet-stream")})
            text = fresh.post("/check", files={"file": ("r.txt", padded, "text/plain")})
        finally:
            RECORDING.clear()
    assert len(padded) > 1024 * 1024
    assert word.status_code == 200 and text.status_code == 200 and 'class="findings"' in word.text
    assert WRITES == []
    assert sorted(str(path.relative_to(cache)) for path in cache.rglob("*")) == []  # names what was written


# -- starting ---------------------------------------------------------------------------------------
def test_busy_port_is_a_chinese_message_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(server.ServeError, match=f"端口 {port} 已被占用"):
            server.bind_socket("127.0.0.1", port)
        result = CliRunner().invoke(main, ["serve", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert f"端口 {port} 已被占用" in result.output and "--port" in result.output
    assert "Traceback" not in result.output and "address already in use" not in result.output.lower()


def test_unknown_listen_address_is_a_chinese_message() -> None:
    with pytest.raises(server.ServeError, match=r"无法识别监听地址|没有地址"):
        server.bind_socket("no-such-host.invalid", 0)


# -- watching a file --------------------------------------------------------------------------------
def test_watch_rechecks_the_file_when_it_is_saved(rulebook: Rulebook, tmp_path: Path) -> None:
    report = tmp_path / "报告.txt"
    report.write_bytes(FAULTY)
    app = create_app(rulebook, ServeSettings(limits=Limits(jobs=1), watch=report))
    with TestClient(app, base_url=BASE) as watching:
        _wait_for(lambda: watching.get("/watch/result").json()["version"] == 1, "the first check")
        first = watching.get("/watch/result").json()
        assert first["state"] == "done" and "GK201" in first["html"]
        page = watching.get("/")
        assert "正在监视" in page.text and str(report) in page.text and "GK201" in page.text
        report.write_bytes(FAULTY.replace("XX年度工作要点".encode(), "本年度工作要点".encode()))
        _wait_for(lambda: watching.get("/watch/result").json()["version"] == 2, "the re-check after saving")
        assert "GK201" not in watching.get("/watch/result").json()["html"]
        assert watching.post("/watch/recheck", headers={"x-gk-fragment": "1"}).status_code == 202
        _wait_for(lambda: watching.get("/watch/result").json()["version"] == 3, "the re-check on request")


def test_watch_routes_without_a_watched_file(client: TestClient) -> None:
    assert client.get("/events").status_code == 404 and client.get("/watch/result").status_code == 404
