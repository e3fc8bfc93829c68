"""Time document extraction per input format, cold and through the document cache.

The same report (tests/readers/report_forms.py, the faulty 2021 report with its three tables) is
written as .txt, .md, .html, .docx and .pdf, then read:
- cold: the reader itself, in-process, backend already imported (the first read also pays the
  import of lxml / python-docx / pdfplumber, shown separately as "first");
- cached: a second read of the same bytes through a warm document cache (JSON entry on disk).

Usage: python benchmarks/extract.py [--repeat N] [--pages K]
  --pages K repeats the report body K times, to see how extraction scales with length.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "readers"))

from report_forms import REPORTS, WRITERS  # noqa: E402

from auditor.readers import _target_for, reader_for  # noqa: E402
from auditor.readers.cache import cached_read  # noqa: E402

FORMS = ("txt", "md", "html", "docx", "pdf")


def _timed(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(form: str, data: bytes, repeat: int, cache_dir: Path) -> tuple[float, float, float, int]:
    path = f"report.{form}"
    reader = reader_for(path)
    started = time.perf_counter()
    document = reader(path, data)
    first = time.perf_counter() - started
    cold = _timed(lambda: reader(path, data), repeat)
    target = _target_for(path)
    cached_read(path, data, target, reader, cache_dir)  # fill the cache
    cached = _timed(lambda: cached_read(path, data, target, reader, cache_dir), repeat)
    return first, cold, cached, len(document.text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", type=int, default=1)
    arguments = parser.parse_args()
    blocks = REPORTS["2021-faulty"]
    blocks = blocks[:1] + blocks[1:] * arguments.pages
    print(f"{'format':<6} {'bytes':>8} {'chars':>7} {'first (ms)':>11} {'cold (ms)':>10} {'cached (ms)':>12}")
    with tempfile.TemporaryDirectory() as cache:
        for form in FORMS:
            data = WRITERS[form](blocks)
            first, cold, cached, chars = measure(form, data, arguments.repeat, Path(cache))
            print(f"{form:<6} {len(data):>8} {chars:>7} {first * 1000:>11.1f} {cold * 1000:>10.1f} "
                  f"{cached * 1000:>12.1f}")
    print("cached applies to .html/.docx/.pdf only in the CLI; .txt/.md are read directly.")


if __name__ == "__main__":
    main()
