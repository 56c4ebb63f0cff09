"""WebSub publisher: tell the configured hubs which feeds changed.

Pings go through a queue drained by one background thread, so a slow or failing hub
never delays a poll; a failed ping is retried with back-off a few times, then dropped
with a warning (the hub still sees the feed at its next own fetch).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import requests

log = logging.getLogger("syndicator.runtime.websub")

RETRY_DELAYS = (5.0, 30.0, 300.0, 1800.0)


@dataclass(frozen=True, slots=True)
class Ping:
    hub: str
    topic: str
    attempt: int = 0
    not_before: float = 0.0


class HubPinger:
    def __init__(
        self,
        hubs: Sequence[str],
        *,
        user_agent: str,
        timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
    ) -> None:
        self.hubs = tuple(hubs)
        self.timeout = timeout
        self.clock = clock
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self._queue: list[Ping] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0
        self.failed = 0

    def publish(self, topics: Iterable[str]) -> None:
        """Queue a ping to every hub for every changed feed URL."""
        if not self.hubs:
            return
        with self._lock:
            for topic in topics:
                for hub in self.hubs:
                    self._queue.append(Ping(hub, topic))
        self._wake.set()

    def flush(self) -> int:
        """Send every ping that is due now; returns how many are still queued."""
        with self._lock:
            now = self.clock()
            due = [p for p in self._queue if p.not_before <= now]
            self._queue = [p for p in self._queue if p.not_before > now]
        for ping in due:
            self._send(ping)
        with self._lock:
            return len(self._queue)

    def _send(self, ping: Ping) -> None:
        data = {"hub.mode": "publish", "hub.url": ping.topic, "hub.topic": ping.topic}
        try:
            answer = self.session.post(ping.hub, data=data, timeout=self.timeout)
            ok = 200 <= answer.status_code < 300
            reason = f"HTTP {answer.status_code}"
        except requests.RequestException as exc:
            ok, reason = False, type(exc).__name__
        if ok:
            self.sent += 1
            return
        self.failed += 1
        if ping.attempt >= len(RETRY_DELAYS):
            log.warning(
                "websub: %s gave up on %s after %d tries (%s)",
                ping.hub,
                ping.topic,
                ping.attempt + 1,
                reason,
            )
            return
        retry = Ping(
            ping.hub, ping.topic, ping.attempt + 1, self.clock() + RETRY_DELAYS[ping.attempt]
        )
        log.info("websub: %s refused %s (%s); retrying", ping.hub, ping.topic, reason)
        with self._lock:
            self._queue.append(retry)

    # ------------------------------------------------------------ background thread

    def start(self) -> None:
        if not self.hubs or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="websub", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            pending = self.flush()
            self._wake.clear()
            self._wake.wait(1.0 if pending else 30.0)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.session.close()
