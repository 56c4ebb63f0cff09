"""Process-wide settings of a long-running service: glibc's malloc and the
interpreter's thread switches. Each is a no-op where it does not apply."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys
import threading
import time
from collections.abc import Callable

_M_ARENA_MAX = -8
# A thread that wants the GIL asks the holder to let go after this long (5 ms by
# default). The web's event loop needs the GIL a few times per answer; while a poll
# parses a page, each of those waits up to this.
SWITCH_INTERVAL = 0.001
# malloc_trim walks the heap: at most once in this many seconds.
TRIM_EVERY = 10.0


@functools.cache
def _libc() -> ctypes.CDLL | None:
    # find_library runs ldconfig in a child process: once per process is enough.
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def few_malloc_arenas() -> None:
    """Ask glibc for two malloc arenas instead of eight per core: each poll thread that
    allocates otherwise gets an arena of its own, whose freed pages stay in the
    process (a hundred poll threads held tens of MiB so). Done before any thread
    starts."""
    libc = _libc()
    try:
        if libc is not None:
            libc.mallopt(_M_ARENA_MAX, 2)
    except AttributeError:
        pass


def quick_switches() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL)


def settle() -> None:
    """Exempt everything made during start-up (modules, config, the app) from the
    cyclic garbage collector. A full collection walks every tracked object with the GIL
    held: over the 100,000-odd objects of start-up that took 30 ms and more, during
    which no feed was answered; they live as long as the process anyway."""
    gc.collect()
    gc.freeze()


def memory_giver(
    every: float = TRIM_EVERY, clock: Callable[[], float] = time.monotonic
) -> Callable[[], bool]:
    """A call that hands freed heap pages back to the system, at most once per
    ``every`` seconds; True when it did. glibc keeps freed memory inside its heap for
    reuse, so after a burst of parsing (the first poll of many columns) the process
    would hold its peak for good."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    lock = threading.Lock()
    last = [float("-inf")]

    def give_back() -> bool:
        if trim is None:
            return False
        with lock:
            now = clock()
            if now - last[0] < every:
                return False
            last[0] = now
        trim(0)
        return True

    return give_back
