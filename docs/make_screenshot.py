"""Take docs/screenshot.png: ``gk-audit serve`` with the faulty example uploaded and a finding clicked.

    .venv/bin/python docs/make_screenshot.py [--chromium /usr/bin/chromium]

Needs the test extra (Playwright) and a system Chromium; Playwright's own browser download is not used.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str) -> None:
    for _ in range(200):
        try:
            with urllib.request.urlopen(url + "healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gk-audit serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--output", default=str(ROOT / "docs" / "screenshot.png"))
    arguments = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "auditor.cli", "serve", "--no-browser", "--port", str(port)],
                              cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=arguments.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 960}, device_scale_factor=1)
            page.goto(url)
            page.set_input_files("#file", str(ROOT / "examples" / "report-2021-faulty.txt"))
            page.wait_for_selector("#progress.finished")
            page.locator(".finding", has=page.locator("code.rule", has_text="GK8")).first.click()
            page.wait_for_timeout(900)
            page.screenshot(path=arguments.output)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"wrote {arguments.output}")


if __name__ == "__main__":
    main()
