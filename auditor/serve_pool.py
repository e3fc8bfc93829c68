"""Worker processes for ``gk-audit serve``: every check runs outside the server process.

A hostile or merely slow upload must not stall the page or ``/healthz``, so the server never checks
on its event loop. ``WorkerPool`` keeps ``jobs`` long-lived worker processes (started with *spawn*,
each loading the rulebook once) and hands each a ``Job``; the worker reads, checks and renders, and
sends back plain strings. Limits:

- **time**: a check that has not answered within ``timeout`` seconds is killed with its process,
  and a fresh worker takes its place;
- **memory**: each worker caps its address space at its start-up size plus ``memory_mb``
  (``RLIMIT_AS``; not available on Windows, where only the time limit applies); a check that runs
  out gets a message and the worker is replaced;
- **concurrency**: at most ``jobs`` checks at once and ``queue`` more waiting; further requests
  are told to try again.

Workers never write: the document cache (``GK_AUDIT_CACHE_DIR``) is switched off inside them, so an
upload's extracted text is not stored on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import anyio.to_thread

from auditor import regexcache
from auditor.records import record
from auditor.rulebook import Rulebook

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

SPAWN = multiprocessing.get_context("spawn")
START_TIMEOUT = 60.0


@record(frozen=True)
class Limits:
    jobs: int = 2
    timeout: float = 120.0
    memory_mb: int = 2048
    queue: int = 4
    # tests only: every check waits until this flag (a ``SPAWN.RawValue("b", 0)``) is made true; a plain
    # shared byte, not an Event, since a worker killed while waiting on an Event's condition deadlocks set()
    gate: Any = None


@record(frozen=True)
class Job:
    """One check: ``data`` of a file named ``name``, or (``data`` None) the file at path ``name``."""

    name: str
    data: bytes | None
    year: int | None = None
    profile: str | None = None
    want: str = "page"  # "page": the results fragment and downloads; "json": the JSON report only


@record(frozen=True)
class Outcome:
    """What a check gave: ``kind`` is ``done``, ``busy`` (no worker free), ``timeout``, ``memory``,
    ``failed`` (an exception in the check) or ``crashed`` (the worker process died)."""

    kind: str
    fragment: str = ""
    downloads: str = ""
    json: str = ""
    summary: str = ""
    read_error: bool = False
    detail: str = ""
    seconds: float = 0.0


# -- inside the worker process --------------------------------------------------------------------
def _cap_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no RLIMIT_AS, the time limit still applies
        return
    with contextlib.suppress(OSError, ValueError):
        status = Path("/proc/self/status").read_text(encoding="ascii")
        start_kb = int(status.split("VmSize:")[1].split()[0])
        limit = (start_kb * 1024) + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        return
    with contextlib.suppress(OSError, ValueError):  # no /proc (macOS): a plain cap
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_job(job: Job, rulebook: Rulebook) -> dict[str, Any]:
    """Check and render ``job`` (in the worker process): plain strings only cross the pipe."""
    from auditor.engine import Options, check_path
    from auditor.render import RenderContext
    from auditor.render.html import render_html, results_html, script_json, summary_text
    from auditor.render.json import render_json

    result = check_path(job.name, rulebook, Options(year=job.year, profile=job.profile), data=job.data)
    if result.internal_error is not None and "MemoryError" in result.internal_error:
        # check_path turns any failure into an internal-error finding; running out of memory under the
        # worker's cap is the worker's own failure: it is replaced, not trusted with the next file
        raise MemoryError(result.internal_error)
    reply: dict[str, Any] = {"read_error": result.read_error is not None, "summary": summary_text([result])}
    if job.want == "json":
        reply["json"] = render_json([result], RenderContext())
        return reply
    stem = Path(job.name).stem or "report"
    payload = {"html": render_html([result], RenderContext()), "json": render_json([result], RenderContext()),
               "stem": stem}
    reply["fragment"] = results_html([result])
    reply["downloads"] = script_json(payload)
    return reply


def worker_main(connection: Connection, rulebook: Rulebook, limits: Limits) -> None:
    """Serve jobs from ``connection`` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops its workers
    from auditor.readers.cache import ENVIRONMENT_VARIABLE

    os.environ.pop(ENVIRONMENT_VARIABLE, None)  # uploads stay off disk: no extraction cache
    regexcache.read_only()  # nor the patterns compiled while serving them
    run_job(Job("warm-up.txt", "报告".encode()), rulebook)  # import the readers and renderers once
    _cap_memory(limits.memory_mb)
    connection.send("ready")
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        while limits.gate is not None and not limits.gate.value:
            time.sleep(0.01)
        try:
            connection.send(("done", run_job(job, rulebook)))
        except MemoryError:
            connection.send(("memory", {}))
            return  # a process that ran out of memory is not trusted with the next file
        except Exception as error:  # reported on the page; the worker goes on with the next file
            connection.send(("failed", {"detail": f"{type(error).__name__}: {error}"}))


# -- in the server ---------------------------------------------------------------------------------
class Worker:
    """One worker process and our end of its pipe."""

    def __init__(self, rulebook: Rulebook, limits: Limits) -> None:
        self.connection, child = SPAWN.Pipe()
        self.process: BaseProcess = SPAWN.Process(target=worker_main, args=(child, rulebook, limits),
                                                  name="gk-audit-serve-worker", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self) -> None:
        if not self.connection.poll(START_TIMEOUT) or self.connection.recv() != "ready":
            self.stop()
            raise RuntimeError("worker process did not start")

    def run(self, job: Job, timeout: float) -> tuple[str, dict[str, Any]]:
        """Send ``job`` and wait for its answer (blocking; called in a thread)."""
        try:
            self.connection.send(job)
            if not self.connection.poll(timeout):
                return "timeout", {}
            kind, reply = self.connection.recv()
            return kind, reply
        except (EOFError, OSError) as error:
            return "crashed", {"detail": str(error)}

    @property
    def healthy(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class WorkerPool:
    """``limits.jobs`` workers behind an asyncio queue; create and use it on one event loop."""

    def __init__(self, rulebook: Rulebook, limits: Limits) -> None:
        self.rulebook = rulebook
        self.limits = limits
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._workers: set[Worker] = set()
        self._waiting = 0
        self._busy = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    async def start(self) -> None:
        await asyncio.gather(*(self._add_worker() for _ in range(self.limits.jobs)))

    async def _add_worker(self) -> None:
        delay = 0.5
        while not self._closed:
            try:
                worker = await anyio.to_thread.run_sync(self._started_worker)
            except Exception:  # could not start a process: try again, slower each time
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            if self._closed:
                await anyio.to_thread.run_sync(worker.stop)
                return
            self._workers.add(worker)
            self._idle.put_nowait(worker)
            return

    def _started_worker(self) -> Worker:
        worker = Worker(self.rulebook, self.limits)
        worker.wait_ready()
        return worker

    def _replace(self, worker: Worker) -> None:
        self._workers.discard(worker)
        task = asyncio.get_running_loop().create_task(self._stop_and_add(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _stop_and_add(self, worker: Worker) -> None:
        await anyio.to_thread.run_sync(worker.stop)
        await self._add_worker()

    def status(self) -> dict[str, int]:
        return {"workers": len(self._workers), "busy": self._busy, "waiting": self._waiting}

    async def run(self, job: Job) -> Outcome:
        if self._waiting >= self.limits.queue and self._idle.empty():
            return Outcome("busy")
        self._waiting += 1
        try:  # bounded: a pool whose workers cannot start must not hold requests for ever
            worker = await asyncio.wait_for(self._idle.get(), self.limits.timeout + START_TIMEOUT)
        except TimeoutError:
            return Outcome("busy")
        finally:
            self._waiting -= 1
        self._busy += 1
        started = time.monotonic()
        try:
            kind, reply = await anyio.to_thread.run_sync(worker.run, job, self.limits.timeout)
        finally:
            self._busy -= 1
            elapsed = time.monotonic() - started
        if kind in {"done", "failed"} and worker.healthy:
            self._idle.put_nowait(worker)
        else:
            self._replace(worker)
        return Outcome(kind, fragment=reply.get("fragment", ""), downloads=reply.get("downloads", ""),
                       json=reply.get("json", ""), summary=reply.get("summary", ""),
                       read_error=bool(reply.get("read_error")), detail=reply.get("detail", ""), seconds=elapsed)

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        workers = list(self._workers)
        self._workers.clear()
        for worker in workers:
            await anyio.to_thread.run_sync(worker.stop)
