"""Process-wide settings: malloc arenas, memory handed back, thread switches."""

from __future__ import annotations

import ctypes
import gc
import sys

import pytest

from syndicator.runtime import process

GLIBC = hasattr(ctypes.CDLL(None), "malloc_trim")


@pytest.mark.slow
@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_memory_is_handed_back_at_most_once_per_interval() -> None:
    now = [100.0]
    give_back = process.memory_giver(every=10, clock=lambda: now[0])
    assert give_back()
    now[0] += 9.9
    assert not give_back()
    now[0] += 0.1
    assert give_back()


def test_thread_switches_get_quicker() -> None:
    was = sys.getswitchinterval()
    try:
        process.quick_switches()
        assert sys.getswitchinterval() == pytest.approx(process.SWITCH_INTERVAL)
        assert was > process.SWITCH_INTERVAL
    finally:
        sys.setswitchinterval(was)


def test_what_start_up_made_is_left_out_of_collections() -> None:
    try:
        process.settle()
        assert gc.get_freeze_count() > 1000
        assert gc.get_count()[0] < 100
    finally:
        gc.unfreeze()
