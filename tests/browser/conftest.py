"""Browser fixtures: Playwright driving the system Chromium, and ``gk-audit serve`` on a free port.

Playwright's own browser download does not work offline, so the tests use ``/usr/bin/chromium``
(or ``$GK_AUDIT_CHROMIUM``). When the browser or Playwright is missing, every browser test is
skipped with the reason, and the end of the run repeats it in capitals: never silently passed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
_SKIPPED: list[str] = []


def chromium_path() -> str | None:
    configured = os.environ.get("GK_AUDIT_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(name).exists():
            return name
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _skip_loudly(reason: str) -> None:
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if message not in _SKIPPED:
        _SKIPPED.append(message)
        warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for the tests of one module. Module scope, not session: Playwright's sync API keeps a
    greenlet-driven event loop alive while it runs; with session scope it sat idle through the rest of
    the suite and was stopped only just before interpreter exit, where one CI run crashed (SIGSEGV
    after the last test; not reproduced here, and this is a suspect, not a proven cause). Started and
    stopped around the browser tests, none of it is left at exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_loudly("the playwright package is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        _skip_loudly("no Chromium at /usr/bin/chromium (apt-get install -y chromium, or set GK_AUDIT_CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as error:  # Playwright raises its own Error for a browser that will not start
            _skip_loudly(f"Chromium at {executable} did not start: {error}")
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    context.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gk-audit serve exited with {process.returncode}: {process.stderr.read()!r}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url + "healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gk-audit serve did not answer within 20 s")


@contextlib.contextmanager
def _running_server(*arguments: str) -> Iterator[str]:
    """``gk-audit serve ARGUMENTS`` in a subprocess on a free loopback port; yields its URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "auditor.cli", "serve", "--no-browser", "--port", str(port),
                                *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """``gk-audit serve`` in a subprocess on a free loopback port."""
    with _running_server() as url:
        yield url


@pytest.fixture()
def running_server() -> Any:
    """``with running_server("--watch", path) as url:`` a server of its own, with extra arguments."""
    return _running_server


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for message in _SKIPPED:
        terminalreporter.write_line(f"!!! {message}", red=True, bold=True)
