"""Benchmark the cross-report pass on a province-scale repository: agencies × years in one run.

    python benchmarks/series.py [--agencies 500] [--years 20] [--jobs N] [--corpus DIR] [--keep]

Writes ``AGENCY/report-YEAR.txt`` for every agency and year (2005 onwards: old-format reports with a
历年累计 column until 2018, then 2019 and 2021-format reports with tables 二, 三 and 四; carry-over,
stock and running totals continue from year to year), about ``--size`` bytes each, with a few
planted breaks (a carry-over off by one, a narrative copied from the year before). Then runs
``gk-audit check --format json --jobs N`` over the folder and prints wall time, reports/s, the
series found, the cross-report findings by rule, and the peak resident memory of the largest process
(``resource.getrusage(RUSAGE_CHILDREN)``): the series pass keeps per-report summaries, not documents.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from corpus import AGENCIES, PLACES, _paragraph  # noqa: E402
from seriesgen import old_report_text, old_series, report_text, series_values  # noqa: E402

GK_AUDIT = str(Path(sys.executable).with_name("gk-audit"))
FIRST_YEAR = 2005
NEW_FORMAT_FROM = 2019
COUNTIES = ("东", "西", "南", "北", "中")


def agency_names(count: int) -> list[str]:
    names = [f"{place}市{county}区{agency}" for county in COUNTIES for place in PLACES for agency in AGENCIES]
    if count > len(names):
        raise SystemExit(f"at most {len(names)} agencies")
    return names[:count]


def _padded(text: str, rng: random.Random, year: int, size: int) -> str:
    """The report grown to about ``size`` bytes by narrative paragraphs under 二、 (not compared)."""
    marker = "\n二、"
    extra: list[str] = []
    while len(text.encode()) + sum(len(item.encode()) + 1 for item in extra) < size:
        extra.append(_paragraph(rng, year, set()))
    at = text.find(marker)
    at = text.find("\n", at + 1) if at >= 0 else len(text)
    return text[: at + 1] + "\n".join(extra) + "\n" + text[at + 1:]


def agency_reports(agency: str, index: int, years: list[int], size: int, seed: int) -> dict[int, str]:
    rng = random.Random(seed * 7919 + index)
    old_years = [year for year in years if year < NEW_FORMAT_FROM]
    new_years = [year for year in years if year >= NEW_FORMAT_FROM]
    texts: dict[int, str] = {}
    for year, (values, cumulative) in zip(old_years, old_series(old_years, seed=index), strict=True):
        texts[year] = old_report_text(values, cumulative, year).replace("示范县人民政府办公室", agency, 1)
    values_by_year = series_values(new_years, seed=index) if new_years else []
    for year, values in zip(new_years, values_by_year, strict=True):
        if year > NEW_FORMAT_FROM and rng.random() < 0.02:  # a planted carry-over break
            for row in ("carried", "c1", "c7"):
                values.t3[row]["natural"] += 1
                values.t3[row]["total"] += 1
        copied = year - 1 if year > NEW_FORMAT_FROM and rng.random() < 0.05 else None
        texts[year] = report_text(values, year, "tabs", agency=agency, copied_from=copied)
    return {year: _padded(text, rng, year, size) for year, text in texts.items()}


def write_corpus(folder: Path, agencies: int, years: int, size: int, seed: int = 2024) -> int:
    span = list(range(FIRST_YEAR, FIRST_YEAR + years))
    written = 0
    for index, agency in enumerate(agency_names(agencies)):
        target = folder / f"{index:04d}"
        target.mkdir(parents=True, exist_ok=True)
        for year, text in agency_reports(agency, index, span, size, seed).items():
            (target / f"report-{year}.txt").write_text(text, encoding="utf-8")
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--size", type=int, default=15_000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--corpus", type=Path, help="use (or create) the corpus in this folder")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    arguments = parser.parse_args()
    folder = arguments.corpus or Path(tempfile.mkdtemp(prefix="gk-series-"))
    count = len(list(folder.rglob("report-*.txt"))) if folder.exists() else 0
    if count < arguments.agencies * arguments.years:
        started = time.perf_counter()
        count = write_corpus(folder, arguments.agencies, arguments.years, arguments.size)
        print(f"corpus: {count} reports in {folder} ({time.perf_counter() - started:.1f} s to generate)")
    jobs = arguments.jobs or len(os.sched_getaffinity(0))
    started = time.perf_counter()
    completed = subprocess.run([GK_AUDIT, "check", "--format", "json", "--jobs", str(jobs), "--no-cache", str(folder)],
                               capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"gk-audit failed ({completed.returncode}): {completed.stderr.decode()[-2000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    data = json.loads(completed.stdout)
    cross = Counter(diagnostic["rule"] for file in data["files"] for diagnostic in file["diagnostics"]
                    if diagnostic["rule"].startswith("GK95"))
    print(f"reports:       {len(data['files'])}, jobs {jobs}")
    print(f"series:        {len(data.get('series', []))}")
    print(f"throughput:    {len(data['files']) / elapsed:.0f} reports/s ({elapsed:.1f} s wall)")
    print(f"peak memory:   {peak_mb:.0f} MB (largest process)")
    print(f"cross-report:  {dict(sorted(cross.items()))}")
    if arguments.corpus is None and not arguments.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
