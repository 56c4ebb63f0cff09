"""A polled store with built feeds, and the web app over it, called in process through
Starlette's TestClient.

The context is the command line's own ``web_context``, with a fixed max-age and the
test's clock so the once-a-second refresh can be driven."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from syndicator.cli import run
from syndicator.demo.portal import ReplicaPortal
from syndicator.runtime.service import Service
from syndicator.web.app import create_web_app
from syndicator.web.context import WebContext
from tests.support.clock import SHANGHAI, Clock
from tests.support.configs import make_app, write_config

MAX_AGE = 600


def web_context(app: Service, web_clock: Clock, **overrides: Any) -> WebContext:
    """The command line's context (every category polls every 10m, so max-age is
    ``MAX_AGE``), on the web test's clock."""
    return replace(run.web_context(app, None), clock=web_clock, **overrides)


@dataclass
class Site:
    """Everything a web test touches: the polled app, its web context and a client."""

    app: Service
    portal: ReplicaPortal
    clock: Clock  # the portal's and the poller's
    web_clock: Clock  # the web app's, for the once-per-second refresh
    ctx: WebContext
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def client(self, **overrides: Any) -> httpx.Client:
        ctx = web_context(self.app, self.web_clock, **overrides) if overrides else self.ctx
        client = TestClient(create_web_app(ctx))
        self.cleanups.append(client.close)
        return client

    def close(self) -> None:
        while self.cleanups:
            self.cleanups.pop()()

    def poll(self, *keys: str) -> None:
        self.app.poll(self.app.categories(list(keys)))
        self.app.rebuild_feeds()


def polled(tmp_path: Path, portal: ReplicaPortal, clock: Clock, *keys: str) -> Service:
    app = make_app(write_config(tmp_path, portal), clock)
    app.poll(app.categories(list(keys)))
    app.rebuild_feeds()
    return app


@pytest.fixture
def web_clock() -> Clock:
    return Clock(datetime(2023, 3, 20, 1, 30, tzinfo=UTC))


@pytest.fixture(scope="session")
def shared_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Polled once for every test that only reads; tests that poll or write use
    ``fresh_site``."""
    clock = Clock(datetime(2023, 3, 20, 9, 30, tzinfo=SHANGHAI))
    with ReplicaPortal(now=clock) as portal:
        app = polled(tmp_path_factory.mktemp("web"), portal, clock)
        try:
            yield Site(app, portal, clock, clock, web_context(app, clock))
        finally:
            app.close()


@pytest.fixture
def site(shared_site: Site, web_clock: Clock) -> Iterator[Site]:
    app = shared_site.app
    site = Site(app, shared_site.portal, shared_site.clock, web_clock, web_context(app, web_clock))
    try:
        yield site
    finally:
        site.close()


@pytest.fixture
def fresh_site(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock, web_clock: Clock
) -> Iterator[Site]:
    """Only 科技要闻 is polled, which keeps the fixture quick; 科技人物 stays pending."""
    app = polled(tmp_path, portal, clock, "zgkjcx/kjyw")
    site = Site(app, portal, clock, web_clock, web_context(app, web_clock))
    try:
        yield site
    finally:
        site.close()
        app.close()


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    with site.client() as test_client:
        yield test_client
