"""Digests that keep failing: the back-off and the dead rule of a single delivery, on a
real SMTP port (closed, then served) and both databases."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from syndicator.demo.smtp_sink import SmtpSink
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.models import Delivery, DeliveryState, EventType, Subscription
from syndicator.notify import Dispatcher, SendResult, backoff, digest
from syndicator.store import Store
from tests.notify.conftest import load_cases
from tests.support.clock import Clock
from tests.support.outbox import SECRET, article_data, enqueue, intent, mailbox, webhook

NOW = datetime(2023, 3, 20, 1, 30, tzinfo=UTC)


def row(n: int, attempts: int) -> Delivery:
    return Delivery(
        id=n,
        key=f"k{n}",
        channel="editors",
        event=EventType.PUBLISHED,
        state=DeliveryState.DIGEST,
        site="zgkjcx",
        category="kjyw",
        article_key=str(n),
        data=article_data(n),
        created=NOW,
        attempts=attempts,
    )


@pytest.mark.parametrize("case", load_cases("digest_failure.json"), ids=lambda c: c["name"])
def test_after_failure(case: dict[str, Any]) -> None:
    rows = [row(i, a) for i, a in enumerate(case["attempts"])]
    result = SendResult(
        ok=False,
        error="SMTP 451",
        permanent=case.get("permanent", False),
        retry_after=case.get("retry_after"),
    )
    got = digest.after_failure(rows, result, NOW, random.Random(3))
    assert (list(got.retry), list(got.dead)) == (case["retry"], case["dead"])
    if case["delay"] is None:
        assert got.retry_at is None
        return
    assert got.retry_at is not None
    delay = (got.retry_at - NOW).total_seconds()
    if case.get("exact"):
        assert delay == case["delay"]
    else:
        assert case["delay"] * (1 - backoff.JITTER) <= delay <= case["delay"] * (1 + backoff.JITTER)


@pytest.mark.parametrize(
    ("retry_in", "scheduled", "expect"),
    [
        (None, True, True),  # the cron fired, nothing failed before
        (None, False, False),  # a pump beat with no failed digest
        (-1, False, True),  # a failed digest's retry has come
        (-1, True, True),
        (60, True, False),  # the cron fired while a failed digest waits: the retry sends
        (60, False, False),
    ],
)
def test_when_a_digest_goes(retry_in: float | None, scheduled: bool, expect: bool) -> None:
    retry_at = None if retry_in is None else NOW + timedelta(seconds=retry_in)
    assert digest.due(retry_at, NOW, scheduled=scheduled) is expect


@pytest.fixture
def ops() -> Iterator[WebhookSink]:
    with WebhookSink(SECRET) as sink:
        yield sink


def closed_port() -> int:
    with SmtpSink() as probe:
        return probe.port


def digest_rows(store: Store) -> list[Delivery]:
    return sorted(
        (d for d in store.outbox.list(limit=None) if d.channel == "editors"), key=lambda d: d.id
    )


def test_a_failing_digest_backs_off_then_dies_and_operators_hear_once(
    store: Store, ops: WebhookSink, clock: Clock
) -> None:
    channels = [mailbox(closed_port(), digest="0 8 * * *"), webhook(ops.url, "ops")]
    dispatcher = Dispatcher(
        store.outbox,
        channels,
        [Subscription("ops", operator=True)],
        clock=clock,
        rng=random.Random(1),
    )
    enqueue(store, [intent(n, "editors", clock(), state=DeliveryState.DIGEST) for n in range(1, 4)])
    start = clock()
    assert dispatcher.send_digests(clock()) == {}  # the cron run: refused
    rows = digest_rows(store)
    assert {(d.state, d.attempts) for d in rows} == {("digest", 1)}
    assert all(d.last_error and d.last_error.startswith("digest: ") for d in rows)
    [retry_at] = {d.next_attempt for d in rows}
    assert retry_at is not None and 4.5 <= (retry_at - clock()).total_seconds() <= 5.5

    # Neither the cron nor the pump sends before the back-off says so.
    assert dispatcher.send_digests(clock()) == {}
    assert dispatcher.deliver_due().claimed == 0
    assert {d.attempts for d in digest_rows(store)} == {1}

    waits = []
    for attempt in range(2, 11):
        retry_at = digest_rows(store)[0].next_attempt
        assert retry_at is not None
        waits.append((retry_at - clock()).total_seconds())
        clock.now = retry_at
        report = dispatcher.deliver_due()
        if attempt < 10:
            assert (report.claimed, report.failed, report.dead) == (3, 3, 0)
            assert {(d.state, d.attempts) for d in digest_rows(store)} == {("digest", attempt)}
    for got, want in zip(waits, backoff.SCHEDULE, strict=True):
        assert want * 0.9 <= got <= want * 1.1
    assert (report.failed, report.dead) == (0, 3)
    assert 0.9 * backoff.total_span() <= (clock() - start).total_seconds()

    rows = digest_rows(store)
    assert {(d.state, d.attempts) for d in rows} == {("dead", 10)}
    assert [d.id for d in store.outbox.list(state="dead")] == [d.id for d in reversed(rows)]
    assert store.outbox.dead_count() == 3  # what /healthz reports
    [alert] = store.outbox.list(state="pending")
    assert (alert.channel, alert.event) == ("ops", EventType.DEAD)
    assert alert.data["delivery_ids"] == [d.id for d in rows]
    assert alert.data["event"] == "digest" and "3 篇新文章" in alert.data["title"]
    assert dispatcher.deliver_due().delivered == 1
    [got] = ops.received
    assert got.verified and got.json()["type"] == EventType.DEAD
    clock.advance(days=1)
    assert dispatcher.send_digests(clock()) == {}  # dead rows are not digested again
    assert dispatcher.deliver_due().claimed == 0
    assert len(ops.received) == 1


def test_a_retried_digest_sends_what_arrived_meanwhile_in_one_mail(
    store: Store, clock: Clock
) -> None:
    port = closed_port()
    dispatcher = Dispatcher(store.outbox, [mailbox(port, digest="0 8 * * *")], [], clock=clock)
    enqueue(store, [intent(n, "editors", clock(), state=DeliveryState.DIGEST) for n in range(1, 3)])
    assert dispatcher.send_digests(clock()) == {}
    clock.advance(seconds=2)
    enqueue(store, [intent(3, "editors", clock(), state=DeliveryState.DIGEST)])
    with SmtpSink(port=port) as smtp:
        assert dispatcher.deliver_due().claimed == 0  # the retry is not due yet
        clock.advance(seconds=4)
        report = dispatcher.deliver_due()
        assert (report.claimed, report.delivered) == (3, 3)
        [mail] = smtp.mails
    assert "3 篇新文章" in str(mail.message["Subject"])
    assert {(d.article_key, d.state, d.attempts) for d in digest_rows(store)} == {
        ("1", "delivered", 2),
        ("2", "delivered", 2),
        ("3", "delivered", 1),
    }
    assert store.outbox.dead_count() == 0
