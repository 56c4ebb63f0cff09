"""The poll threads: as many as the work in flight needs, up to a bound, and none kept
idle for long.

``concurrent.futures.ThreadPoolExecutor`` keeps every thread it ever started. A first
cycle over a thousand categories needs a hundred polls at once (each waits on its
host's politeness gate); afterwards a few suffice, but the hundred stay, and each holds
what glibc caches per thread (freed blocks in its tcache) besides its stack: at 1,000
categories the idle threads kept over 20 MiB. Here a thread that has had nothing to do
for ``idle_timeout`` seconds ends, and the most recently idle thread is the one given
new work, so the others do go idle long enough to end.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

IDLE_TIMEOUT = 30.0

_Item = tuple[Future[object], Callable[[], object]]


class _Idle:
    """One waiting thread: the work handed to it, and the event that wakes it."""

    __slots__ = ("item", "wake")

    def __init__(self) -> None:
        self.item: _Item | None = None
        self.wake = threading.Event()


class ElasticPool:
    def __init__(
        self,
        max_workers: int,
        *,
        name: str,
        idle_timeout: float = IDLE_TIMEOUT,
        on_retire: Callable[[], object] | None = None,
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self.name = name
        self.idle_timeout = idle_timeout
        self.on_retire = on_retire
        self._lock = threading.Lock()
        self._idle: list[_Idle] = []  # a stack: the last to go idle is woken first
        self._backlog: deque[_Item] = deque()
        self._threads: set[threading.Thread] = set()
        self._closed = False
        self._numbers = itertools.count()

    @property
    def threads(self) -> int:
        with self._lock:
            return len(self._threads)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        item: _Item = (future, functools.partial(fn, *args, **kwargs))  # type: ignore[assignment]
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self.name}: submit after shutdown")
            if self._idle:
                idle = self._idle.pop()
                idle.item = item
                idle.wake.set()
            elif len(self._threads) < self.max_workers:
                # Daemon: a poll still running when the service stops is cut short
                # (its lease lapses, the next start polls again), not waited for.
                thread = threading.Thread(
                    target=self._work,
                    args=(item,),
                    name=f"{self.name}_{next(self._numbers)}",
                    daemon=True,
                )
                self._threads.add(thread)
                thread.start()
            else:
                self._backlog.append(item)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No more submissions; with ``cancel_futures`` the work not started is
        cancelled, otherwise it still runs. With ``wait``, returns when every thread
        has ended."""
        with self._lock:
            self._closed = True
            if cancel_futures:
                for future, _ in self._backlog:
                    future.cancel()
                self._backlog.clear()
            for idle in self._idle:
                idle.wake.set()
            threads = list(self._threads)
        if wait:
            for thread in threads:
                thread.join()

    def _work(self, first: _Item) -> None:
        item: _Item | None = first
        idle = _Idle()
        retired = False
        while item is not None:
            _run(item)
            item = None
            with self._lock:
                if self._backlog:
                    item = self._backlog.popleft()
                    continue
                if self._closed:
                    break
                idle.item = None
                idle.wake.clear()
                self._idle.append(idle)
            idle.wake.wait(self.idle_timeout)
            with self._lock:
                item = idle.item
                if item is None:
                    self._idle.remove(idle)
                    retired = not self._closed
        with self._lock:
            self._threads.discard(threading.current_thread())
        if retired and self.on_retire is not None:
            self.on_retire()


def _run(item: _Item) -> None:
    future, call = item
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = call()
    except BaseException as exc:  # handed to the future, as the stdlib pool does
        future.set_exception(exc)
    else:
        future.set_result(result)
