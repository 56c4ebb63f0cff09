"""Operator notices of a death: a delivery, or a whole digest, given up after its last
retry. Pure: the rows they announce in, intents to write out, in the transaction that
marks the rows dead (so a notice exists exactly when its rows are dead)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from syndicator.models import (
    OPERATOR_EVENTS,
    Delivery,
    DeliveryIntent,
    DeliveryState,
    EventType,
    delivery_key,
)
from syndicator.notify.render import digest_subject


def dead_alerts(
    delivery: Delivery, error: str, operators: Sequence[str], now: datetime
) -> list[DeliveryIntent]:
    """Operator notices of a delivery's death; none for an alert's own death (no loop),
    none to the channel that just failed."""
    if delivery.event in OPERATOR_EVENTS or delivery.event == EventType.TEST:
        return []
    data = {
        "delivery_id": delivery.id,
        "channel": delivery.channel,
        "event": delivery.event,
        "key": delivery.key,
        "site": delivery.site,
        "category": delivery.category,
        "title": delivery.data.get("title"),
        "url": delivery.data.get("url"),
        "attempts": delivery.attempts + 1,
        "error": error,
    }
    return _notices(
        delivery.key,
        delivery.channel,
        data,
        operators,
        now,
        site=delivery.site,
        category=delivery.category,
        article_key=delivery.article_key,
    )


def dead_digest_alerts(
    channel: str, rows: Sequence[Delivery], error: str, operators: Sequence[str], now: datetime
) -> list[DeliveryIntent]:
    """One notice per operator channel for a dead digest, not one per article in it."""
    if not rows:
        return []
    ids = sorted(d.id for d in rows)
    key = delivery_key("digest", channel, *(str(i) for i in ids))
    data = {
        "delivery_id": ids[0],
        "delivery_ids": ids,
        "channel": channel,
        "event": "digest",
        "key": key,
        "site": None,
        "category": None,
        "title": digest_subject(rows),
        "url": None,
        "attempts": max(d.attempts for d in rows) + 1,
        "error": error,
    }
    return _notices(key, channel, data, operators, now)


def _notices(
    dead_key: str,
    failed_channel: str,
    data: dict[str, Any],
    operators: Sequence[str],
    now: datetime,
    *,
    site: str | None = None,
    category: str | None = None,
    article_key: str | None = None,
) -> list[DeliveryIntent]:
    return [
        DeliveryIntent(
            key=delivery_key("dead", dead_key, channel),
            channel=channel,
            event=EventType.DEAD,
            state=DeliveryState.PENDING,
            site=site,
            category=category,
            article_key=article_key,
            data=data,
            created=now,
        )
        for channel in operators
        if channel != failed_channel
    ]
