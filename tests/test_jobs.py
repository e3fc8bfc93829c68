"""``--jobs`` defaults to the free cores: the usable CPUs less those the load average says are busy."""

from __future__ import annotations

import os

import pytest

from auditor.batch import default_jobs


@pytest.mark.parametrize(("load", "expected"), [(0.0, 4), (1.4, 3), (2.6, 1), (9.0, 1)])
def test_default_jobs_leaves_busy_cores_alone(monkeypatch: pytest.MonkeyPatch, load: float, expected: int) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert default_jobs() == expected


def test_default_jobs_without_a_load_average_uses_every_core(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> tuple[float, float, float]:
        raise OSError("no load average")

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", unavailable)
    assert default_jobs() == 2
