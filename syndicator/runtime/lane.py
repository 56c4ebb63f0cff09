"""The thread that parses for every poll of the process.

libxml2, under lxml, keeps a parser and a name dictionary per thread for as long as the
thread lives. With a hundred poll threads each parsing its own pages, those came to
about half a MiB a thread (53 MiB for a hundred threads against 4 MiB for one,
measured on the real-page corpus), and under the GIL the hundred parse no faster than
one. So polls wait on the network in their own threads and hand their pages here.
One thread parsing also leaves the web's event loop one thread to take turns with for
the interpreter, not dozens.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")


class ParseLane:
    def __init__(self, name: str = "parse") -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._inside = threading.local()
        self._closed = False

    def __call__(self, work: Callable[[], _T]) -> _T:
        if getattr(self._inside, "yes", False) or self._closed:
            # Already on the lane (a nested call would wait for itself), or the process
            # is stopping: the caller's own thread does it.
            return work()
        return self._pool.submit(self._marked, work).result()

    def _marked(self, work: Callable[[], _T]) -> _T:
        self._inside.yes = True
        return work()

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True)
