"""A token bucket per channel: chat bots (DingTalk, WeCom, Feishu…) drop messages past
about 20 a minute, so the dispatcher leaves excess rows pending for later instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class TokenBucket:
    rate: float = 20 / 60  # tokens per second
    capacity: float = 20.0
    tokens: float = field(default=-1.0)
    stamp: datetime | None = None

    def take(self, now: datetime) -> float:
        """Take one token: 0 when granted, else seconds until one is available."""
        if self.tokens < 0:
            self.tokens = self.capacity
        if self.stamp is not None:
            elapsed = max((now - self.stamp).total_seconds(), 0.0)
            self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate
