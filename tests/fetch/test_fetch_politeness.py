"""One request at a time per host, a gap between them, and how long to back off."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fetch_testserver import FakeClock, LocalServer, Reply, Seen

from syndicator.fetch import Fetcher
from syndicator.fetch.politeness import HostGate, backoff, parse_retry_after


def test_host_delay_is_waited_between_requests_to_one_host(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/a", Reply(200, b"a"))
    fetcher = make_fetcher(host_delay=5.0, robots_txt=False)
    fetcher.get(server.url("/a"))
    assert clock.sleeps == []
    fetcher.get(server.url("/a"))
    assert clock.sleeps == [5.0]
    clock.advance(3.5)
    fetcher.get(server.url("/a"))
    assert clock.sleeps == [5.0, 1.5]
    clock.advance(9)
    fetcher.get(server.url("/a"))
    assert clock.sleeps == [5.0, 1.5]


def test_robots_request_counts_as_a_request_to_the_host(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/a", Reply(200, b"a"))
    fetcher = make_fetcher(host_delay=2.0)
    fetcher.get(server.url("/a"))
    fetcher.get(server.url("/a"))
    assert clock.sleeps == [2.0, 2.0]


def test_other_hosts_do_not_wait(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/a", Reply(200, b"a"))
    fetcher = make_fetcher(host_delay=5.0, robots_txt=False)
    fetcher.get(server.url("/a"))
    fetcher.get(server.url("/a", host="localhost"))
    assert clock.sleeps == []


def test_one_request_at_a_time_per_host_across_threads(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    in_flight = {"now": 0, "most": 0}
    lock = threading.Lock()
    both_hosts = threading.Barrier(2, timeout=5)

    def count(seen: Seen) -> Reply:
        with lock:
            in_flight["now"] += 1
            in_flight["most"] = max(in_flight["most"], in_flight["now"])
        if seen.path == "/meet":
            both_hosts.wait()  # only passes if two hosts are served at once
        else:
            server.stopping.wait(0.02)
        with lock:
            in_flight["now"] -= 1
        return Reply(200, b"ok")

    server.script("/one", count)
    server.script("/meet", count)
    fetcher = make_fetcher(robots_txt=False)
    threads = [threading.Thread(target=fetcher.get, args=(server.url("/one"),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.hits("/one")) == 4
    assert in_flight["most"] == 1

    results: list[bytes] = []
    meet = [
        threading.Thread(
            target=lambda h=host: results.append(fetcher.get(server.url("/meet", host=h)).body)
        )
        for host in ("127.0.0.1", "localhost")
    ]
    for thread in meet:
        thread.start()
    for thread in meet:
        thread.join()
    assert results == [b"ok", b"ok"]


def test_gate_makes_a_second_caller_wait_for_the_first() -> None:
    clock = FakeClock()
    gate = HostGate(3.0, clock=clock, sleep=clock.sleep)
    order: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def first() -> None:
        with gate.turn("www.zgkjcx.com"):
            order.append("first in")
            inside.set()
            release.wait(5)
            clock.advance(10)
            order.append("first out")

    def second() -> None:
        with gate.turn("www.zgkjcx.com"):
            order.append("second in")

    holder = threading.Thread(target=first)
    holder.start()
    inside.wait(5)
    waiter = threading.Thread(target=second)
    waiter.start()
    with gate.turn("other.example.cn"):  # another host is not held up
        order.append("other host")
    waiter.join(0.05)
    assert waiter.is_alive()
    release.set()
    holder.join()
    waiter.join()
    assert order == ["first in", "other host", "first out", "second in"]
    assert clock.sleeps == [3.0]


def test_gate_delay_never_drops_below_the_default() -> None:
    clock = FakeClock()
    gate = HostGate(2.0, clock=clock, sleep=clock.sleep)
    gate.set_delay("a", 0.5)
    assert gate.delay_for("a") == 2.0
    gate.set_delay("a", 9)
    assert (gate.delay_for("a"), gate.delay_for("b")) == (9, 2.0)


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [backoff(n) for n in range(7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("120", 120.0),
        (" 15 ", 15.0),
        ("-3", None),
        ("1.5", None),
        ("soon", None),
        ("Thu, 26 Nov 2026 12:01:30 GMT", 90.0),
        ("Thu, 26 Nov 2026 11:00:00 GMT", 0.0),
        ("Thursday, 26-Nov-26 12:00:10 GMT", 10.0),
    ],
)
def test_retry_after_values(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds
