"""When to try a failed delivery again: a pure function of the attempt count.

The schedule spreads about ten attempts over roughly three days, so a receiver that is
down for a weekend still gets everything, and one that is gone for good is given up on
(and an operator told) in bounded time. Jitter keeps a backlog from retrying in lockstep.
"""

from __future__ import annotations

import random

# Delay after the 1st, 2nd, … failed attempt; after the last one the row is dead.
SCHEDULE: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
JITTER = 0.1
MIN_RETRY_AFTER = 1.0
MAX_RETRY_AFTER = 86400.0


def next_delay(
    failed_attempts: int, *, retry_after: float | None = None, rng: random.Random | None = None
) -> float | None:
    """Seconds until the next attempt after ``failed_attempts`` failures, or ``None``
    when the delivery should be given up. A receiver's Retry-After wins over the
    schedule (capped at a day), but never extends the number of attempts."""
    if failed_attempts < 1:
        return 0.0
    if gives_up(failed_attempts):
        return None
    if retry_after is not None and retry_after >= 0:
        # At least a second: "Retry-After: 0" must not turn a batch into a busy loop.
        return min(max(retry_after, MIN_RETRY_AFTER), MAX_RETRY_AFTER)
    base = SCHEDULE[failed_attempts - 1]
    spread = (rng or random).uniform(-JITTER, JITTER)
    return base * (1 + spread)


def gives_up(failed_attempts: int) -> bool:
    """Whether ``failed_attempts`` failures exhaust the schedule (the row is dead)."""
    return failed_attempts > len(SCHEDULE)


def total_span() -> float:
    """How long, without jitter, a delivery keeps being retried."""
    return float(sum(SCHEDULE))
