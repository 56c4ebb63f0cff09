"""The worker against the replica portal, driven by the test's clock (no sleeping)."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from syndicator import metrics
from syndicator.demo.portal import ReplicaPortal
from syndicator.errors import StoreError
from syndicator.runtime.leases import LEASE
from syndicator.runtime.schedule import auto_interval
from syndicator.runtime.websub import HubPinger
from syndicator.runtime.worker import Worker
from tests.support.clock import Clock
from tests.support.configs import make_app, write_config
from tests.support.hub import running_hub


def worker_for(tmp_path: Path, portal: ReplicaPortal, clock: Clock, **kw: object) -> Worker:
    app = make_app(write_config(tmp_path, portal), clock)
    return Worker(app, clock=clock, rng=random.Random(3), max_workers=2, **kw)  # type: ignore[arg-type]


def test_due_categories_are_polled_and_rescheduled_about_one_interval_later(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    worker = worker_for(tmp_path, portal, clock)
    worker.load_due()
    clock.advance(seconds=5)
    assert sorted(worker.run_due(wait=True)) == ["zgkjcx/kjrw", "zgkjcx/kjyw"]
    assert worker.run_due(wait=True) == []  # nothing due until the next interval
    for key, due in worker.due.items():
        gap = (due - clock()).total_seconds()
        assert 540 <= gap <= 660, key  # every: 10m with ±10 % jitter
        stored = worker.service.store.categories.state(*key.split("/")).next_due
        assert stored == due
    before = fetch_count("304")
    clock.advance(minutes=11)
    assert sorted(worker.run_due(wait=True)) == ["zgkjcx/kjrw", "zgkjcx/kjyw"]
    assert fetch_count("304") == before + 1  # the static list answered 304
    assert fetch_count("200") > 0
    worker.stop()


def test_every_auto_follows_the_publishing_rate_in_the_store(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    config = write_config(tmp_path, portal)
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  every: 10m\n", "  every: auto\n  min: 1m\n  max: 100h\n"
        ),
        encoding="utf-8",
    )
    for slug in ("kjyw", "kjrw"):
        for _ in range(3):  # the replica's own articles are older than a week
            portal.publish(slug)
    worker = Worker(make_app(config, clock), clock=clock, rng=random.Random(3))
    worker.load_due()
    clock.advance(seconds=5)
    worker.run_due(wait=True)
    for key, due in worker.due.items():
        site, category = key.split("/")
        published = [
            a.published
            for a in worker.service.store.articles.newest(site=site, category=category, limit=None)
        ]
        expected = auto_interval(published, clock(), 60, 100 * 3600)
        assert expected < 100 * 3600, key  # the rate decides, not the bound
        gap = (due - clock()).total_seconds()
        assert 0.9 * expected <= gap <= 1.1 * expected, key
    worker.stop()


def fetch_count(outcome: str) -> float:
    value = metrics.REGISTRY.get_sample_value(
        "syndicator_fetch_duration_seconds_count", {"host": "127.0.0.1", "outcome": outcome}
    )
    return value or 0.0


def test_restart_keeps_stored_due_times_instead_of_polling_everything(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    first = worker_for(tmp_path, portal, clock)
    first.load_due()
    clock.advance(seconds=5)
    assert len(first.run_due(wait=True)) == 2
    due = dict(first.due)
    first.stop()
    clock.advance(minutes=2)
    second = worker_for(tmp_path, portal, clock)
    second.load_due()
    assert second.due == due
    assert second.run_due(wait=True) == []
    second.stop()


def test_failing_portal_backs_off_and_recovers(tmp_path: Path, clock: Clock) -> None:
    with ReplicaPortal(now=clock) as portal:
        worker = worker_for(tmp_path, portal, clock)
        worker.load_due()
        portal.fail_next("Index.html", 500, count=100)
        portal.fail_next("ShowClass.asp", 500, count=100)
        gaps = []
        for _ in range(3):
            clock.now = max(worker.due.values())
            assert len(worker.run_due(wait=True)) == 2
            gaps.append((min(worker.due.values()) - clock()).total_seconds())
        # 10 minutes doubled per failure: ~20, ~40, ~80 minutes (±10 %).
        assert [round(g / 1200) for g in gaps] == [1, 2, 4]
        state = worker.service.store.categories.state("zgkjcx", "kjyw")
        assert state.status == "failing" and state.consecutive_failures == 3
        portal.fail_next("", 0, count=0)
        clock.now = max(worker.due.values())
        worker.run_due(wait=True)
        assert worker.service.store.categories.state("zgkjcx", "kjyw").status == "ok"
        worker.stop()


def test_new_article_pings_the_hub_once_per_changed_feed(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    with running_hub() as hub:
        pinger = HubPinger([hub.url], user_agent="test", clock=lambda: 0.0)
        worker = worker_for(tmp_path, portal, clock, pinger=pinger)
        worker.load_due()
        clock.advance(seconds=5)
        assert len(worker.run_due(wait=True)) == 2
        assert pinger.flush() == 0
        hub.pings.clear()
        portal.publish("kjyw", title="枢纽应当收到的一篇")
        clock.advance(minutes=11)
        worker.run_due(wait=True)
        assert pinger.flush() == 0
        topics = sorted(p["hub.topic"][0] for p in hub.pings)
        base = "http://feeds.example.test/feeds/"
        assert topics == sorted(
            f"{base}{path}.{fmt}"
            for path in ("zgkjcx/kjyw", "zgkjcx", "all")
            for fmt in ("atom", "rss", "json")
        )
        assert all(
            p["hub.mode"] == ["publish"] and p["hub.url"] == p["hub.topic"] for p in hub.pings
        )
        worker.stop()


def test_failing_hub_is_retried_later_and_never_blocks(tmp_path: Path) -> None:
    now = [0.0]
    with running_hub() as hub:
        hub.fail_next = 1
        pinger = HubPinger([hub.url], user_agent="test", clock=lambda: now[0])
        pinger.publish(["http://feeds.example.test/feeds/all.atom"])
        assert pinger.flush() == 1 and hub.pings == []  # failed, queued for later
        assert pinger.flush() == 1  # not due yet
        now[0] += 5
        assert pinger.flush() == 0 and len(hub.pings) == 1
        pinger.stop()


def test_poll_now_of_a_category_is_serialised_with_its_scheduled_poll(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    worker = worker_for(tmp_path, portal, clock)
    worker.load_due()
    spec = worker.specs["zgkjcx/kjyw"]
    outcome = worker.poll(spec)
    assert outcome.record.ok
    assert worker.due[spec.key] > clock() + timedelta(minutes=8)
    worker.stop()


def test_worker_sends_what_a_poll_queued_without_waiting_for_the_pump(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    from syndicator.demo.smtp_sink import SmtpSink
    from syndicator.demo.webhook_sink import WebhookSink
    from tests.support.notify_config import write_notify_config
    from tests.support.outbox import SECRET

    with SmtpSink() as smtp, WebhookSink(SECRET) as hook, WebhookSink(SECRET) as ops:
        config = write_notify_config(
            tmp_path, portal, smtp_port=smtp.port, hook_url=hook.url, ops_url=ops.url
        )
        worker = Worker(make_app(config, clock), clock=clock, rng=random.Random(3))
        worker.load_due()
        clock.advance(seconds=5)
        worker.run_due(wait=True)  # baseline: nothing is sent
        assert hook.accepted() == [] and smtp.mails == []
        fresh = portal.publish("kjyw", title="工作进程发出的通知")
        clock.advance(minutes=11)
        worker.run_due(wait=True)
        assert [r.json()["data"]["title"] for r in hook.accepted()] == [fresh.title]
        assert len(smtp.mails) == 1
        worker.stop()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_on_one_database_poll_each_category_once(
    tmp_path: Path,
    portal: ReplicaPortal,
    clock: Clock,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    storage = None
    if backend == "postgresql":
        storage = request.getfixturevalue("postgres").new_database()
    config = write_config(tmp_path, portal, storage=storage)
    one = Worker(make_app(config, clock), clock=clock, rng=random.Random(1))
    two = Worker(make_app(config, clock), clock=clock, rng=random.Random(2))
    one.load_due()
    two.load_due()
    clock.advance(seconds=5)
    portal.reset_log()
    with ThreadPoolExecutor(2) as pool:
        started = list(pool.map(lambda w: w.run_due(wait=True), [one, two]))
    assert sorted(started[0] + started[1]) == sorted(2 * ["zgkjcx/kjrw", "zgkjcx/kjyw"])
    lists = [r.path for r in portal.requests if "Index.html" in r.path or "ShowClass" in r.path]
    assert sorted(lists) == ["/Article/ShowClass.asp?ClassID=5", "/Article/kjyw/Index.html"]
    # The loser looks again shortly, sees the winner's due time and adopts it without
    # polling.
    portal.reset_log()
    clock.advance(seconds=31)
    one.run_due(wait=True)
    two.run_due(wait=True)
    assert portal.requests == []
    assert one.due == two.due
    assert min(one.due.values()) > clock() + timedelta(minutes=8)
    one.stop()
    two.stop()


class StallingFetcher:
    """Holds the first request until the test lets it go: a poll still in progress."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.go_on = threading.Event()

    def get(self, url: str, **kw: object) -> object:
        if not self.entered.is_set():
            self.entered.set()
            assert self.go_on.wait(30), "the test never let the poll go on"
        return self.inner.get(url, **kw)  # type: ignore[attr-defined]

    def head(self, url: str) -> object:
        return self.inner.head(url)  # type: ignore[attr-defined]

    def close(self) -> None:
        self.inner.close()  # type: ignore[attr-defined]


def two_workers(
    tmp_path: Path,
    portal: ReplicaPortal,
    clock: Clock,
    backend: str,
    request: pytest.FixtureRequest,
) -> tuple[Worker, Worker]:
    storage = None
    if backend == "postgresql":
        storage = request.getfixturevalue("postgres").new_database()
    config = write_config(tmp_path, portal, storage=storage)
    return (
        Worker(make_app(config, clock), clock=clock, rng=random.Random(1)),
        Worker(make_app(config, clock), clock=clock, rng=random.Random(2)),
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_poll_holds_its_category_for_minutes_not_half_an_hour(
    tmp_path: Path,
    portal: ReplicaPortal,
    clock: Clock,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    one, two = two_workers(tmp_path, portal, clock, backend, request)
    spec = one.specs["zgkjcx/kjyw"]
    # What a poll's claim leaves behind when SIGKILL ends it: nothing releases the lease
    # and nothing renews it (bench/replicas.py --kill-mid-poll saw 30 minutes of this).
    now = clock()
    assert one.service.store.categories.claim_poll(
        spec.site_id, spec.id, one.owner, now, now + LEASE
    )
    assert two.poll(spec, force=True) is None
    clock.advance(minutes=2)
    outcome = two.poll(spec, force=True)
    assert outcome is not None and outcome.record.ok
    one.stop()
    two.stop()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_poll_longer_than_the_lease_keeps_it_while_renewed(
    tmp_path: Path,
    portal: ReplicaPortal,
    clock: Clock,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    one, two = two_workers(tmp_path, portal, clock, backend, request)
    spec = one.specs["zgkjcx/kjyw"]
    stalling = StallingFetcher(one.service.fetcher)
    one.service.fetcher = stalling  # type: ignore[assignment]
    with ThreadPoolExecutor(1) as pool:
        polling = pool.submit(one.poll, spec)
        assert stalling.entered.wait(30)
        for _ in range(4):  # 4 x 60 s: well past one lease
            clock.advance(seconds=60)
            assert one.renew_leases() == []
            assert two.poll(spec, force=True) is None
        stalling.go_on.set()
        outcome = polling.result(timeout=60)
    assert outcome is not None and outcome.record.ok
    assert one.renew_leases() == []  # nothing held, nothing lost
    assert two.poll(spec, force=True) is not None  # released at the end of the poll
    one.stop()
    two.stop()


def test_renewal_reports_a_lease_another_worker_took(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock, request: pytest.FixtureRequest
) -> None:
    one, two = two_workers(tmp_path, portal, clock, "sqlite", request)
    spec = one.specs["zgkjcx/kjyw"]
    stalling = StallingFetcher(one.service.fetcher)
    one.service.fetcher = stalling  # type: ignore[assignment]
    with ThreadPoolExecutor(1) as pool:
        polling = pool.submit(one.poll, spec)
        assert stalling.entered.wait(30)
        clock.advance(seconds=LEASE.total_seconds() + 1)  # a stall with no renewal
        assert two.poll(spec, force=True) is not None
        assert one.renew_leases() == ["zgkjcx/kjyw"]
        stalling.go_on.set()
        polling.result(timeout=60)
    one.stop()
    two.stop()


def test_no_poll_runs_while_the_database_file_is_gone(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Polls would report ok while writing to a deleted file: the worker stops polling,
    says why (once a minute), and "poll now" is refused."""
    worker = worker_for(tmp_path, portal, clock)
    worker.load_due()
    database = Path(worker.service.store.engine.url.database or "")
    database.unlink()
    clock.advance(seconds=5)
    assert worker.run_due(wait=True) == []
    assert worker.run_due(wait=True) == []
    said = [r.message for r in caplog.records if "not polling" in r.message]
    assert len(said) == 1 and "was deleted while in use" in said[0]
    with pytest.raises(StoreError, match="deleted while in use"):
        worker.poll(worker.specs["zgkjcx/kjyw"], force=True)
    assert portal.requests == [] or all("robots" in r.path for r in portal.requests)


def test_a_slow_delivery_never_holds_a_poll(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    """A receiver that takes minutes to answer holds its delivery, not the poll that
    queued it nor the next "poll now"."""
    worker = worker_for(tmp_path, portal, clock)
    worker.load_due()
    release, sending = threading.Event(), threading.Event()

    def slow_pump() -> None:
        sending.set()
        release.wait(30)

    worker.deliveries.pump = slow_pump  # type: ignore[method-assign]
    spec = worker.specs["zgkjcx/kjyw"]
    try:
        worker.poll(spec, force=True)  # baseline: nothing to send
        portal.publish("kjyw", title="慢的接收方不拖住轮询")
        clock.advance(minutes=1)
        started = time.monotonic()
        outcome = worker.poll(spec, force=True)
        assert outcome is not None and outcome.record.new == 1
        assert sending.wait(5)  # the pump runs, and waits on the receiver...
        assert worker.poll(spec, force=True) is not None  # ...while polls go on
        assert time.monotonic() - started < 5
    finally:
        release.set()
        worker.stop()


def test_a_poll_that_raises_is_retried_minutes_later_not_each_second(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syndicator.runtime import worker as worker_module

    worker = worker_for(tmp_path, portal, clock)
    worker.load_due()
    clock.advance(seconds=5)

    def broken(spec: object, *, force: bool = False) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(worker, "poll", broken)
    with pytest.raises(RuntimeError):
        worker.run_due(wait=True)
    for key in worker.specs:
        assert worker.due[key] == clock() + timedelta(seconds=worker_module.CRASH_RETRY)
    assert worker.run_due(wait=True) == []  # not due again at the next beat


def test_memory_is_given_back_at_the_beat_after_a_poll_thread_ends(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    calls: list[bool] = []
    answers = iter([False, True])  # the first try falls inside the giver's rate limit

    def give_back() -> bool:
        calls.append(True)
        return next(answers, True)

    worker = worker_for(tmp_path, portal, clock, give_back_memory=give_back)
    worker._pool.idle_timeout = 0.05
    worker.load_due()
    clock.advance(seconds=5)
    assert len(worker.run_due(wait=True)) == 2
    assert calls == []  # no thread has ended yet
    end = time.monotonic() + 10
    while worker._pool.threads and time.monotonic() < end:
        time.sleep(0.01)
    assert worker._pool.threads == 0
    worker.run_due()
    worker.run_due()
    worker.run_due()
    assert len(calls) == 2  # tried again until it gave back, then not until the next end
    worker.stop()
