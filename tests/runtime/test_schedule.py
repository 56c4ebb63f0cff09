"""Next-poll decisions, with a seeded random source and no clock but the test's."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from syndicator.fetch.politeness import parse_retry_after
from syndicator.models import Schedule, ScheduleKind
from syndicator.runtime.schedule import auto_interval, backoff, first_due, next_due

NOW = datetime(2023, 3, 1, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("interval", "failures", "retry_after", "expect"),
    [
        (600, 0, None, 600),
        (600, 1, None, 1200),
        (600, 3, None, 4800),
        (600, 10, None, 6 * 3600),  # capped at six hours
        (600, 1, 7200, 7200),  # Retry-After wins when later
        (600, 3, 60, 4800),  # ...never makes it sooner
        (86400, 2, None, 86400),  # a daily poll is never made rarer by failing
        (600, 100, None, 6 * 3600),  # never disabled, never overflows
        (600, 1, 99999, 6 * 3600),  # Retry-After held to the same six hours
        (600, 1, float("inf"), 6 * 3600),  # forty digits of seconds
        (600, 1, float("nan"), 1200),  # no answer at all
        (86400, 0, 10**40, 86400),
    ],
)
def test_backoff(interval: float, failures: int, retry_after: float | None, expect: float) -> None:
    assert backoff(interval, failures, retry_after) == expect


def test_interval_gets_bounded_jitter() -> None:
    schedule = Schedule(ScheduleKind.INTERVAL, seconds=600)
    rng = random.Random(7)
    gaps = {(next_due(schedule, NOW, rng=rng) - NOW).total_seconds() for _ in range(200)}
    assert min(gaps) >= 540 and max(gaps) <= 660
    assert len(gaps) > 50  # categories drift apart instead of firing together


def test_retry_after_is_never_shortened_by_jitter() -> None:
    schedule = Schedule(ScheduleKind.INTERVAL, seconds=60)
    for seed in range(50):
        due = next_due(schedule, NOW, failures=1, retry_after=900, rng=random.Random(seed))
        assert due >= NOW + timedelta(seconds=900)


def test_cron_fires_at_its_exact_time_in_its_timezone() -> None:
    schedule = Schedule(ScheduleKind.CRON, cron="*/10 7-23 * * *", timezone="Asia/Shanghai")
    # 06:03 UTC is 14:03 in Shanghai: next is 14:10 local.
    due = next_due(schedule, NOW.replace(minute=3))
    assert due == datetime(2023, 3, 1, 6, 10, tzinfo=UTC)
    # 23:55 Shanghai (15:55 UTC): nothing until 07:00 the next morning.
    late = next_due(schedule, datetime(2023, 3, 1, 15, 55, tzinfo=UTC))
    assert late == datetime(2023, 2, 28, 23, 0, tzinfo=UTC) + timedelta(days=1)


def test_failing_cron_backs_off_from_its_gap() -> None:
    schedule = Schedule(ScheduleKind.CRON, cron="*/10 * * * *", timezone="Asia/Shanghai")
    due = next_due(schedule, NOW, failures=2, rng=random.Random(1))
    gap = (due - NOW).total_seconds()
    assert 0.9 * 2400 <= gap <= 1.1 * 2400


@pytest.mark.parametrize(
    ("per_week", "expect"),
    [
        (0, 3600),
        (1, 3600),
        (168, 3600),
        (336, 1800),
        (10_000, 120),
    ],
)
def test_auto_interval_follows_publishing_rate(per_week: int, expect: float) -> None:
    published = [
        NOW - timedelta(seconds=i * (7 * 86400 / max(per_week, 1)) * 0.999) for i in range(per_week)
    ]
    assert auto_interval(published, NOW, 120, 3600) == pytest.approx(expect, rel=0.01)


def test_auto_ignores_articles_older_than_a_week() -> None:
    old = [NOW - timedelta(days=8, minutes=i) for i in range(500)]
    assert auto_interval(old, NOW, 120, 3600) == 3600


def test_first_due_keeps_future_and_spreads_overdue() -> None:
    future = NOW + timedelta(minutes=5)
    assert first_due(NOW, future, 3) == future
    assert first_due(NOW, NOW - timedelta(days=2), 0) == NOW
    assert first_due(NOW, None, 4) == NOW + timedelta(seconds=8)


def test_cron_on_its_fire_time_is_not_due_again_at_once() -> None:
    schedule = Schedule(ScheduleKind.CRON, cron="0 * * * *", timezone="Asia/Shanghai")
    assert next_due(schedule, NOW) == NOW + timedelta(hours=1)


@pytest.mark.parametrize("asked", [99999.0, 1e40, float("inf")])
def test_a_huge_retry_after_schedules_within_six_hours(asked: float) -> None:
    now = datetime(2023, 3, 20, 1, 30, tzinfo=UTC)
    due = next_due(
        Schedule(ScheduleKind.INTERVAL, seconds=600),
        now,
        failures=1,
        retry_after=asked,
        rng=random.Random(1),
    )
    assert timedelta(hours=6) <= due - now <= timedelta(hours=6.6)


@pytest.mark.parametrize(
    ("header", "seconds"), [("120", 120.0), ("9" * 40, float("inf")), ("-5", None), ("soon", None)]
)
def test_retry_after_header_values(header: str, seconds: float | None) -> None:
    assert parse_retry_after(header, datetime(2023, 3, 20, tzinfo=UTC)) == seconds
