"""Digest mode: article deliveries of a digest channel wait as ``digest`` rows, and each
run of the channel's cron bundles all of them into ONE message (none when none wait).

The rows are leased while the message is sent and marked delivered only after the SMTP
server accepted it. A digest that is refused follows the back-off of a single delivery
(5 s, 5 min, 30 min … ``backoff.py``): its rows wait together for the retry, which the
delivery pump sends when due, and each row is given up (dead, listed, counted and
announced to operators) after its own tenth failed attempt. While a failed digest waits,
the cron leaves the channel alone: the retry sends whatever has arrived meanwhile, and a
daily cron cannot add attempts faster than the back-off allows.

Everything here decides; the dispatcher sends and the store records.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from syndicator.models import Delivery
from syndicator.notify import backoff
from syndicator.notify.result import SendResult

MAX_ITEMS = 10_000


def due(retry_at: datetime | None, now: datetime, *, scheduled: bool) -> bool:
    """Whether a channel's digest goes now. ``retry_at``: when its failed digest is to
    be tried again (``None``: none failed); ``scheduled``: the channel's cron fired."""
    if retry_at is None:
        return scheduled
    return retry_at <= now


@dataclass(frozen=True, slots=True)
class DigestFailure:
    """What a refused digest comes to: rows that wait for ``retry_at``, rows given up."""

    retry: tuple[int, ...]
    dead: tuple[int, ...]
    retry_at: datetime | None


def after_failure(
    rows: Sequence[Delivery], result: SendResult, now: datetime, rng: random.Random | None = None
) -> DigestFailure:
    """Each row dies after its own last attempt, as a single delivery would (all at once
    when retrying cannot help). The others wait for one retry time, that of the
    most-tried of them, so that one message stays one message."""
    if result.permanent:
        return DigestFailure((), tuple(d.id for d in rows), None)
    dead = tuple(d.id for d in rows if backoff.gives_up(d.attempts + 1))
    kept = [d for d in rows if d.id not in dead]
    attempt = max((d.attempts + 1 for d in kept), default=0)
    delay = backoff.next_delay(attempt, retry_after=result.retry_after, rng=rng) if kept else None
    if delay is None:
        return DigestFailure((), tuple(d.id for d in rows), None)
    return DigestFailure(tuple(d.id for d in kept), dead, now + timedelta(seconds=delay))
