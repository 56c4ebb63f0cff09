"""The outbox dispatcher: claim due deliveries with a lease, send, record each outcome.

Nothing is sent that the store did not first record as pending, and nothing is marked
delivered before the receiver said so: a crash between the two sends again (with the
same webhook-id / Message-ID) rather than losing a notification.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from syndicator.models import (
    ChannelSpec,
    Delivery,
    DeliveryIntent,
    DeliveryState,
    EventType,
    Subscription,
    delivery_key,
)
from syndicator.notify import backoff, render
from syndicator.notify.digest import send_digests
from syndicator.notify.email import EmailSender, build_one
from syndicator.notify.ratelimit import TokenBucket
from syndicator.notify.result import SendResult
from syndicator.notify.webhook import WebhookSender

log = logging.getLogger("syndicator.notify")

BATCH = 25
LEASE_MARGIN = 60.0


class OutboxLike(Protocol):
    def claim(self, owner: str, now: datetime, *, lease: float = ..., limit: int = ...,
              state: str = ..., channel: str | None = ...,
              due_only: bool = ...) -> list[Delivery]: ...
    def delivered(self, delivery_id: int, owner: str, now: datetime) -> bool: ...
    def failed(self, delivery_id: int, owner: str, error: str,
               next_attempt: datetime) -> bool: ...
    def dead(self, delivery_id: int, owner: str, error: str, *, attempted: bool = ...,
             alerts: Sequence[DeliveryIntent] = ...) -> bool: ...
    def defer(self, delivery_id: int, owner: str, next_attempt: datetime) -> bool: ...
    def digest_done(self, ids: Sequence[int], owner: str, now: datetime,
                    error: str | None) -> None: ...
    def disable_channel(self, channel: str, now: datetime, reason: str) -> None: ...
    def enable_channel(self, channel: str) -> None: ...
    def disabled_channels(self) -> dict[str, str]: ...


@dataclass
class DeliveryReport:
    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


def worker_id() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_alerts(delivery: Delivery, error: str, operators: Sequence[str],
                now: datetime) -> list[DeliveryIntent]:
    """Operator notices of a delivery's death; none for an alert's own death (no loop),
    none to the channel that just failed."""
    if delivery.event in EventType.OPERATOR or delivery.event == EventType.TEST:
        return []
    data = {"delivery_id": delivery.id, "channel": delivery.channel,
            "event": delivery.event, "key": delivery.key, "site": delivery.site,
            "category": delivery.category, "title": delivery.data.get("title"),
            "url": delivery.data.get("url"), "attempts": delivery.attempts + 1,
            "error": error}
    return [DeliveryIntent(key=_alert_key(delivery.key, channel), channel=channel,
                   event=EventType.DEAD, state=DeliveryState.PENDING, site=delivery.site,
                   category=delivery.category, article_key=delivery.article_key,
                   data=data, created=now)
            for channel in operators if channel != delivery.channel]


def _alert_key(key: str, channel: str) -> str:
    return delivery_key("dead", key, channel)


class Dispatcher:
    def __init__(self, outbox: OutboxLike, channels: Sequence[ChannelSpec],
                 subscriptions: Sequence[Subscription], *, clock: Callable[[], datetime],
                 owner: str | None = None, rng: random.Random | None = None,
                 senders: dict[str, Any] | None = None) -> None:
        self.outbox = outbox
        self.channels = {c.id: c for c in channels}
        self.operators = list(dict.fromkeys(s.channel for s in subscriptions if s.operator))
        self.clock = clock
        self.owner = owner or worker_id()
        self.rng = rng or random.Random()
        self._senders: dict[str, Any] = dict(senders or {})
        self._buckets: dict[str, TokenBucket] = {}

    def close(self) -> None:
        for sender in self._senders.values():
            if isinstance(sender, WebhookSender):
                sender.close()

    def sender(self, channel: ChannelSpec) -> Any:
        if channel.id not in self._senders:
            if channel.kind == "webhook":
                self._senders[channel.id] = WebhookSender(channel)
            elif channel.kind == "email":
                self._senders[channel.id] = EmailSender(channel)
            else:
                from syndicator.notify.apprise import AppriseSender

                self._senders[channel.id] = AppriseSender(channel)
        return self._senders[channel.id]

    def _lease(self) -> float:
        longest = max((c.timeout for c in self.channels.values()), default=15.0)
        return BATCH * longest * 2 + LEASE_MARGIN

    # ------------------------------------------------------------ sending

    def send(self, channel: ChannelSpec, delivery: Delivery, now: datetime) -> SendResult:
        """One attempt through one channel; never raises for a receiver's failure."""
        sender = self.sender(channel)
        if channel.kind == "webhook":
            result: SendResult = sender.send(delivery.key, render.webhook_body(delivery), now)
        elif channel.kind == "email":
            result = sender.send(build_one(channel, delivery, now))
        else:
            text, _html = render.bodies(delivery)
            result = sender.send(render.subject(delivery), text)
        return result

    def deliver_due(self, limit: int = 1000) -> DeliveryReport:
        """Send every due pending delivery, up to ``limit``, in leased batches."""
        report = DeliveryReport()
        while report.claimed < limit:
            now = self.clock()
            batch = self.outbox.claim(self.owner, now, lease=self._lease(),
                                      limit=min(BATCH, limit - report.claimed))
            if not batch:
                break
            report.claimed += len(batch)
            disabled = self.outbox.disabled_channels()
            for delivery in batch:
                self._deliver(delivery, disabled, report)
        return report

    def _deliver(self, delivery: Delivery, disabled: dict[str, str],
                 report: DeliveryReport) -> None:
        now = self.clock()
        channel = self.channels.get(delivery.channel)
        if channel is None or delivery.channel in disabled:
            why = ("channel no longer configured" if channel is None
                   else f"channel disabled: {disabled[delivery.channel]}")
            self.outbox.dead(delivery.id, self.owner, why, attempted=False)
            report.dead += 1
            return
        if channel.kind == "apprise":
            wait = self._buckets.setdefault(channel.id, TokenBucket()).take(now)
            if wait > 0:
                self.outbox.defer(delivery.id, self.owner, now + timedelta(seconds=wait))
                report.deferred += 1
                return
        try:
            result = self.send(channel, delivery, now)
        except Exception as exc:  # a bug in one sender must not stall the outbox
            log.exception("delivery %s through %s raised", delivery.id, channel.id)
            result = SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
        self.record(delivery, result, report)
        if result.disable:
            disabled[delivery.channel] = result.error or "disabled"

    def record(self, delivery: Delivery, result: SendResult, report: DeliveryReport) -> None:
        now = self.clock()
        if result.ok:
            self.outbox.delivered(delivery.id, self.owner, now)
            report.delivered += 1
            log.info("delivery %s %s via %s: delivered", delivery.id, delivery.event,
                     delivery.channel)
            return
        error = result.error or "failed"
        report.errors.append(f"{delivery.channel}: {error}")
        if result.disable:
            self.outbox.disable_channel(delivery.channel, now, f"{error} at {now.isoformat()}")
        delay = None if result.permanent else backoff.next_delay(
            delivery.attempts + 1, retry_after=result.retry_after, rng=self.rng)
        if delay is None:
            alerts = dead_alerts(delivery, error, self.operators, now)
            self.outbox.dead(delivery.id, self.owner, error, alerts=alerts)
            report.dead += 1
            log.warning("delivery %s via %s is dead: %s", delivery.id, delivery.channel, error)
            return
        self.outbox.failed(delivery.id, self.owner, error, now + timedelta(seconds=delay))
        report.failed += 1
        log.info("delivery %s via %s failed (%s); next try in %.0fs", delivery.id,
                 delivery.channel, error, delay)

    # ------------------------------------------------------------ digests and tests

    def send_digests(self, now: datetime, channel_id: str | None = None) -> dict[str, int]:
        """One digest message per digest channel (or only ``channel_id``)."""
        return send_digests(self.outbox, self.channels.values(), self.sender, self.owner,
                            now, lease=self._lease(), channel_id=channel_id)

    def test(self, channel_id: str) -> SendResult:
        """Send a test message now, outside the outbox. A success re-enables a channel
        that a 410 had disabled: the operator has just shown it works again."""
        channel = self.channels[channel_id]
        now = self.clock()
        delivery = Delivery(
            id=0, key=f"msg_test_{uuid.uuid4().hex[:24]}", channel=channel_id,
            event=EventType.TEST, state=DeliveryState.PENDING, site=None, category=None,
            article_key=None, data={"channel": channel_id, "message": "syndicator test"},
            created=now)
        result = self.send(channel, delivery, now)
        if result.ok and channel_id in self.outbox.disabled_channels():
            self.outbox.enable_channel(channel_id)
        return result
