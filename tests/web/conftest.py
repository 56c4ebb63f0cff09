"""A polled store with built feeds, and the web app over it.

The real wiring of routes (max-age from each category's poll interval, hubs, the poll
callback) is the service's; ``web_context`` is the small version the tests need.

Clients reach the app in one of two ways, chosen by the ``via`` fixture: "asgi" calls
it in process (Starlette's TestClient); "wire" runs it under uvicorn on 127.0.0.1 with
the feed cache already loaded, so cached feeds are answered by ``FeedProtocol`` and
everything else by the ASGI app. Modules that override ``via`` with both values check
that the two ways give the same answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from syndicator.app import App
from syndicator.demo.portal import ReplicaPortal
from syndicator.publish.server import ServerThread
from syndicator.publish.web import FeedRoute, WebContext, create_web_app
from tests.conftest import SHANGHAI, Clock
from tests.e2e.helpers import make_app, write_config

MAX_AGE = 600


def feed_routes(app: App, max_age: int = MAX_AGE) -> list[FeedRoute]:
    return [
        FeedRoute(group.meta.path, fmt, group.meta.title, group.site, group.category, max_age)
        for group in app.feed_groups()
        for fmt in app.feed_settings.formats
    ]


def web_context(app: App, web_clock: Clock, **overrides: Any) -> WebContext:
    values: dict[str, Any] = {
        "store": app.store,
        "routes": feed_routes(app),
        "categories": app.categories(),
        "public_url": app.feed_settings.public_url,
        "opml": app.opml,
        "clock": web_clock,
    }
    values.update(overrides)
    return WebContext(**values)


class WireClient(httpx.Client):
    """An HTTP client of a real server, with the app at hand as TestClient has it."""

    def __init__(self, app: Starlette, base_url: str) -> None:
        super().__init__(base_url=base_url, timeout=10)
        self.app = app


@dataclass
class Site:
    """Everything a web test touches: the polled app, its web context and a client."""

    app: App
    portal: ReplicaPortal
    clock: Clock          # the portal's and the poller's
    web_clock: Clock      # the web app's, for the once-per-second refresh
    ctx: WebContext
    via: str = "asgi"
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def client(self, **overrides: Any) -> httpx.Client:
        ctx = web_context(self.app, self.web_clock, **overrides) if overrides else self.ctx
        web_app = create_web_app(ctx)
        if self.via == "asgi":
            return TestClient(web_app)
        asyncio.run(web_app.feed_cache.current())
        server = ServerThread(web_app, "127.0.0.1", 0)
        client = WireClient(web_app, server.start())
        self.cleanups += [server.stop, client.close]
        return client

    def close(self) -> None:
        while self.cleanups:
            self.cleanups.pop()()

    def poll(self, *keys: str) -> None:
        self.app.poll(self.app.categories(list(keys)))
        self.app.rebuild_feeds()


def polled(tmp_path: Path, portal: ReplicaPortal, clock: Clock, *keys: str) -> App:
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
def via() -> str:
    return "asgi"


@pytest.fixture
def site(shared_site: Site, web_clock: Clock, via: str) -> Iterator[Site]:
    app = shared_site.app
    site = Site(app, shared_site.portal, shared_site.clock, web_clock,
                web_context(app, web_clock), via)
    try:
        yield site
    finally:
        site.close()


@pytest.fixture
def fresh_site(tmp_path: Path, portal: ReplicaPortal, clock: Clock, web_clock: Clock,
               via: str) -> Iterator[Site]:
    """Only 科技要闻 is polled, which keeps the fixture quick; 科技人物 stays pending."""
    app = polled(tmp_path, portal, clock, "zgkjcx/kjyw")
    site = Site(app, portal, clock, web_clock, web_context(app, web_clock), via)
    try:
        yield site
    finally:
        site.close()
        app.close()


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    with site.client() as test_client:
        yield test_client
