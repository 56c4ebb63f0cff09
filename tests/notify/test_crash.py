"""Crash safety in short (``bench/crash.py`` runs the long version)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.support.chaos import run_chaos

# Every test here runs syndicator in a process of its own.
pytestmark = pytest.mark.slow


def test_killed_workers_lose_nothing_and_reuse_webhook_ids(tmp_path: Path) -> None:
    report = run_chaos(tmp_path, rounds=5, rng=random.Random(20231120), max_life=None)
    assert report.problems == []
    assert report.published >= 5 and report.killed >= 1, report
