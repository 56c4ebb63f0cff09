"""A bot's rate limit is one limit for every worker on the database: the rule is pure,
the counting is in the store, and two dispatchers together stay within it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from syndicator.demo.webhook_sink import WebhookSink
from syndicator.models import AppriseChannel
from syndicator.notify import Dispatcher, ratelimit
from syndicator.store import Store
from tests.notify.conftest import load_cases
from tests.support.clock import Clock
from tests.support.outbox import enqueue, intent

NOW = datetime(2023, 3, 20, 1, 30, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


@pytest.mark.parametrize("case", load_cases("ratelimit.json"), ids=lambda c: c["name"])
def test_admit(case: dict[str, Any]) -> None:
    limit = case.get("limit", ratelimit.LIMIT)
    wait, kept = ratelimit.admit([at(s) for s in case["sent"]], NOW, limit=limit)
    assert wait == case["wait"]
    assert list(kept) == [at(s) for s in case["kept"]]


def test_slots_are_shared_and_never_oversold(store: Store, clock: Clock) -> None:
    granted: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            if store.outbox.take_send_slot("ding", clock(), ratelimit.admit) == 0:
                with lock:
                    granted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert len(granted) == ratelimit.LIMIT
    wait = store.outbox.take_send_slot("ding", clock(), ratelimit.admit)
    assert wait == ratelimit.WINDOW
    assert store.outbox.take_send_slot("other", clock(), ratelimit.admit) == 0
    clock.advance(seconds=ratelimit.WINDOW)
    assert store.outbox.take_send_slot("ding", clock(), ratelimit.admit) == 0


def test_a_second_worker_does_not_get_a_limit_of_its_own(store: Store, clock: Clock) -> None:
    with WebhookSink() as sink:
        channel = AppriseChannel(id="ding", url=sink.url.replace("http://", "json://"))
        first = Dispatcher(store.outbox, [channel], [], clock=clock, owner="first")
        second = Dispatcher(store.outbox, [channel], [], clock=clock, owner="second")
        enqueue(store, [intent(n, "ding", clock()) for n in range(20)])
        assert first.deliver_due().delivered == 20
        clock.advance(seconds=10)
        enqueue(store, [intent(n, "ding", clock()) for n in range(20, 30)])
        report = second.deliver_due()
        assert (report.delivered, report.deferred) == (0, 10)
        assert {r.next_attempt for r in store.outbox.list(state="pending")} == {
            clock() + timedelta(seconds=50)
        }
        clock.advance(seconds=50)
        assert second.deliver_due().delivered == 10
        assert len(sink.received) == 30


def test_two_workers_at_once_send_no_more_than_the_limit(store: Store, clock: Clock) -> None:
    with WebhookSink() as sink:
        channel = AppriseChannel(id="ding", url=sink.url.replace("http://", "json://"))
        enqueue(store, [intent(n, "ding", clock()) for n in range(60)])
        dispatchers = [
            Dispatcher(store.outbox, [channel], [], clock=clock, owner=f"w{i}") for i in range(2)
        ]
        reports = []
        start = threading.Barrier(len(dispatchers))

        def run(dispatcher: Dispatcher) -> None:
            start.wait()
            reports.append(dispatcher.deliver_due())

        threads = [threading.Thread(target=run, args=(d,)) for d in dispatchers]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        assert sum(r.claimed for r in reports) == 60
        assert sum(r.delivered for r in reports) == ratelimit.LIMIT
        assert sum(r.deferred for r in reports) == 60 - ratelimit.LIMIT
        assert len(sink.received) == ratelimit.LIMIT
        # A minute later the two together send the next twenty, and no more.
        clock.advance(seconds=ratelimit.WINDOW)
        again = [d.deliver_due() for d in dispatchers]
        assert sum(r.delivered for r in again) == ratelimit.LIMIT
        assert len(sink.received) == 2 * ratelimit.LIMIT
