"""When to poll a category next: pure functions of its schedule, its last outcome and
what it has published. The service stores the answer, so restarts neither stampede nor
forget, and tests need no clock but their own.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from syndicator.models import Schedule, ScheduleKind

MAX_BACKOFF = 6 * 3600.0
JITTER = 0.1
WEEK = 7 * 24 * 3600.0


def auto_interval(published: Sequence[datetime], now: datetime, low: float, high: float) -> float:
    """Seconds between polls for ``every: auto``: a week divided by the articles seen in
    the past week (Miniflux's entry-frequency rule), held between ``min`` and ``max``.
    A quiet category is polled at ``max``; one publishing hourly, about hourly."""
    recent = sum(1 for p in published if timedelta(0) <= now - p <= timedelta(seconds=WEEK))
    if recent == 0:
        return high
    return max(low, min(high, WEEK / recent))


def cron_next(expr: str, timezone: str, after: datetime) -> datetime:
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger.from_crontab(expr, timezone=ZoneInfo(timezone))
    # Strictly after: a poll that ran exactly on a fire time must not be due again now.
    fire: datetime | None = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
    # A cron that can never fire again (a past date) is rare; poll daily rather than never.
    return fire if fire is not None else after + timedelta(days=1)


def base_interval(schedule: Schedule, published: Sequence[datetime], now: datetime) -> float:
    """The regular gap in seconds (for cron, between its next two fire times, so that a
    failure a minute before the hour does not back off from a one-minute gap)."""
    if schedule.kind == ScheduleKind.CRON and schedule.cron:
        first = cron_next(schedule.cron, schedule.timezone, now)
        return (cron_next(schedule.cron, schedule.timezone, first) - first).total_seconds()
    if schedule.kind == ScheduleKind.AUTO:
        return auto_interval(published, now, schedule.min, schedule.max)
    return float(schedule.seconds or 600.0)


def backoff(interval: float, failures: int, retry_after: float | None = None) -> float:
    """Exponential back-off after ``failures`` failed polls in a row: the interval
    doubled per failure, capped at six hours but never below the interval itself, and
    never sooner than the portal's Retry-After, which is itself held to the same six
    hours (a portal asking for 99999 s, or 40 digits of them, is polled again by then).
    A category is never given up on."""
    if failures <= 0:
        wait = interval
    else:
        wait = min(max(interval, MAX_BACKOFF), interval * 2 ** min(failures, 20))
    if retry_after is not None and retry_after == retry_after:  # NaN is no answer
        wait = max(wait, min(retry_after, MAX_BACKOFF))
    return wait


def next_due(
    schedule: Schedule,
    now: datetime,
    *,
    failures: int = 0,
    retry_after: float | None = None,
    published: Sequence[datetime] = (),
    rng: random.Random | None = None,
) -> datetime:
    """The next poll time. Interval schedules get ±10 % jitter so categories of one
    host drift apart instead of firing together; cron times are kept exact unless the
    category is failing."""
    if (
        schedule.kind == ScheduleKind.CRON
        and schedule.cron
        and failures == 0
        and retry_after is None
    ):
        return cron_next(schedule.cron, schedule.timezone, now)
    wait = backoff(base_interval(schedule, published, now), failures, retry_after)
    spread = (rng or random).uniform(-JITTER, JITTER) * wait
    if retry_after is not None:
        spread = abs(spread)
    return now + timedelta(seconds=max(1.0, wait + spread))


def first_due(now: datetime, stored: datetime | None, index: int, stagger: float = 2.0) -> datetime:
    """At start-up: keep a stored due time that is still ahead; otherwise poll soon,
    spreading overdue categories ``stagger`` seconds apart so a restart after a long
    stop does not hit every portal at once."""
    if stored is not None and stored > now:
        return stored
    return now + timedelta(seconds=index * stagger)
