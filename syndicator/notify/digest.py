"""Digest mode: article deliveries of a digest channel wait as ``digest`` rows, and each
run of the channel's cron bundles all of them into ONE message (none when none wait).

The rows are leased while the message is sent and marked delivered only after the SMTP
server accepted it; on failure they stay for the next run, so a digest is late rather
than lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from syndicator.models import ChannelSpec, DeliveryState
from syndicator.notify.email import build_digest

log = logging.getLogger("syndicator.notify")

MAX_ITEMS = 10_000


def send_digests(outbox: Any, channels: Iterable[ChannelSpec],
                 sender_for: Callable[[ChannelSpec], Any], owner: str, now: datetime, *,
                 lease: float, channel_id: str | None = None) -> dict[str, int]:
    """Returns how many articles each channel's digest listed."""
    sent: dict[str, int] = {}
    for channel in channels:
        if channel.kind != "email" or not channel.digest:
            continue
        if channel_id is not None and channel.id != channel_id:
            continue
        rows = outbox.claim(owner, now, lease=lease, limit=MAX_ITEMS,
                            state=DeliveryState.DIGEST, channel=channel.id, due_only=False)
        if not rows:
            continue
        rows.sort(key=lambda d: (d.created, d.id))
        result = sender_for(channel).send(build_digest(channel, rows, now))
        outbox.digest_done([d.id for d in rows], owner, now,
                           None if result.ok else result.error or "failed")
        if result.ok:
            sent[channel.id] = len(rows)
            log.info("digest via %s: %d articles", channel.id, len(rows))
        else:
            log.warning("digest via %s failed: %s", channel.id, result.error)
    return sent
