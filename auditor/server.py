"""``gk-audit serve``: a local page where a clerk drops a draft and sees the HTML audit report.

Nothing leaves the machine: the page loads no outside resources, the upload is read into memory
(multipart file parts may spool to a temporary file, closed and removed at once) and never written
anywhere else, and the server binds to loopback unless told otherwise. Uploads are capped at
``MAX_UPLOAD_BYTES`` (checked against Content-Length and again while streaming). A bad upload gets a
clear message on the page and the server keeps serving.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from auditor.engine import FileResult, Options, check_path
from auditor.readers import supported_extensions
from auditor.render import RenderContext
from auditor.render.html import (
    content_security_policy,
    page,
    render_html,
    results_html,
    script_json,
    static_text,
)
from auditor.render.json import render_json
from auditor.rulebook import Rulebook

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DRAIN_CAP_BYTES = 10 * MAX_UPLOAD_BYTES
PASTED_NAME = "粘贴的文本.txt"
ERAS = (("", "自动识别"), ("2021", "2021 年格式"), ("2019", "2019 年试行格式"), ("old", "2019 年以前的旧格式"))


class UploadRefused(Exception):
    """The upload cannot be checked; ``str(error)`` is the message for the clerk, ``status`` the HTTP code."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Submission:
    filename: str
    data: bytes
    year: int | None
    profile: str | None
    output: str


def _limit_text() -> str:
    return f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB"


def _too_large() -> UploadRefused:
    return UploadRefused(f"文件太大：上传内容超过 {_limit_text()} 的上限。请只上传报告本身，"
                         "或把图片较多的 Word 文件另存为纯文本后再检查。", 413)


async def read_body(request: Request, limit: int | None = None) -> bytes:
    """The request body; refused when Content-Length or the streamed size passes ``limit``
    (``MAX_UPLOAD_BYTES`` by default), keeping nothing past the limit."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max(limit, DRAIN_CAP_BYTES):
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            # keep reading (and dropping) up to a cap, so the browser gets our answer, not a reset connection
            chunks.clear()
            if size > DRAIN_CAP_BYTES:
                break
            continue
        chunks.append(chunk)
    if size > limit:
        raise _too_large()
    return b"".join(chunks)


def _replay(request: Request, body: bytes) -> Request:
    """A request whose body is ``body`` (already read and size-checked) for the form parser."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def _year(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1990 <= int(value) <= 2100:
        raise UploadRefused(f"报告年度“{value}”无效：请填写 1990 到 2100 之间的四位年份，或留空自动识别。")
    return int(value)


def check_extension(filename: str) -> None:
    suffix = Path(filename).suffix.lower()
    supported = supported_extensions()
    if suffix not in supported:
        shown = suffix or "（没有扩展名）"
        raise UploadRefused(f"不支持 {shown} 类型的文件“{filename}”。可以检查的类型：{'、'.join(supported)}。"
                            "也可以把报告全文粘贴到文本框里检查。", 415)


async def _upload_bytes(upload: UploadFile) -> bytes:
    try:
        return await upload.read(MAX_UPLOAD_BYTES + 1)
    finally:
        await upload.close()


async def parse_submission(request: Request) -> Submission:
    body = await read_body(request)
    try:
        form = await _replay(request, body).form(max_files=1, max_fields=20, max_part_size=MAX_UPLOAD_BYTES)
    except Exception as error:  # the multipart parser raises several types for malformed bodies
        raise UploadRefused(f"上传的表单无法解析（{error}）。请刷新页面后重新选择文件。") from error
    try:
        upload = form.get("file")
        pasted = str(form.get("text") or "")
        profile = str(form.get("profile") or "") or None
        if profile is not None and profile not in {value for value, _ in ERAS}:
            raise UploadRefused(f"格式“{profile}”无效：请选择 2021、2019 或 old。")
        year = _year(str(form.get("year") or ""))
        output = str(form.get("output") or "page")
        if isinstance(upload, UploadFile) and upload.filename:
            filename = Path(upload.filename.replace("\\", "/")).name
            check_extension(filename)
            data = await _upload_bytes(upload)
        elif pasted.strip():
            filename, data = PASTED_NAME, pasted.encode("utf-8")
        else:
            raise UploadRefused("没有收到报告：请选择或拖入一个文件，或把报告全文粘贴到文本框里。")
    finally:
        await form.close()
    if not data.strip():
        raise UploadRefused(f"文件“{filename}”是空的：里面没有任何内容。请确认选对了文件。")
    return Submission(filename, data, year, profile, output)


# -- pages -----------------------------------------------------------------------------------------
def _options_html(selected: str | None) -> str:
    return "".join(f'<option value="{value}"{" selected" if value == (selected or "") else ""}>{label}</option>'
                   for value, label in ERAS)


def form_html(submission: Submission | None = None) -> str:
    accept = ",".join(supported_extensions())
    year = str(submission.year) if submission and submission.year else ""
    return f"""<form class="upload no-print" method="post" action="/check" enctype="multipart/form-data"
 data-limit="{MAX_UPLOAD_BYTES}" data-limit-text="{_limit_text()}">
<div class="dropzone" id="dropzone"><p><b>把报告文件拖到这里</b>，或 <label class="pick">选择文件
<input type="file" name="file" id="file" accept="{escape(accept)}"></label></p>
<p class="hint">支持 {escape("、".join(supported_extensions()))}，最大 {_limit_text()}。
文件只在本机检查，不会上传到任何网站。</p>
<p class="chosen" id="chosen"></p></div>
<details><summary>或者粘贴报告全文</summary><textarea name="text" id="text" rows="8"
placeholder="把报告全文粘贴到这里"></textarea></details>
<div class="settings"><label>报告年度 <input type="text" name="year" id="year" inputmode="numeric"
 pattern="[0-9]{{4}}" size="6" placeholder="自动" value="{escape(year)}"></label>
<label>报告格式 <select name="profile" id="profile">{_options_html(submission.profile if submission else None)}
</select></label><span class="hint">识别不准时可手动指定。</span>
<button type="submit" id="check-button">开始检查</button></div></form>"""


def downloads_html(results: Sequence[FileResult], stem: str) -> str:
    payload = {"html": render_html(results, RenderContext()), "json": render_json(results, RenderContext()),
               "stem": stem}
    return (f'<div class="downloads no-print"><button type="button" data-download="html">下载 HTML 检查报告</button>'
            f'<button type="button" data-download="json">下载 JSON</button>'
            f'<button type="button" data-print="1">打印</button></div>'
            f'<script type="application/json" id="downloads">{script_json(payload)}</script>')


def serve_page(body: str) -> str:
    intro = ('<p class="intro no-print">检查政府信息公开工作年度报告草稿：发现的问题在左侧列出，'
             '点击问题即可定位到报告中的位置。</p>')
    return page("gk-audit 报告检查", intro + body, scripts=[static_text("serve.js")], form_action="'self'",
                head=f"<style>{static_text('serve.css')}</style>")


def error_html(message: str) -> str:
    return f'<div class="upload-error" role="alert" id="upload-error"><b>无法检查</b><p>{escape(message)}</p></div>'


class Checker:
    """Runs the rulebook over a submission."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook

    def check(self, submission: Submission) -> FileResult:
        return check_path(submission.filename, self.rulebook, Options(year=submission.year,
                                                                      profile=submission.profile),
                          data=submission.data)


def html_response(html: str, status: int = 200) -> HTMLResponse:
    policy = content_security_policy([static_text("report.js"), static_text("serve.js")], "'self'")
    headers = {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
               "Referrer-Policy": "no-referrer"}
    return HTMLResponse(html, status_code=status, headers=headers)


def create_app(rulebook: Rulebook) -> Starlette:
    checker = Checker(rulebook)

    async def index(request: Request) -> Response:
        return html_response(serve_page(form_html()))

    async def check(request: Request) -> Response:
        try:
            submission = await parse_submission(request)
        except UploadRefused as refused:
            if request.query_params.get("output") == "json":
                return JSONResponse({"error": str(refused)}, status_code=refused.status)
            return html_response(serve_page(form_html() + error_html(str(refused))), refused.status)
        result = checker.check(submission)
        if submission.output == "json" or request.query_params.get("output") == "json":
            return Response(render_json([result], RenderContext()), media_type="application/json")
        stem = Path(submission.filename).stem or "report"
        body = form_html(submission) + downloads_html([result], stem) + results_html([result])
        return html_response(serve_page(body), 200 if result.read_error is None else 422)

    async def health(request: Request) -> Response:
        return Response(json.dumps({"status": "ok"}), media_type="application/json")

    return Starlette(routes=[Route("/", index), Route("/check", check, methods=["POST"]),
                             Route("/check", index, methods=["GET"]), Route("/healthz", health)])


def serve(rulebook: Rulebook, host: str, port: int, open_browser: bool) -> None:
    """Run the server until interrupted; open the page in the browser if asked."""
    import threading
    import webbrowser

    import uvicorn

    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(rulebook), host=host, port=port, log_level="warning", server_header=False)
