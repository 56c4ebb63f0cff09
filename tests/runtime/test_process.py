"""Process-wide settings: malloc arenas, memory handed back, thread switches."""

from __future__ import annotations

import ctypes
import gc
import subprocess
import sys

import pytest

from syndicator.runtime import process

GLIBC = hasattr(ctypes.CDLL(None), "malloc_trim")

FRAGMENT_AND_TRIM = """
from syndicator.runtime.process import memory_giver
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
# Blocks above the small-object size come from malloc; keeping one in fifty pins the
# heap's top, so the freed pages between stay with the process until trimmed.
blocks = [bytearray(1000) for _ in range(60000)]
keep = blocks[::50]
del blocks
before = rss()
assert memory_giver()()
print(before, rss())
"""


@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_freed_heap_pages_go_back_to_the_system() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FRAGMENT_AND_TRIM],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    before, after = map(float, done.stdout.split())
    assert before - after > 20  # MiB: most of the 57 MiB freed


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
