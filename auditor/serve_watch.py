"""``gk-audit serve --watch FILE``: re-check a file whenever it is saved, and tell the open pages.

The clerk edits the report in Word and saves; the page shows the new findings by itself. The file is
polled (its size and modification time, every ``interval`` seconds: no platform file-watching
library, and it works on network drives); a change is checked once the file has stayed the same for
one more poll, so a save in progress is not read half-written. Each state change (checking, done,
missing) wakes the subscribers (the page's server-sent event streams).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

from auditor.records import record
from auditor.serve_pool import Job, Outcome, WorkerPool

Signature = tuple[int, int]


@record(frozen=True)
class WatchState:
    """What the page shows: ``state`` is ``starting``, ``checking``, ``done`` or ``missing``."""

    version: int
    state: str
    outcome: Outcome | None
    checked_at: float | None

    def public(self) -> dict[str, object]:
        checked = time.strftime("%H:%M:%S", time.localtime(self.checked_at)) if self.checked_at else None
        summary = self.outcome.summary if self.outcome is not None else ""
        return {"version": self.version, "state": self.state, "checked_at": checked, "summary": summary}


def signature(path: Path) -> Signature | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size)


class Watcher:
    """Polls ``path`` and re-checks it through ``pool``; create and run it on the server's event loop."""

    def __init__(self, path: Path, pool: WorkerPool, interval: float = 0.4) -> None:
        self.path = path
        self.pool = pool
        self.interval = interval
        self.current = WatchState(0, "starting", None, None)
        self._changed = asyncio.Event()
        self._wake = asyncio.Event()
        self._checked: Signature | None = None

    def _publish(self, state: WatchState) -> None:
        self.current = state
        self._changed.set()
        self._changed = asyncio.Event()

    def waiter(self) -> asyncio.Event:
        """An event set at the next state change (take it before reading ``current``, so none is missed)."""
        return self._changed

    def recheck(self) -> None:
        """Check the file again now, changed or not (the page's 重新检查 button)."""
        self._checked = None
        self._wake.set()

    async def run(self) -> None:
        while True:
            seen = signature(self.path)
            if seen is None and self.current.state != "missing":
                self._publish(WatchState(self.current.version, "missing", self.current.outcome,
                                         self.current.checked_at))
            elif seen is not None and seen != self._checked:
                await asyncio.sleep(self.interval)
                if signature(self.path) == seen:  # stayed the same: the save is complete
                    await self._check(seen)
                    continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()

    async def _check(self, seen: Signature) -> None:
        self._checked = seen
        previous = self.current
        self._publish(WatchState(previous.version, "checking", previous.outcome, previous.checked_at))
        outcome = await self.pool.run(Job(str(self.path), None))
        if outcome.kind == "busy":  # every worker is taken by uploads: try again on the next poll
            self._checked = None
            self._publish(previous)
            return
        self._publish(WatchState(previous.version + 1, "done", outcome, time.time()))
