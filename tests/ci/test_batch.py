"""Batch runs: identical output whatever --jobs; one unreadable file never stops the batch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from corpus import write_corpus


def test_jobs_do_not_change_the_output(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_corpus(tmp_path / "corpus", 200, seed=7, size=6000)
    (tmp_path / "corpus" / "000" / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    one = run("check", "--format", "json", "--jobs", "1", "corpus")
    two = run("check", "--format", "json", "--jobs", "2", "corpus")
    assert one.stdout == two.stdout
    data = json.loads(one.stdout)
    assert len(data["files"]) == 201 and data["summary"]["unreadable"] == 1
    assert [file["path"] for file in data["files"]] == sorted(file["path"] for file in data["files"])


def test_statistics(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_corpus(tmp_path / "corpus", 5, seed=7, size=4000)
    output = run("check", "--statistics", "-q", "corpus").stdout
    assert "按规则统计" in output and "按类别统计" in output
