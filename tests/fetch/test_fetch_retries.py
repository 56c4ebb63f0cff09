"""Retries on 5xx and 429, with backoff or the server's Retry-After, waited on a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from fetch_testserver import FakeClock, LocalServer, Reply, Seen

from syndicator.errors import HTTPStatusError
from syndicator.fetch import Fetcher


def test_500_then_200_succeeds_after_one_backoff(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/p", Reply(500, b"oops"), Reply(200, b"fine"))
    fetcher = make_fetcher(robots_txt=False)
    assert fetcher.get(server.url("/p")).body == b"fine"
    assert clock.sleeps == [1.0]
    assert fetcher.stats.retries == 1
    assert fetcher.stats.requests == 2


def test_backoff_doubles_and_gives_up_with_the_last_status(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/p", Reply(503, b"down"))
    fetcher = make_fetcher(robots_txt=False, retries=3)
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.get(server.url("/p"))
    assert caught.value.status == 503
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert len(server.hits("/p")) == 4


def test_zero_retries_means_one_request(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/p", Reply(502))
    with pytest.raises(HTTPStatusError):
        make_fetcher(robots_txt=False, retries=0).get(server.url("/p"))
    assert len(server.hits("/p")) == 1
    assert clock.sleeps == []


def test_429_waits_the_seconds_asked(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/p", Reply(429, b"", (("Retry-After", "7"),)), Reply(200, b"ok"))
    assert make_fetcher(robots_txt=False).get(server.url("/p")).body == b"ok"
    assert clock.sleeps == [7.0]


def test_retry_after_as_http_date_is_read_against_the_answer_date(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    # The server's clock is a year off; the delay it means is still 42 s.
    served_at = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)

    def busy_then_ok(seen: Seen) -> Reply:
        if len(server.hits("/p")) > 1:
            return Reply(200, b"ok")
        return Reply(
            503,
            b"",
            (
                ("Date", format_datetime(served_at, usegmt=True)),
                ("Retry-After", format_datetime(served_at + timedelta(seconds=42), usegmt=True)),
            ),
        )

    server.script("/p", busy_then_ok)
    assert make_fetcher(robots_txt=False).get(server.url("/p")).body == b"ok"
    assert clock.sleeps == [42.0]


def test_long_retry_after_is_handed_back_instead_of_waited(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/p", Reply(429, b"", (("Retry-After", "3600"),)))
    with pytest.raises(HTTPStatusError) as caught:
        make_fetcher(robots_txt=False).get(server.url("/p"))
    assert (caught.value.status, caught.value.retry_after) == (429, 3600.0)
    assert clock.sleeps == []
    assert len(server.hits("/p")) == 1


def test_retry_after_on_final_failure_is_reported(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/p", Reply(503, b"", (("Retry-After", "5"),)))
    with pytest.raises(HTTPStatusError) as caught:
        make_fetcher(robots_txt=False, retries=1).get(server.url("/p"))
    assert caught.value.retry_after == 5.0
    assert clock.sleeps == [5.0]


def test_client_errors_carry_retry_after_without_retrying(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/gone", Reply(410, b"", (("Retry-After", "30"),)))
    with pytest.raises(HTTPStatusError) as caught:
        make_fetcher(robots_txt=False).get(server.url("/gone"))
    assert (caught.value.status, caught.value.retry_after) == (410, 30.0)
    assert len(server.hits("/gone")) == 1
    assert clock.sleeps == []
