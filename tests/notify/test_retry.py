"""`syndicator deliveries --retry ID` sends that one delivery now and nothing else, never
one another worker is sending, and says in one line what came of it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicator.cli.main import main
from syndicator.demo.webhook_sink import WebhookSink
from syndicator.models import Delivery
from syndicator.notify import ratelimit
from syndicator.store import Store
from tests.support.clock import Clock
from tests.support.configs import CONFIG
from tests.support.outbox import SECRET, enqueue, intent

CHANNELS = """\
notifications:
  channels:
    - id: hook
      type: webhook
      url: {url}
      secret: "{secret}"
      allow_private: true
      timeout: 5s
    - id: ding
      type: apprise
      url: {bot_url}
  subscriptions:
    - channel: hook
      categories: ["*"]
"""


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    with WebhookSink(SECRET) as s:
        yield s


@pytest.fixture
def config(tmp_path: Path, store: Store, sink: WebhookSink) -> str:
    path = tmp_path / "syndicator.yaml"
    path.write_text(
        CONFIG.format(storage=store.url, base="http://127.0.0.1:9/")
        + CHANNELS.format(
            url=sink.url, secret=SECRET, bot_url=sink.url.replace("http://", "json://")
        ),
        encoding="utf-8",
    )
    return str(path)


def rows(store: Store) -> dict[str, Delivery]:
    return {d.article_key or "": d for d in store.outbox.list(limit=None)}


def retry(
    config: str, delivery_id: int, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = main(["deliveries", "-c", config, "--retry", str(delivery_id)])
    out, err = capsys.readouterr()
    return code, out, err


def test_retry_sends_only_that_delivery(
    store: Store, sink: WebhookSink, config: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    enqueue(store, [intent(1, "hook", clock()), intent(2, "hook", clock())])
    due = rows(store)
    code, out, _ = retry(config, due["1"].id, capsys)
    assert (code, out) == (0, f"delivery {due['1'].id}: delivered\n")
    assert [r.webhook_id for r in sink.received] == [due["1"].key]
    after = rows(store)
    assert (after["1"].state, after["1"].attempts) == ("delivered", 1)
    assert after["2"] == due["2"]  # untouched: still due, never tried, for the worker
    [left] = store.outbox.claim("worker", clock())
    assert left.id == due["2"].id


def test_a_dead_delivery_is_sent_again(
    store: Store, sink: WebhookSink, config: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    enqueue(store, [intent(1, "hook", clock())])
    [d] = store.outbox.claim("worker", clock())
    store.outbox.dead(d.id, "worker", "HTTP 500")
    assert store.outbox.dead_count() == 1
    code, out, _ = retry(config, d.id, capsys)
    assert (code, out) == (0, f"delivery {d.id}: delivered\n")
    assert rows(store)["1"].state == "delivered" and store.outbox.dead_count() == 0
    assert len(sink.received) == 1


def test_a_failed_retry_says_why_and_when_next(
    store: Store, sink: WebhookSink, config: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    enqueue(store, [intent(1, "hook", clock())])
    [d] = store.outbox.list()
    sink.answer([500])
    code, out, _ = retry(config, d.id, capsys)
    assert code == 1
    assert out.startswith(f"delivery {d.id}: failed (HTTP 500); next try ") and out.count("\n") == 1
    again = rows(store)["1"]
    assert (again.state, again.attempts, again.last_error) == ("pending", 1, "HTTP 500")


def test_a_delivery_another_worker_is_sending_is_left_to_it(
    store: Store, sink: WebhookSink, config: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    enqueue(store, [intent(1, "hook", clock())])
    # The worker's clock is the real one's: its lease must still run when the CLI asks.
    [d] = store.outbox.claim("worker", clock(), lease=10 * 365 * 86400)
    code, out, err = retry(config, d.id, capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"syndicator: delivery {d.id} is being sent by another worker; "
        "see its outcome with `syndicator deliveries`\n"
    )
    assert sink.received == []
    assert store.outbox.delivered(d.id, "worker", clock())  # still the worker's to record


def test_a_retry_keeps_to_the_bot_rate_limit(
    store: Store, sink: WebhookSink, config: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    enqueue(store, [intent(1, "ding", clock())])
    [d] = store.outbox.list()
    now = datetime.now(UTC)  # the command's own clock
    for _ in range(ratelimit.LIMIT):
        assert store.outbox.take_send_slot("ding", now, ratelimit.admit) == 0
    code, out, _ = retry(config, d.id, capsys)
    assert code == 1
    assert out.startswith(f"delivery {d.id}: held back by the channel's rate limit; next try ")
    assert sink.received == []
    again = rows(store)["1"]
    assert (again.state, again.attempts) == ("pending", 0)
    assert again.next_attempt is not None and again.next_attempt > now


def test_unknown_id_is_one_line(
    store: Store, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = retry(config, 4242, capsys)
    assert (code, out, err) == (1, "", "syndicator: no delivery with id 4242\n")
