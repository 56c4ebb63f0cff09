from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fetch_testserver import AGENT, FakeClock, LocalServer

from syndicator.fetch import Fetcher
from syndicator.models import FetchSettings


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    running = LocalServer().start()
    yield running
    running.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_fetcher(clock: FakeClock) -> Iterator[Callable[..., Fetcher]]:
    made: list[Fetcher] = []

    def make(**overrides: Any) -> Fetcher:
        values: dict[str, Any] = {
            "user_agent": AGENT,
            "timeout": 5.0,
            "host_delay": 0.0,
            "retries": 3,
            "robots_txt": True,
            "max_bytes": 1_000_000,
            # The scripted server is on loopback; test_fetch_addresses.py checks the rules.
            "allow_private": True,
        }
        values.update(overrides)
        fetcher = Fetcher(FetchSettings(**values), clock=clock, sleep=clock.sleep)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()
