"""Apprise channels against a local receiver (apprise's json:// target)."""

from __future__ import annotations

from syndicator.demo.webhook_sink import WebhookSink
from syndicator.models import AppriseChannel
from syndicator.notify import Dispatcher
from syndicator.store import Store
from tests.support.clock import Clock
from tests.support.outbox import enqueue, intent


def test_each_result_is_recorded_and_the_rate_limit_queues(
    sqlite_store: Store, clock: Clock
) -> None:
    with WebhookSink() as sink:
        url = sink.url.replace("http://", "json://")
        channel = AppriseChannel(id="ding", url=url)
        enqueue(sqlite_store, [intent(n, "ding", clock()) for n in range(25)])
        dispatcher = Dispatcher(sqlite_store.outbox, [channel], [], clock=clock)
        report = dispatcher.deliver_due()
        assert (report.delivered, report.deferred) == (20, 5)  # 20 a minute per bot
        assert len(sink.received) == 20
        body = sink.received[0].json()
        assert body["title"].startswith("[科技要闻] ")
        assert "http://portal.test/Article/" in body["message"]
        assert dispatcher.deliver_due().claimed == 0  # nothing dropped, nothing due yet
        clock.advance(seconds=59)
        assert dispatcher.deliver_due().claimed == 0  # 20 sent in the last minute
        clock.advance(seconds=1)
        assert dispatcher.deliver_due().delivered == 5
        assert sqlite_store.outbox.counts()["delivered"] == 25
        rows = sqlite_store.outbox.list(limit=None)
        assert {r.attempts for r in rows} == {1}  # a deferral is not an attempt

        sink.answer([500])
        enqueue(sqlite_store, [intent(99, "ding", clock())])
        clock.advance(seconds=60)
        assert dispatcher.deliver_due().failed == 1
        [row] = sqlite_store.outbox.list(state="pending")
        assert row.attempts == 1 and row.last_error
