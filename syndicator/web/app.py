"""The HTTP app: stored feeds, the index page, OPML, health, metrics and the admin API.

It serves what the worker built and stored; it never builds a feed. Everything it needs
arrives in a ``WebContext`` made by the composition root, so this module reads no config
and can run in a process apart from the worker (``run --no-worker``).

    GET|HEAD /feeds/{site}/{category}.{fmt}, /feeds/{site}.{fmt}, /feeds/all.{fmt}
    GET|HEAD /feeds/feed.xsl  the stylesheet browsers show Atom and RSS feeds with
    GET /            HTML index          GET /opml      OPML 2.0
    GET /healthz     JSON health         GET /metrics   Prometheus text
    POST /api/poll/{site}/{category}     bearer admin token
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from syndicator.web.api import metrics_endpoint, poll_endpoint
from syndicator.web.assets import STYLESHEET_ROUTE, as_page, serve_stylesheet
from syndicator.web.context import WebContext
from syndicator.web.feeds import FeedCache, FeedRoute, serve_feed
from syndicator.web.pages import Pages

__all__ = ["FeedRoute", "WebContext", "create_web_app"]


def create_web_app(ctx: WebContext) -> WebApp:
    cache = FeedCache(ctx.store.feeds, ctx.routes, ctx.public_url, ctx.hubs, ctx.clock)
    pages = Pages(ctx)
    app = WebApp(
        routes=[
            Route("/", pages.index, methods=["GET"]),
            Route("/opml", pages.opml, methods=["GET"]),
            Route("/healthz", pages.healthz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
            Route("/api/poll/{site}/{category}", poll_endpoint(ctx), methods=["POST"]),
        ]
    )
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
            if scope["path"] == STYLESHEET_ROUTE:
                await serve_stylesheet(scope, receive, send)
                return
            await serve_feed(self.feed_cache, scope, as_page(scope, send))
            return
        await super().__call__(scope, receive, send)
