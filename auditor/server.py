"""``gk-audit serve``: a local page where a clerk drops a draft and sees the HTML audit report.

Nothing leaves the machine and nothing is written: the page loads no outside resources; an upload
(at most ``MAX_UPLOAD_BYTES``, checked against Content-Length and again while streaming) is read
into memory and parsed there (no temporary files), and checked in a worker process whose document
cache is off (``auditor.serve_pool``). The server binds to loopback unless told otherwise.

The page is guarded against other web pages the clerk has open: a request whose Host header is not
a name or address the server is bound to is refused (DNS rebinding), a POST from another origin is
refused (``Origin`` / ``Sec-Fetch-Site``), and every response forbids framing and carries a strict
Content-Security-Policy (scripts by hash, connections to itself only). Checks run in worker
processes with time and memory limits, so a slow or hostile upload never blocks the page or
``/healthz``. With ``watch``, the file is re-checked whenever it is saved and the open pages are told
over server-sent events (``auditor.serve_watch``).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import socket
from collections.abc import AsyncIterator, Callable
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auditor import __version__
from auditor.readers import UNSUPPORTED, recognised_extensions, supported_extensions
from auditor.records import field, record, replace
from auditor.render.html import script_hash, static_text
from auditor.rulebook import Rulebook
from auditor.serve_pool import Job, Limits, Outcome, WorkerPool
from auditor.serve_watch import Watcher, WatchState

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

try:
    from python_multipart.multipart import MultipartParser, parse_options_header
except ImportError:  # python-multipart before 0.0.13 names its module ``multipart``
    from multipart.multipart import MultipartParser, parse_options_header  # type: ignore[no-redef]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DRAIN_CAP_BYTES = 10 * MAX_UPLOAD_BYTES
MAX_FORM_PARTS = 20
PASTED_NAME = "粘贴的文本.txt"
ERAS = (("", "自动识别"), ("2021", "2021 年格式"), ("2019", "2019 年试行格式"), ("old", "2019 年以前的旧格式"))
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
STREAM_KEEPALIVE_SECONDS = 15.0


@record(frozen=True)
class ServeSettings:
    """Where the server listens, the workers' limits, and the file to watch (if any)."""

    host: str = "127.0.0.1"
    port: int = 8765
    limits: Limits = field(default_factory=Limits)
    watch: Path | None = None


class ServeError(Exception):
    """The server cannot start; ``str(error)`` is the message for the clerk (Chinese)."""


class UploadRefused(Exception):
    """The upload cannot be checked; ``str(error)`` is the message for the clerk, ``status`` the HTTP code."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@record(frozen=True)
class Submission:
    filename: str
    data: bytes
    year: int | None
    profile: str | None
    output: str
    pasted: str = ""


# -- request guard ---------------------------------------------------------------------------------
def host_name(host_header: str) -> str:
    """The name or address in a Host header, without the port and IPv6 brackets, lower case."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _is_ip_literal(name: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            socket.inet_pton(family, name)
            return True
    return False


def host_allowed(host_header: str, bound_host: str) -> bool:
    """Loopback names and the bound address; on a wildcard bind also any IP address (an IP literal
    cannot be rebound by DNS, a name can)."""
    name = host_name(host_header)
    if name in LOOPBACK_NAMES or name == host_name(bound_host):
        return True
    return bound_host in WILDCARD_HOSTS and _is_ip_literal(name)


def cross_site_reason(headers: Headers) -> str | None:
    """Why a POST is not from our own page, or None when it is (or comes from a non-browser client)."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in {"same-origin", "none"}:
        return f"Sec-Fetch-Site: {site}"
    origin = headers.get("origin")
    if origin is not None and origin.lower() != f"http://{headers.get('host', '').lower()}":
        return f"Origin: {origin}"
    return None


def page_policy(scripts: list[str]) -> str:
    hashes = " ".join(script_hash(script) for script in scripts)
    # styles: the page's own <style> blocks; with no other source allowed, CSS cannot fetch anything
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


BASE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Guard:
    """ASGI middleware: refuse foreign Host headers and cross-site POSTs; security headers on every answer."""

    def __init__(self, app: ASGIApp, bound_host: str) -> None:
        self.app = app
        self.bound_host = bound_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = None
        if not host_allowed(headers.get("host", ""), self.bound_host):
            refusal = "拒绝访问：这个检查页面只接受本机地址（127.0.0.1 或 localhost）的请求。"
        elif scope["method"] not in {"GET", "HEAD"} and (reason := cross_site_reason(headers)) is not None:
            refusal = f"拒绝访问：只接受检查页面自己提交的请求（{reason}）。"
        if refusal is not None:
            await PlainTextResponse(refusal, status_code=403)(scope, receive, self._with_headers(send))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name.lower().encode(), value.encode()) for name, value in BASE_HEADERS.items()
                         if name.lower().encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return sending


# -- reading the form in memory --------------------------------------------------------------------
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


@record
class FormPart:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)

    def disposition(self) -> dict[bytes, bytes]:
        return parse_options_header(self.headers.get(b"content-disposition", b""))[1]


class _Parts:
    """Callbacks for python-multipart's streaming parser, keeping every part in memory."""

    def __init__(self) -> None:
        self.parts: list[FormPart] = []
        self._field = bytearray()
        self._value = bytearray()

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {"on_part_begin": self._begin, "on_part_data": self._data, "on_header_field": self._header_field,
                "on_header_value": self._header_value, "on_header_end": self._header_end}

    def _begin(self) -> None:
        if len(self.parts) >= MAX_FORM_PARTS:
            raise UploadRefused("上传的表单项太多。请刷新页面后重新选择文件。")
        self.parts.append(FormPart())

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.parts[-1].data += data[start:end]

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self.parts[-1].headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()


@record(frozen=True)
class Form:
    fields: dict[str, str]
    filename: str | None
    file_data: bytes


def parse_form(content_type: str, body: bytes) -> Form:
    """The submitted fields and file, parsed from ``body`` in memory (urlencoded or multipart)."""
    media, options = parse_options_header(content_type)
    if media == b"application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FORM_PARTS)
        return Form(dict(pairs), None, b"")
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise UploadRefused("上传的表单无法解析（不是 multipart/form-data）。请刷新页面后重新选择文件。")
    collected = _Parts()
    parser = MultipartParser(boundary, collected.callbacks())  # type: ignore[arg-type]
    parser.write(body)
    parser.finalize()
    fields: dict[str, str] = {}
    filename: str | None = None
    file_data = b""
    for part in collected.parts:
        disposition = part.disposition()
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        if name == "file" and b"filename" in disposition:
            filename, file_data = disposition[b"filename"].decode("utf-8", "replace"), bytes(part.data)
        else:
            fields[name] = part.data.decode("utf-8", "replace")
    return Form(fields, filename, file_data)


def _year(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1990 <= int(value) <= 2100:
        raise UploadRefused(f"报告年度“{value}”无效：请填写 1990 到 2100 之间的四位年份，或留空自动识别。")
    return int(value)


def check_extension(filename: str) -> None:
    suffix = Path(filename).suffix.lower()
    if suffix in UNSUPPORTED:
        raise UploadRefused(f"“{filename}”：{UNSUPPORTED[suffix]}。", 415)
    supported = supported_extensions()
    if suffix not in supported:
        shown = suffix or "（没有扩展名）"
        raise UploadRefused(f"不支持 {shown} 类型的文件“{filename}”。可以检查的类型：{'、'.join(supported)}。"
                            "也可以把报告全文粘贴到文本框里检查。", 415)


async def parse_submission(request: Request) -> Submission:
    body = await read_body(request)
    try:
        form = parse_form(request.headers.get("content-type", ""), body)
    except UploadRefused:
        raise
    except Exception as error:  # the multipart parser raises several types for malformed bodies
        raise UploadRefused(f"上传的表单无法解析（{error}）。请刷新页面后重新选择文件。") from error
    pasted = form.fields.get("text", "")
    profile = form.fields.get("profile") or None
    if profile is not None and profile not in {value for value, _ in ERAS}:
        raise UploadRefused(f"格式“{profile}”无效：请选择 2021、2019 或 old。")
    year = _year(form.fields.get("year", ""))
    output = form.fields.get("output") or "page"
    if form.filename:
        filename = Path(form.filename.replace("\\", "/")).name
        check_extension(filename)
        data = form.file_data
    elif pasted.strip():
        filename, data = PASTED_NAME, pasted.encode("utf-8")
    else:
        raise UploadRefused("没有收到报告：请选择或拖入一个文件，或把报告全文粘贴到文本框里。")
    if not data.strip():
        raise UploadRefused(f"文件“{filename}”是空的：里面没有任何内容。请确认选对了文件。")
    return Submission(filename, data, year, profile, output, pasted)


# -- pages -----------------------------------------------------------------------------------------
def _options_html(selected: str | None) -> str:
    return "".join(f'<option value="{value}"{" selected" if value == (selected or "") else ""}>{label}</option>'
                   for value, label in ERAS)


def form_html(submission: Submission | None = None, checked: bool = False) -> str:
    """The upload form; after a check it keeps the pasted text, year and format, and offers 重新检查."""
    accept = ",".join(recognised_extensions())
    year = str(submission.year) if submission and submission.year else ""
    pasted = submission.pasted if submission else ""
    recheck_hidden = "" if checked else " hidden"
    return f"""<form class="upload no-print" method="post" action="/check" enctype="multipart/form-data"
 data-limit="{MAX_UPLOAD_BYTES}" data-limit-text="{_limit_text()}">
<div class="dropzone" id="dropzone"><p><b>把报告文件拖到这里</b>，或 <label class="pick">选择文件
<input type="file" name="file" id="file" accept="{escape(accept)}"></label></p>
<p class="hint">支持 {escape("、".join(supported_extensions()))}，最大 {_limit_text()}；旧版 .doc、.wps
请先在 Word 或 WPS 里另存为 .docx。文件只在本机检查，不会上传到任何网站。</p>
<p class="chosen" id="chosen"></p></div>
<details{" open" if pasted else ""}><summary>或者粘贴报告全文</summary><textarea name="text" id="text" rows="8"
placeholder="把报告全文粘贴到这里">{escape(pasted)}</textarea></details>
<div class="settings"><label>报告年度 <input type="text" name="year" id="year" inputmode="numeric"
 pattern="[0-9]{{4}}" size="6" placeholder="自动" value="{escape(year)}"></label>
<label>报告格式 <select name="profile" id="profile">{_options_html(submission.profile if submission else None)}
</select></label><span class="hint">识别不准时可手动指定。</span>
<button type="submit" id="check-button">开始检查</button>
<button type="submit" id="recheck-button" class="secondary"{recheck_hidden}>重新检查</button></div></form>"""


def progress_html() -> str:
    return ('<div class="progress no-print" id="progress" role="status" aria-live="polite" hidden>'
            '<span class="spinner" aria-hidden="true"></span><span id="progress-text"></span></div>')


def watch_html(path: Path, current: WatchState) -> str:
    public = current.public()
    line = (f"上次检查：{public['checked_at']}　{public['summary']}" if current.checked_at is not None
            else "正在检查…")
    return (f'<div class="watch no-print" id="watch" data-version="{current.version}"><p>正在监视 '
            f'<code>{escape(str(path))}</code>：在 Word 或 WPS 里改完并保存后，这里会自动重新检查，不用刷新页面。</p>'
            f'<p class="watch-state" id="watch-state">{escape(line)}</p>'
            '<form method="post" action="/watch/recheck" id="watch-recheck">'
            '<button type="submit" id="recheck-button">重新检查</button></form></div>')


def downloads_html(downloads: str) -> str:
    return (f'<div class="downloads no-print"><button type="button" data-download="html">下载 HTML 检查报告</button>'
            f'<button type="button" data-download="json">下载 JSON</button>'
            f'<button type="button" data-print="1">打印</button></div>'
            f'<script type="application/json" id="downloads">{downloads}</script>')


def error_html(message: str) -> str:
    return f'<div class="upload-error" role="alert" id="upload-error"><b>无法检查</b><p>{escape(message)}</p></div>'


def results_block(outcome: Outcome) -> str:
    return downloads_html(outcome.downloads) + outcome.fragment


SCRIPTS = ("report.js", "serve.js")


def serve_page(body: str, intro: str = "检查政府信息公开工作年度报告草稿：发现的问题在左侧列出，"
               "点击问题即可定位到报告中的位置。") -> str:
    scripts = "".join(f"<script>{static_text(name)}</script>" for name in SCRIPTS)
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="gk-audit {escape(__version__)}"><title>gk-audit 报告检查</title>'
            f"<style>{static_text('report.css')}</style><style>{static_text('serve.css')}</style></head>"
            f'<body><header class="top"><h1>政府信息公开工作年度报告检查</h1></header>'
            f'<main><p class="intro no-print">{escape(intro)}</p>{body}</main>{scripts}</body></html>\n')


def html_response(html: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    policy = page_policy([static_text(name) for name in SCRIPTS])
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": policy, **(headers or {})})


def problem(outcome: Outcome, limits: Limits) -> tuple[str, int]:
    """The clerk's message and the HTTP status for a check that did not finish."""
    if outcome.kind == "busy":
        return "正在检查其他文件，请稍等片刻再试。", 503
    if outcome.kind == "timeout":
        return (f"检查超过了 {limits.timeout:g} 秒的时间上限，已经停止。文件可能过大或结构异常；"
                "可以把报告另存为 .docx 或纯文本后再试。"), 504
    if outcome.kind == "memory":
        return (f"检查用尽了 {limits.memory_mb} MB 的内存上限，已经停止。文件可能过大或结构异常"
                "（例如压缩炸弹）；可以把报告另存为纯文本后再试。"), 500
    if outcome.kind == "crashed":
        return "检查进程意外退出（可能是内存用尽），已经重新启动。请再试一次，或把报告另存为纯文本后检查。", 500
    return f"检查时出现内部错误（{outcome.detail}）。请把这个文件报告给 gk-audit 的维护者。", 500


# -- the application -------------------------------------------------------------------------------
class ServeState:
    """What the running app holds: the worker pool, the watcher, and a flag that ends event streams."""

    def __init__(self, rulebook: Rulebook, settings: ServeSettings) -> None:
        self.rulebook = rulebook
        self.settings = settings
        self.pool: WorkerPool | None = None
        self.watcher: Watcher | None = None
        self.closing = False

    def close_streams(self) -> None:
        self.closing = True

    def running_pool(self) -> WorkerPool:
        if self.pool is None:
            raise RuntimeError("the worker pool starts with the app's lifespan (use `with TestClient(app)`)")
        return self.pool

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.pool = WorkerPool(self.rulebook, self.settings.limits)
        tasks = [asyncio.create_task(self.pool.start())]
        if self.settings.watch is not None:
            self.watcher = Watcher(self.settings.watch, self.pool)
            tasks.append(asyncio.create_task(self.watcher.run()))
        try:
            yield
        finally:
            self.closing = True
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.pool.close()


def _wants_fragment(request: Request) -> bool:
    return request.headers.get("x-gk-fragment") == "1"


def _refused(request: Request, message: str, status: int, submission: Submission | None = None) -> Response:
    headers = {"Retry-After": "5"} if status == 503 else None
    if request.query_params.get("output") == "json":
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    if _wants_fragment(request):
        return JSONResponse({"ok": False, "html": error_html(message), "summary": message}, status, headers)
    body = form_html(submission) + progress_html() + f'<div id="results">{error_html(message)}</div>'
    return html_response(serve_page(body), status, headers)


def _routes(state: ServeState) -> list[Route]:
    limits = state.settings.limits

    async def index(request: Request) -> Response:
        watcher = state.watcher
        if watcher is None:
            body = form_html() + progress_html() + '<div id="results"></div>'
            return html_response(serve_page(body))
        outcome = watcher.current.outcome
        results = _watch_results(outcome)
        intro = "修改报告时的自动检查：发现的问题在左侧列出，点击问题即可定位到报告中的位置。"
        return html_response(serve_page(watch_html(watcher.path, watcher.current) + progress_html() +
                                        f'<div id="results">{results}</div>', intro))

    async def check(request: Request) -> Response:
        try:
            submission = await parse_submission(request)
        except UploadRefused as refused:
            return _refused(request, str(refused), refused.status)
        as_json = submission.output == "json" or request.query_params.get("output") == "json"
        job = Job(submission.filename, submission.data, submission.year, submission.profile,
                  "json" if as_json else "page")
        outcome = await state.running_pool().run(job)
        if outcome.kind != "done":
            message, status = problem(outcome, limits)
            return _refused(request, message, status, submission)
        if as_json:
            return Response(outcome.json, media_type="application/json")
        status = 422 if outcome.read_error else 200
        if _wants_fragment(request):
            return JSONResponse({"ok": not outcome.read_error, "html": results_block(outcome),
                                 "summary": outcome.summary}, status)
        body = (form_html(submission, checked=True) + progress_html() +
                f'<div id="results">{results_block(outcome)}</div>')
        return html_response(serve_page(body), status)

    async def health(request: Request) -> Response:
        pool = state.pool.status() if state.pool is not None else {}
        return Response(json.dumps({"status": "ok", **pool}), media_type="application/json")

    async def events(request: Request) -> Response:
        watcher = state.watcher
        if watcher is None:
            return PlainTextResponse("没有在监视文件（gk-audit serve --watch 文件）。", 404)
        return StreamingResponse(_event_stream(state, watcher), media_type="text/event-stream")

    async def watch_result(request: Request) -> Response:
        watcher = state.watcher
        if watcher is None:
            return JSONResponse({"error": "没有在监视文件。"}, 404)
        current = watcher.current
        return JSONResponse({**current.public(), "html": _watch_results(current.outcome)})

    async def watch_recheck(request: Request) -> Response:
        if state.watcher is None:
            return JSONResponse({"error": "没有在监视文件。"}, 404)
        state.watcher.recheck()
        if _wants_fragment(request):
            return JSONResponse({"ok": True}, 202)
        return RedirectResponse("/", 303)

    return [Route("/", index), Route("/check", check, methods=["POST"]), Route("/check", index, methods=["GET"]),
            Route("/healthz", health), Route("/events", events), Route("/watch/result", watch_result),
            Route("/watch/recheck", watch_recheck, methods=["POST"])]


def _watch_results(outcome: Outcome | None) -> str:
    if outcome is None:
        return ""
    if outcome.kind != "done":
        return error_html(problem(outcome, Limits())[0])
    return results_block(outcome)


async def _event_stream(state: ServeState, watcher: Watcher) -> AsyncIterator[str]:
    """The watcher's state as server-sent events, one each time it changes, until the server stops."""
    yield "retry: 1000\n\n"
    sent = None
    quiet = 0.0
    while not state.closing:
        waiter = watcher.waiter()
        current = watcher.current
        if current is not sent:
            yield f"data: {json.dumps(current.public(), ensure_ascii=False)}\n\n"
            sent, quiet = current, 0.0
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter.wait(), 1.0)  # wake each second to notice the server stopping
        quiet += 1.0
        if quiet >= STREAM_KEEPALIVE_SECONDS:
            yield ": keep-alive\n\n"
            quiet = 0.0


def create_app(rulebook: Rulebook, settings: ServeSettings | None = None) -> Starlette:
    settings = settings or ServeSettings()
    state = ServeState(rulebook, settings)
    app = Starlette(routes=_routes(state), lifespan=state.lifespan)
    app.state.serve = state
    app.add_middleware(Guard, bound_host=settings.host)
    return app


# -- running ---------------------------------------------------------------------------------------
def page_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in WILDCARD_HOSTS else host
    return f"http://{shown if ':' not in shown else f'[{shown}]'}:{port}/"


def _address_in_use(error: OSError) -> bool:
    return error.errno in {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)}


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; ServeError with a Chinese message when that is not possible."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as error:
        raise ServeError(f"无法识别监听地址“{host}”（{error}）：请用 127.0.0.1 或 localhost。") from error
    listener = socket.socket(family, kind, proto)
    if os.name != "nt":  # lets a restarted server reuse the port at once; a port in use is still refused
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise ServeError(_bind_message(error, host, port)) from error
    return listener


def _bind_message(error: OSError, host: str, port: int) -> str:
    if _address_in_use(error):
        return (f"端口 {port} 已被占用：可能已经有一个检查页面在运行（试着在浏览器里打开 {page_url(host, port)}），"
                f"或者换一个端口：gk-audit serve --port {port + 1 if port < 65535 else 8765}")
    if error.errno == errno.EACCES:
        return f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）：换一个端口，例如 --port 8765"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"这台电脑没有地址 {host}：请用 127.0.0.1（只在本机访问）"
    return f"无法在 {host}:{port} 上启动检查页面（{error.strerror or error}）"


def serve(rulebook: Rulebook, settings: ServeSettings, open_browser: bool,
          announce: Callable[[str], None]) -> None:
    """Run the server until interrupted (ServeError if it cannot start); open the page if asked."""
    import threading
    import webbrowser

    import uvicorn

    listener = bind_socket(settings.host, settings.port)
    settings = replace(settings, port=int(listener.getsockname()[1]))
    app = create_app(rulebook, settings)
    url = page_url(settings.host, settings.port)
    announce(url)
    config = uvicorn.Config(app, log_level="warning", server_header=False, lifespan="on",
                            timeout_graceful_shutdown=3)
    server = _uvicorn_server(config, app.state.serve.close_streams)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    with contextlib.closing(listener):
        server.run(sockets=[listener])


def _uvicorn_server(config: Any, on_shutdown: Callable[[], None]) -> Any:
    """uvicorn's server, telling the event streams to end as soon as shutdown begins (they never end
    by themselves, and uvicorn waits for open responses)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            on_shutdown()
            await super().shutdown(sockets=sockets)

    return Server(config)
