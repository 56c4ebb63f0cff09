"""The HTTP app: stored feeds, the index page, OPML, health, metrics and the admin API.

It serves what the worker built and stored; it never builds a feed. Everything it needs
arrives in a ``WebContext`` made by the composition root, so this module reads no config
and can run in a process apart from the worker (``run --no-worker``).

    GET|HEAD /feeds/{site}/{category}.{fmt}, /feeds/{site}.{fmt}, /feeds/all.{fmt}
    GET /            HTML index          GET /opml      OPML 2.0
    GET /healthz     JSON health         GET /metrics   Prometheus text
    POST /api/poll/{site}/{category}     bearer admin token
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from syndicator.models import CategorySpec
from syndicator.publish.web_feeds import FeedCache, FeedRoute, serve_feed
from syndicator.store import Store

__all__ = ["FeedRoute", "WebContext", "create_web_app"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebContext:
    """What the web app is given; ``poll_now``, ``dead_deliveries`` and ``opml`` are
    absent where this process does not poll, notify or know the feed list."""

    store: Store
    routes: Sequence[FeedRoute]
    categories: Sequence[CategorySpec]
    public_url: str
    hubs: tuple[str, ...] = ()
    admin_token: str = ""
    poll_now: Callable[[str], dict[str, object]] | None = None
    dead_deliveries: Callable[[], int] | None = None
    opml: Callable[[], bytes] | None = None
    clock: Callable[[], datetime] = _utcnow


def create_web_app(ctx: WebContext) -> Starlette:
    # Imported here so that importing the context types stays cheap for the worker.
    from syndicator.publish.web_api import metrics_endpoint, poll_endpoint
    from syndicator.publish.web_pages import Pages

    cache = FeedCache(ctx.store, ctx.routes, ctx.public_url, ctx.hubs, ctx.clock)
    pages = Pages(ctx)
    app = WebApp(routes=[
        Route("/", pages.index, methods=["GET"]),
        Route("/opml", pages.opml, methods=["GET"]),
        Route("/healthz", pages.healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/api/poll/{site}/{category}", poll_endpoint(ctx), methods=["POST"]),
    ])
    app.feed_cache = cache
    app.state.feed_cache = cache
    return app


class WebApp(Starlette):
    """Answers ``/feeds/…`` before Starlette's middleware, routing and exception layers:
    the feed is the one hot path, and those layers cost about a third of its time
    (bench/serve.py). uvicorn still turns an unexpected error there into a 500."""

    feed_cache: FeedCache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/feeds/"):
            await serve_feed(self.feed_cache, scope, send)
            return
        await super().__call__(scope, receive, send)
