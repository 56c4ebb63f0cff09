"""robots.txt, read once per origin and kept for a while.

Status rules: 200 is parsed with ``urllib.robotparser``; any other 4xx means the site has
no rules for us (RFC 9309 §2.3.1.3), kept as long as a parsed file; a 5xx or an
unreachable server is let through too, but only remembered briefly so that rules published
once the server recovers are picked up soon.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from syndicator.fetch.politeness import Clock

TTL = 3600.0
UNAVAILABLE_TTL = 600.0
MAX_CRAWL_DELAY = 60.0


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """What the download of one robots.txt gave; ``status`` None means no answer at all."""

    status: int | None
    body: bytes = b""


Download = Callable[[str], RobotsAnswer]


@dataclass(frozen=True, slots=True)
class RobotsPolicy:
    """The rules of one origin; ``rules`` None means everything is allowed."""

    rules: RobotFileParser | None
    expires: float

    def allows(self, url: str, agent: str) -> bool:
        return self.rules is None or self.rules.can_fetch(agent, url)

    def crawl_delay(self, agent: str) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(agent)
        if delay is None:
            return None
        return min(float(delay), MAX_CRAWL_DELAY)


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def parse_rules(body: bytes) -> RobotFileParser:
    rules = RobotFileParser()
    rules.parse(body.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines())
    return rules


def policy_from(answer: RobotsAnswer, now: float) -> RobotsPolicy:
    if answer.status is not None and 200 <= answer.status < 300:
        return RobotsPolicy(parse_rules(answer.body), now + TTL)
    if answer.status is not None and 400 <= answer.status < 500:
        return RobotsPolicy(None, now + TTL)
    return RobotsPolicy(None, now + UNAVAILABLE_TTL)


class RobotsCache:
    """Policies per origin; one download at a time per origin, even across threads."""

    def __init__(self, download: Download, *, clock: Clock) -> None:
        self._download = download
        self._clock = clock
        self._policies: dict[str, RobotsPolicy] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def _lock(self, origin: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(origin, threading.Lock())

    def policy(self, url: str) -> RobotsPolicy:
        where = robots_url(url)
        with self._lock(where):
            cached = self._policies.get(where)
            if cached is not None and self._clock() < cached.expires:
                return cached
            policy = policy_from(self._download(where), self._clock())
            self._policies[where] = policy
            return policy
