"""``gk-audit serve`` over plain HTTP: checks, downloads, and refusals that leave the server serving."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install -e '.[test]')")
pytest.importorskip("multipart", reason="python-multipart is not installed (pip install -e '.[test]')")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette suggests httpx2, not yet a test dependency
    from starlette.testclient import TestClient

from auditor import server
from auditor.server import MAX_UPLOAD_BYTES, create_app

FAULTY = (Path(__file__).resolve().parents[1] / "examples" / "report-2021-faulty.txt").read_bytes()


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
