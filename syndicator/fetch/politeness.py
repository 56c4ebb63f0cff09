"""Being a good guest: one request at a time per host, gaps between them, and backing off.

Old portals run on one small server; a burst of parallel requests from a poller is the
quickest way to get an IP blocked. Time is read from an injected clock and waited with an
injected sleep so the rules can be checked without waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Clock = Callable[[], float]
Sleep = Callable[[float], None]

BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0


@dataclass
class _HostSlot:
    lock: threading.Lock
    last_end: float | None = None
    delay: float | None = None


class HostGate:
    """Hands out turns per host; a turn starts at least ``delay`` after the previous ended.

    The gap is measured from the end of one request because a slow answer is itself a
    sign of load, and the next request should not land on top of it.
    """

    def __init__(self, delay: float, *, clock: Clock, sleep: Sleep) -> None:
        self._delay = delay
        self._clock = clock
        self._sleep = sleep
        self._slots: dict[str, _HostSlot] = {}
        self._slots_lock = threading.Lock()

    def _slot(self, host: str) -> _HostSlot:
        with self._slots_lock:
            slot = self._slots.get(host)
            if slot is None:
                slot = self._slots[host] = _HostSlot(threading.Lock())
            return slot

    def set_delay(self, host: str, delay: float) -> None:
        """Widen the gap for one host (robots.txt ``Crawl-delay``); never below the default."""
        self._slot(host).delay = max(self._delay, delay)

    def delay_for(self, host: str) -> float:
        slot = self._slot(host)
        return self._delay if slot.delay is None else slot.delay

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        slot = self._slot(host)
        with slot.lock:
            if slot.last_end is not None:
                wait = slot.last_end + self.delay_for(host) - self._clock()
                if wait > 0:
                    self._sleep(wait)
            try:
                yield
            finally:
                slot.last_end = self._clock()


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt + 1``: 1, 2, 4, … capped."""
    return float(min(BACKOFF_BASE * 2**attempt, BACKOFF_CAP))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP-date).

    ``now`` should be the answer's own ``Date`` when it has one, so that a server whose
    clock is off still gets the delay it meant. Unreadable values count as absent.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        # Forty digits are a float of 1e40, not an error; callers cap what they honour.
        return float(text) if len(text) < 16 else float("inf")
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def answer_time(date_header: str | None, fallback: datetime) -> datetime:
    """The moment an answer was produced, by its ``Date`` header when readable."""
    if date_header:
        try:
            when = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            return fallback
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return fallback
