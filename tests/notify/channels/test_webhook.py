"""Webhooks through the outbox to a real receiver that verifies with `standardwebhooks`."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from syndicator.addresses import refusal
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.models import DeliveryState, EventType, Subscription
from syndicator.notify import Dispatcher
from syndicator.notify.channels.webhook import WebhookSender
from syndicator.store import Store
from tests.support.clock import Clock
from tests.support.outbox import SECRET, enqueue, intent, webhook


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    with WebhookSink(SECRET) as s:
        yield s


def test_body_and_signature_follow_standard_webhooks(
    sqlite_store: Store, sink: WebhookSink, clock: Clock
) -> None:
    enqueue(sqlite_store, [intent(1, "hook", clock())])
    report = Dispatcher(sqlite_store.outbox, [webhook(sink.url)], [], clock=clock).deliver_due()
    assert report.delivered == 1
    [got] = sink.received
    assert got.verified, got.error
    body = got.json()
    assert body["type"] == "article.published"
    assert body["timestamp"] == "2023-03-20T01:30:00Z"
    assert set(body["data"]) == {
        "id",
        "site",
        "category",
        "category_name",
        "url",
        "title",
        "published",
        "source",
        "author",
        "editor",
        "summary",
        "images",
        "feed_url",
    }
    assert body["data"]["category_name"] == "科技要闻"
    assert got.webhook_id.startswith("msg_")
    [row] = sqlite_store.outbox.list()
    assert (row.state, row.attempts, row.delivered_at) == ("delivered", 1, clock())


def test_failure_retries_later_with_the_same_webhook_id(
    store: Store, sink: WebhookSink, clock: Clock
) -> None:
    sink.answer([500])
    enqueue(store, [intent(1, "hook", clock())])
    dispatcher = Dispatcher(store.outbox, [webhook(sink.url)], [], clock=clock)
    assert dispatcher.deliver_due().failed == 1
    [row] = store.outbox.list()
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "HTTP 500")
    assert row.next_attempt is not None
    assert 4 <= (row.next_attempt - clock()).total_seconds() <= 6
    assert dispatcher.deliver_due().claimed == 0  # not yet due
    clock.advance(seconds=6)
    assert dispatcher.deliver_due().delivered == 1
    assert [r.status for r in sink.received] == [500, 200]
    assert len({r.webhook_id for r in sink.received}) == 1
    assert store.outbox.list()[0].state == "delivered"


def test_every_outcome_is_reported_to_the_observer(
    store: Store, sink: WebhookSink, clock: Clock
) -> None:
    heard: list[tuple[str, str]] = []
    sink.answer([500, 200, 410])
    enqueue(store, [intent(1, "hook", clock())])
    dispatcher = Dispatcher(
        store.outbox,
        [webhook(sink.url)],
        [],
        clock=clock,
        observe=lambda channel, outcome: heard.append((channel, outcome)),
    )
    dispatcher.deliver_due()
    clock.advance(seconds=6)
    dispatcher.deliver_due()
    enqueue(store, [intent(2, "hook", clock()), intent(3, "hook", clock())])
    dispatcher.deliver_due()
    assert heard == [("hook", "failed"), ("hook", "delivered"), ("hook", "dead"), ("hook", "dead")]


def test_410_disables_the_channel_and_kills_its_rows(
    store: Store, sink: WebhookSink, clock: Clock
) -> None:
    sink.answer([410])
    enqueue(store, [intent(1, "hook", clock()), intent(2, "hook", clock())])
    report = Dispatcher(store.outbox, [webhook(sink.url)], [], clock=clock).deliver_due()
    assert (report.dead, len(sink.received)) == (2, 1)
    assert "hook" in store.outbox.disabled_channels()
    rows = {r.article_key: r for r in store.outbox.list()}
    assert rows["1"].last_error and "410" in rows["1"].last_error
    assert rows["2"].last_error and rows["2"].last_error.startswith("channel disabled")
    assert store.outbox.dead_count() == 2
    # A later process knows too: the state is in the database.
    enqueue(store, [intent(3, "hook", clock())])
    Dispatcher(store.outbox, [webhook(sink.url)], [], clock=clock).deliver_due()
    assert len(sink.received) == 1
    # A successful test message re-enables it.
    assert Dispatcher(store.outbox, [webhook(sink.url)], [], clock=clock).test("hook").ok
    assert store.outbox.disabled_channels() == {}


def test_429_retry_after_is_honoured(sqlite_store: Store, sink: WebhookSink, clock: Clock) -> None:
    sink.answer([(429, {"Retry-After": "120"})])
    enqueue(sqlite_store, [intent(1, "hook", clock())])
    dispatcher = Dispatcher(sqlite_store.outbox, [webhook(sink.url)], [], clock=clock)
    dispatcher.deliver_due()
    [row] = sqlite_store.outbox.list()
    assert row.next_attempt == clock() + timedelta(seconds=120)
    clock.advance(seconds=119)
    assert dispatcher.deliver_due().claimed == 0
    clock.advance(seconds=1)
    assert dispatcher.deliver_due().delivered == 1


def test_loopback_is_refused_without_allow_private(
    sqlite_store: Store, sink: WebhookSink, clock: Clock
) -> None:
    enqueue(sqlite_store, [intent(1, "hook", clock())])
    channel = webhook(sink.url, allow_private=False)
    report = Dispatcher(sqlite_store.outbox, [channel], [], clock=clock).deliver_due()
    assert report.dead == 1 and sink.received == []
    [row] = sqlite_store.outbox.list()
    assert row.last_error and "127.0.0.1" in row.last_error and "allow_private" in row.last_error


class _Redirect(BaseHTTPRequestHandler):
    target = ""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(307)
        self.send_header("Location", self.target)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_redirects_are_followed_by_hand_and_rechecked(sink: WebhookSink, clock: Clock) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    _Redirect.target = sink.url
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/old"
        payload = {"type": "test", "timestamp": "2023-03-20T01:30:00Z", "data": {}}
        ok = WebhookSender(webhook(url)).post("msg_1", payload, clock())
        assert ok.ok and len(sink.received) == 1 and sink.received[0].verified
        # The first hop is allowed (as a public host would be); its redirect inside the
        # network is refused before any request goes there.
        _Redirect.target = "http://10.1.2.3/internal"
        asked: list[str] = []

        def guard(target: str) -> str | None:
            asked.append(target)
            return None if target == url else refusal(target, allow_private=False)

        refused = WebhookSender(webhook(url), guard=guard).post("msg_2", payload, clock())
        assert not refused.ok and refused.permanent and "10.1.2.3" in (refused.error or "")
        assert asked == [url, "http://10.1.2.3/internal"]
    finally:
        server.shutdown()
        server.server_close()


def test_dead_delivery_alerts_operators_once_and_never_loops(
    sqlite_store: Store, sink: WebhookSink, clock: Clock
) -> None:
    with WebhookSink(SECRET) as ops:
        sink.fail_every(1, 1)
        channels = [webhook(sink.url), webhook(ops.url, "ops")]
        subs = [Subscription("hook"), Subscription("ops", operator=True)]
        enqueue(sqlite_store, [intent(1, "hook", clock())])
        dispatcher = Dispatcher(sqlite_store.outbox, channels, subs, clock=clock)
        for _ in range(12):
            dispatcher.deliver_due()
            clock.advance(days=1)
        rows = {r.event: r for r in sqlite_store.outbox.list()}
        assert rows[EventType.PUBLISHED].state == DeliveryState.DEAD
        assert rows[EventType.PUBLISHED].attempts == 10
        assert rows[EventType.DEAD].state == DeliveryState.DELIVERED
        [alert] = ops.received
        assert json.loads(alert.body)["data"]["channel"] == "hook"
        assert len(sqlite_store.outbox.list()) == 2


class _RawReceiver:
    """A receiver that reads the request, then answers as scripted, on a raw socket."""

    def __init__(self, answer: bytes, gap: float, prompt: bytes = b"") -> None:
        # ``prompt`` goes out at once, ``answer`` a byte per ``gap`` seconds.
        self.answer, self.gap, self.prompt = answer, gap, prompt
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/hook"
        self.stop = threading.Event()
        Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                try:
                    conn.sendall(self.prompt)
                    if self.gap:
                        for byte in self.answer:
                            conn.sendall(bytes([byte]))
                            if self.stop.wait(self.gap):
                                break
                    else:
                        conn.sendall(self.answer)
                except OSError:
                    pass

    def close(self) -> None:
        self.stop.set()
        self.server.close()


@pytest.mark.parametrize("what", ["headers", "body"])
def test_a_receiver_trickling_its_answer_is_cut_at_the_timeout(what: str, clock: Clock) -> None:
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Pad: abcdefghijklmnopqrstuvwxyz\r\n" * 20
    if what == "headers":
        receiver = _RawReceiver(head + b"\r\n", gap=0.05)
    else:
        prompt = head + b"Content-Length: 100000\r\n\r\n"
        receiver = _RawReceiver(b"x" * 100000, gap=0.05, prompt=prompt)
    try:
        started = time.monotonic()
        result = WebhookSender(webhook(receiver.url, timeout=0.6)).post("msg_1", {"a": 1}, clock())
        took = time.monotonic() - started
    finally:
        receiver.close()
    if what == "headers":
        assert not result.ok and "trickling past the 0.6s timeout" in (result.error or "")
    else:
        # The status and headers are the answer; a body is never waited for.
        assert result.ok
    assert took < 3


def test_a_huge_answer_body_is_not_read(clock: Clock) -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\n" + b"x" * 65536
    receiver = _RawReceiver(answer, gap=0)
    try:
        result = WebhookSender(webhook(receiver.url)).post("msg_1", {"a": 1}, clock())
    finally:
        receiver.close()
    assert result.ok and result.status == 200


def test_a_slow_receiver_holds_back_only_its_own_channel(
    sqlite_store: Store, sink: WebhookSink, clock: Clock
) -> None:
    """Three deliveries to a receiver that trickles every answer, three to a fast one:
    the fast channel's are all sent while the slow lane is still waiting."""
    slow = _RawReceiver(b"HTTP/1.1 200 OK\r\n" + b"X-Pad: y\r\n" * 200 + b"\r\n", gap=0.05)
    rows = [intent(n, "slow", clock()) for n in range(3)] + [
        intent(n, "fast", clock()) for n in range(3)
    ]
    enqueue(sqlite_store, rows)
    channels = [webhook(slow.url, "slow", timeout=1.0), webhook(sink.url, "fast")]
    dispatcher = Dispatcher(sqlite_store.outbox, channels, [], clock=clock)
    done = threading.Event()
    reports = []

    def run() -> None:
        reports.append(dispatcher.deliver_due())
        done.set()

    started = time.monotonic()
    Thread(target=run, daemon=True).start()
    try:
        assert sink.wait_for(3, timeout=2.5)
        fast_done = time.monotonic() - started
        assert not done.is_set()  # the slow lane is still at it
        assert done.wait(15)
    finally:
        slow.close()
    assert fast_done < 2.5
    [report] = reports
    assert (report.delivered, report.failed) == (3, 3)


@pytest.mark.parametrize(
    "location", ["http://[::1", "http://x.example:99999/", "file:///etc/passwd", "gopher://x/"]
)
def test_a_redirect_to_an_unusable_address_is_a_clean_failure(location: str, clock: Clock) -> None:
    answer = f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
    receiver = _RawReceiver(answer.encode(), gap=0)
    try:
        result = WebhookSender(webhook(receiver.url)).post("msg_1", {"a": 1}, clock())
    finally:
        receiver.close()
    assert not result.ok and result.error and "\n" not in result.error
