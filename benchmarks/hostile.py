"""Time and peak memory of gk-audit on each hostile input (issue 11): bombs, huge pages, special files.

    python -m benchmarks.hostile [--dir /tmp/hostile] [--make] [--cmd "gk-audit"] [--timeout 300]

``--make`` writes the inputs first (a few GB of deflate work: minutes). Each file is checked alone
with ``/usr/bin/time -v`` under ``timeout`` and a 6 GB address-space limit, so a file that would
exhaust the machine is stopped; the table gives seconds, peak RSS, exit code and the first finding.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hostile

REPORT_LINE = "本机关2023年共收到政府信息公开申请120件，其中当面申请5件，网络申请115件。"


def make(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    title = hostile.paragraph("某区2023年政府信息公开工作年度报告")
    writers = {
        "gridspan.docx": lambda: hostile.grid_span_docx(),
        "zipbomb.docx": lambda: hostile.docx_bytes(title, padding=4000 << 20),
        "flatebomb.pdf": lambda: hostile.pdf_bytes(inflated=2000 << 20),
        "pages.pdf": lambda: hostile.pdf_bytes(pages=60_000),
        "body.html": lambda: ("<html><body>" + "<p>某区2023年政府信息公开XX年情况</p>" * 500_000
                              + "</body></html>").encode(),
        "big.txt": lambda: ("某区2023年政府信息公开工作年度报告\n" + (REPORT_LINE + "\n") * 500_000).encode(),
        "longline.txt": lambda: ("某区2023年报告\n" + "XX年" * 53_000 + "\n").encode(),
    }
    for name, write in writers.items():
        target = folder / name
        if not target.exists():
            target.write_bytes(write())
    fifo = folder / "fifo.txt"
    if not fifo.exists():
        os.mkfifo(fifo)


def measure(command: list[str], path: str, timeout: float) -> tuple[str, str, str, str]:
    script = f"ulimit -v 6000000; exec /usr/bin/time -v timeout {timeout} {' '.join(command)} --no-cache -q '{path}'"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, errors="replace")
    seconds = re.search(r"Elapsed \(wall clock\) time.*?: (\S+)", done.stderr)
    memory = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    lines = done.stdout.splitlines()
    first = next((line for line in lines if "[GK0" in line), lines[-1] if lines else "")
    if not first:
        first = next((line for line in done.stderr.splitlines() if "Error" in line or "error" in line), "")
    rss = f"{int(memory.group(1)) // 1024} MB" if memory else "?"
    code = f"killed at {timeout:g} s" if done.returncode == 124 else str(done.returncode)
    return (seconds.group(1) if seconds else "?"), rss, code, first[-110:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="/tmp/hostile")
    parser.add_argument("--make", action="store_true")
    parser.add_argument("--cmd", default="gk-audit check")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    folder = Path(args.dir)
    if args.make:
        make(folder)
    names = [*sorted(path.name for path in folder.iterdir()), "/dev/zero"]
    print("| file | time | peak RSS | exit | first GK0xx finding, else the summary |\n|---|---|---|---|---|")
    for name in names:
        path = name if name.startswith("/") else str(folder / name)
        print("| " + " | ".join((name, *measure(args.cmd.split(), path, args.timeout))) + " |", flush=True)


if __name__ == "__main__":
    main()
