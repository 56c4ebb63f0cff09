"""The outbox dispatcher: claim due deliveries with a lease, send, record each outcome.

Nothing is sent that the store did not first record as pending, and nothing is marked
delivered before the receiver said so: a crash between the two sends again (with the
same webhook-id / Message-ID) rather than losing a notification.

Rate limits are counted in the store, not here, so several dispatchers (one per worker)
on one database stay within a bot's limit together.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from syndicator.models import (
    Channel,
    Delivery,
    DeliveryIntent,
    DeliveryState,
    EventType,
    Subscription,
)
from syndicator.notify import backoff, digest, ratelimit
from syndicator.notify.alerts import dead_alerts, dead_digest_alerts
from syndicator.notify.channels import DigestSender, Sender, sender_for
from syndicator.notify.result import SendResult
from syndicator.owners import owner_id

log = logging.getLogger("syndicator.notify")

BATCH = 25
# Channels sent to side by side; more channels than this share the lanes in turn.
MAX_LANES = 8
LEASE_MARGIN = 60.0


class OutboxLike(Protocol):
    def claim(
        self,
        owner: str,
        now: datetime,
        *,
        lease: float = ...,
        limit: int = ...,
        state: str = ...,
        channel: str | None = ...,
        due_only: bool = ...,
        other_than: Sequence[str] = ...,
    ) -> list[Delivery]: ...
    def claim_one(
        self, delivery_id: int, owner: str, now: datetime, *, lease: float = ...
    ) -> Delivery | None: ...
    def extend(self, ids: Sequence[int], owner: str, until: datetime) -> None: ...
    def delivered(self, delivery_id: int, owner: str, now: datetime) -> bool: ...
    def failed(self, delivery_id: int, owner: str, error: str, next_attempt: datetime) -> bool: ...
    def dead(
        self,
        delivery_id: int,
        owner: str,
        error: str,
        *,
        attempted: bool = ...,
        alerts: Sequence[DeliveryIntent] = ...,
    ) -> bool: ...
    def defer(self, delivery_id: int, owner: str, next_attempt: datetime) -> bool: ...
    def digest_done(self, ids: Sequence[int], owner: str, now: datetime) -> None: ...
    def digest_failed(
        self,
        retry: Sequence[int],
        dead: Sequence[int],
        owner: str,
        error: str,
        retry_at: datetime | None,
        *,
        alerts: Sequence[DeliveryIntent] = ...,
    ) -> None: ...
    def digest_retry_at(self, channel: str, now: datetime) -> datetime | None: ...
    def take_send_slot(
        self,
        channel: str,
        now: datetime,
        admit: Callable[[Sequence[datetime], datetime], tuple[float, tuple[datetime, ...]]],
    ) -> float: ...
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


def _ignore(channel: str, outcome: str) -> None:
    pass


class Dispatcher:
    def __init__(
        self,
        outbox: OutboxLike,
        channels: Sequence[Channel],
        subscriptions: Sequence[Subscription],
        *,
        clock: Callable[[], datetime],
        owner: str | None = None,
        rng: random.Random | None = None,
        senders: dict[str, Sender] | None = None,
        observe: Callable[[str, str], None] | None = None,
    ) -> None:
        """``observe(channel, outcome)`` hears every attempt's outcome (delivered,
        failed, dead, deferred): the composition root passes the metrics counter, which
        this room may not import."""
        self.outbox = outbox
        self.observe = observe or _ignore
        self.channels = {c.id: c for c in channels}
        self.operators = list(dict.fromkeys(s.channel for s in subscriptions if s.operator))
        self.clock = clock
        self.owner = owner or owner_id()
        self.rng = rng or random.Random()
        self._senders: dict[str, Sender] = dict(senders or {})

    def close(self) -> None:
        for sender in self._senders.values():
            sender.close()

    def sender(self, channel: Channel) -> Sender:
        if channel.id not in self._senders:
            self._senders[channel.id] = sender_for(channel)
        return self._senders[channel.id]

    def _lease(self) -> float:
        """Long enough for one send: a batch's rows are extended before each of them is
        sent, so a worker that dies frees what it had not sent within this time."""
        longest = max((c.timeout for c in self.channels.values()), default=15.0)
        return longest * 2 + LEASE_MARGIN

    # ------------------------------------------------------------ sending

    def send(self, channel: Channel, delivery: Delivery, now: datetime) -> SendResult:
        """One attempt through one channel; never raises for a receiver's failure."""
        return self.sender(channel).send(delivery, now)

    def deliver_due(self, limit: int = 1000) -> DeliveryReport:
        """Send every due pending delivery, up to ``limit`` per channel, in leased
        batches, then every failed digest whose retry has come.

        Each channel has a lane of its own, side by side: a receiver that answers
        slowly (up to its timeout, each time) holds back only its own rows, never the
        mail or the chat messages queued beside them."""
        lanes = list(self.channels.values())
        for channel in lanes:
            self.sender(channel)  # built here: the lanes only read the cache
        if len(lanes) > 1:
            with ThreadPoolExecutor(
                max_workers=min(len(lanes), MAX_LANES), thread_name_prefix="deliveries"
            ) as pool:
                reports = list(pool.map(lambda c: self._lane(c.id, limit), lanes))
        else:
            reports = [self._lane(c.id, limit) for c in lanes]
        # Rows of channels no longer in the config: each goes dead, with its reason.
        reports.append(self._lane(None, limit, other_than=[c.id for c in lanes]))
        report = DeliveryReport()
        for lane in reports:
            report.claimed += lane.claimed
            report.delivered += lane.delivered
            report.failed += lane.failed
            report.dead += lane.dead
            report.deferred += lane.deferred
            report.errors += lane.errors
        self._digests(self.clock(), None, scheduled=False, report=report)
        return report

    def _lane(
        self, channel: str | None, limit: int, other_than: Sequence[str] = ()
    ) -> DeliveryReport:
        report = DeliveryReport()
        held: dict[str, datetime] = {}
        while report.claimed < limit:
            now = self.clock()
            batch = self.outbox.claim(
                self.owner,
                now,
                lease=self._lease(),
                limit=min(BATCH, limit - report.claimed),
                channel=channel,
                other_than=other_than,
            )
            if not batch:
                break
            report.claimed += len(batch)
            disabled = self.outbox.disabled_channels()
            for index, delivery in enumerate(batch):
                if index:
                    until = self.clock() + timedelta(seconds=self._lease())
                    self.outbox.extend([d.id for d in batch[index:]], self.owner, until)
                self._deliver(delivery, disabled, held, report)
        return report

    def deliver_one(self, delivery_id: int) -> DeliveryReport | None:
        """Send one delivery now, whatever its state (an operator's retry), and nothing
        else: other due rows stay for the worker. ``None`` when the row is missing or
        another worker holds its lease (is sending it now)."""
        delivery = self.outbox.claim_one(delivery_id, self.owner, self.clock(), lease=self._lease())
        if delivery is None:
            return None
        report = DeliveryReport(claimed=1)
        self._deliver(delivery, self.outbox.disabled_channels(), {}, report)
        return report

    def _deliver(
        self,
        delivery: Delivery,
        disabled: dict[str, str],
        held: dict[str, datetime],
        report: DeliveryReport,
    ) -> None:
        """``held``: channels the rate limit holds back, until when, in this pass; only
        time frees a slot, so later rows of the channel need not ask the store again."""
        now = self.clock()
        channel = self.channels.get(delivery.channel)
        if channel is None or delivery.channel in disabled:
            why = (
                "channel no longer configured"
                if channel is None
                else f"channel disabled: {disabled[delivery.channel]}"
            )
            self.outbox.dead(delivery.id, self.owner, why, attempted=False)
            report.dead += 1
            self.observe(delivery.channel, "dead")
            return
        if channel.rate_limited:
            until = held.get(channel.id)
            if until is None or until <= now:
                wait = self.outbox.take_send_slot(channel.id, now, ratelimit.admit)
                until = now + timedelta(seconds=wait)
            if until > now:
                held[channel.id] = until
                self.outbox.defer(delivery.id, self.owner, until)
                report.deferred += 1
                self.observe(channel.id, "deferred")
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
            self.observe(delivery.channel, "delivered")
            log.info(
                "delivery %s %s via %s: delivered", delivery.id, delivery.event, delivery.channel
            )
            return
        error = result.error or "failed"
        report.errors.append(f"{delivery.channel}: {error}")
        if result.disable:
            self.outbox.disable_channel(delivery.channel, now, f"{error} at {now.isoformat()}")
        delay = (
            None
            if result.permanent
            else backoff.next_delay(
                delivery.attempts + 1, retry_after=result.retry_after, rng=self.rng
            )
        )
        if delay is None:
            alerts = dead_alerts(delivery, error, self.operators, now)
            self.outbox.dead(delivery.id, self.owner, error, alerts=alerts)
            report.dead += 1
            self.observe(delivery.channel, "dead")
            log.warning("delivery %s via %s is dead: %s", delivery.id, delivery.channel, error)
            return
        self.outbox.failed(delivery.id, self.owner, error, now + timedelta(seconds=delay))
        report.failed += 1
        self.observe(delivery.channel, "failed")
        log.info(
            "delivery %s via %s failed (%s); next try in %.0fs",
            delivery.id,
            delivery.channel,
            error,
            delay,
        )

    # ------------------------------------------------------------ digests and tests

    def send_digests(self, now: datetime, channel_id: str | None = None) -> dict[str, int]:
        """The cron run: one digest message per digest channel (or only ``channel_id``),
        unless its failed digest waits for a later retry. Returns how many articles each
        channel's delivered digest listed."""
        return self._digests(now, channel_id, scheduled=True, report=DeliveryReport())

    def _digests(
        self, now: datetime, channel_id: str | None, *, scheduled: bool, report: DeliveryReport
    ) -> dict[str, int]:
        sent: dict[str, int] = {}
        for channel in self.channels.values():
            if not channel.digest:
                continue
            if channel_id is not None and channel.id != channel_id:
                continue
            if not digest.due(
                self.outbox.digest_retry_at(channel.id, now), now, scheduled=scheduled
            ):
                continue
            listed = self._send_digest(channel, now, report)
            if listed:
                sent[channel.id] = listed
        return sent

    def _send_digest(self, channel: Channel, now: datetime, report: DeliveryReport) -> int:
        rows = self.outbox.claim(
            self.owner,
            now,
            lease=self._lease(),
            limit=digest.MAX_ITEMS,
            state=DeliveryState.DIGEST,
            channel=channel.id,
            due_only=False,
        )
        if not rows:
            return 0
        rows.sort(key=lambda d: (d.created, d.id))
        report.claimed += len(rows)
        sender = self.sender(channel)
        try:
            if not isinstance(sender, DigestSender):
                raise TypeError(f"{channel.kind} channels cannot send digests")
            result = sender.send_digest(rows, now)
        except Exception as exc:  # like a refusal: retried, and dead in bounded time
            log.exception("digest through %s raised", channel.id)
            result = SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
        ids = [d.id for d in rows]
        if result.ok:
            self.outbox.digest_done(ids, self.owner, now)
            report.delivered += len(rows)
            self.observe(channel.id, "delivered")  # one message, however many articles
            log.info("digest via %s: %d articles", channel.id, len(rows))
            return len(rows)
        error = f"digest: {result.error or 'failed'}"
        report.errors.append(f"{channel.id}: {error}")
        failure = digest.after_failure(rows, result, now, self.rng)
        alerts = dead_digest_alerts(
            channel.id, [d for d in rows if d.id in failure.dead], error, self.operators, now
        )
        self.outbox.digest_failed(
            failure.retry, failure.dead, self.owner, error, failure.retry_at, alerts=alerts
        )
        report.failed += len(failure.retry)
        report.dead += len(failure.dead)
        self.observe(channel.id, "dead" if failure.dead else "failed")
        if failure.dead:
            log.warning(
                "digest via %s is dead (%d articles): %s", channel.id, len(failure.dead), error
            )
        else:
            log.warning(
                "digest via %s failed (%s); next try at %s", channel.id, error, failure.retry_at
            )
        return 0

    def test(self, channel_id: str) -> SendResult:
        """Send a test message now, outside the outbox. A success re-enables a channel
        that a 410 had disabled: the operator has just shown it works again."""
        channel = self.channels[channel_id]
        now = self.clock()
        delivery = Delivery(
            id=0,
            key=f"msg_test_{uuid.uuid4().hex[:24]}",
            channel=channel_id,
            event=EventType.TEST,
            state=DeliveryState.PENDING,
            site=None,
            category=None,
            article_key=None,
            data={"channel": channel_id, "message": "syndicator test"},
            created=now,
        )
        result = self.send(channel, delivery, now)
        if result.ok and channel_id in self.outbox.disabled_channels():
            self.outbox.enable_channel(channel_id)
        return result
