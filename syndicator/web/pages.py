"""The pages a person or a monitor reads: the index, OPML and ``/healthz``.

Each is a sync endpoint, so Starlette runs its store reads in a worker thread and the
feed hot path on the event loop never waits on them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from syndicator.errors import first_line
from syndicator.models import Article, CategorySpec, CategoryState, CategoryStatus
from syndicator.web.feeds import FeedRoute

log = logging.getLogger("syndicator.web")

if TYPE_CHECKING:
    from syndicator.web.context import WebContext

PENDING = "pending"
NEWEST_ARTICLES = 20
OPML_TYPE = "text/x-opml; charset=utf-8"

FORMAT_LABELS = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
DISCOVERY_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
STATUS_LABELS = {
    CategoryStatus.OK: "正常",
    CategoryStatus.FAILING: "抓取失败",
    CategoryStatus.BROKEN: "版面失效",
    PENDING: "尚未抓取",
}


@dataclass(frozen=True)
class FeedLink:
    fmt: str
    label: str
    url: str
    mime: str
    title: str

    @property
    def subscribe(self) -> str:
        """A ``feed:`` URI, which desktop readers register for; JSON Feed has none."""
        return f"feed:{self.url}" if self.fmt != "json" else self.url


@dataclass(frozen=True)
class CategoryView:
    key: str
    name: str
    list_url: str
    state: str
    state_label: str
    last_poll: str | None
    last_success: str | None
    last_error: str | None
    failures: int
    feeds: list[FeedLink]


@dataclass(frozen=True)
class SiteView:
    id: str
    name: str
    url: str
    feeds: list[FeedLink]
    categories: list[CategoryView]


@dataclass(frozen=True)
class ArticleView:
    title: str
    url: str | None
    category: str
    published: str
    source: str | None


def state_name(state: CategoryState) -> str:
    return PENDING if state.last_poll is None else state.status


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def local(moment: datetime | None, timezone: str) -> str | None:
    if moment is None:
        return None
    # With its offset: the page is read in the portal's zone, the logs in UTC.
    there = moment.astimezone(ZoneInfo(timezone))
    offset = there.strftime("%z")
    return f"{there:%Y-%m-%d %H:%M} UTC{offset[:3]}:{offset[3:]}"


def web_url(url: str) -> str | None:
    """Only http(s) links reach an href; anything else is shown as text."""
    return url if url.startswith(("http://", "https://")) else None


class Pages:
    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx
        self.env = Environment(
            loader=PackageLoader("syndicator.web", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.template = self.env.get_template("index.html")

    # ------------------------------------------------------------ index

    def links(self, routes: Sequence[FeedRoute]) -> list[FeedLink]:
        return [
            FeedLink(
                r.fmt,
                FORMAT_LABELS.get(r.fmt, r.fmt),
                r.url(self.ctx.public_url),
                DISCOVERY_TYPES.get(r.fmt, "application/octet-stream"),
                r.title,
            )
            for r in routes
        ]

    def category_view(self, spec: CategorySpec) -> CategoryView:
        state = self.ctx.store.categories.state(spec.site_id, spec.id)
        name = state_name(state)
        routes = [r for r in self.ctx.routes if r.site == spec.site_id and r.category == spec.id]
        return CategoryView(
            key=spec.key,
            name=spec.name,
            list_url=spec.list_url,
            state=name,
            state_label=STATUS_LABELS.get(name, name),
            last_poll=local(state.last_poll, spec.timezone),
            last_success=local(state.last_success, spec.timezone),
            last_error=state.last_error,
            failures=state.consecutive_failures,
            feeds=self.links(routes),
        )

    def site_views(self) -> list[SiteView]:
        sites: dict[str, SiteView] = {}
        for spec in self.ctx.categories:
            site = sites.get(spec.site_id)
            if site is None:
                routes = [
                    r for r in self.ctx.routes if r.site == spec.site_id and r.category is None
                ]
                site = SiteView(spec.site_id, spec.site_name, spec.site_url, self.links(routes), [])
                sites[spec.site_id] = site
            site.categories.append(self.category_view(spec))
        return list(sites.values())

    def article_views(self) -> list[ArticleView]:
        zones = {(c.site_id, c.id): c.timezone for c in self.ctx.categories}
        articles: list[Article] = self.ctx.store.articles.newest(limit=NEWEST_ARTICLES)
        return [
            ArticleView(
                title=a.title,
                url=web_url(a.url),
                category=a.category_name,
                published=local(a.published, zones.get((a.site, a.category), "Asia/Shanghai"))
                or "",
                source=a.source,
            )
            for a in articles
        ]

    def index(self, request: Request) -> Response:
        everything = [r for r in self.ctx.routes if r.site is None]
        html = self.template.render(
            sites=self.site_views(),
            everything=self.links(everything),
            discovery=self.links(self.ctx.routes),
            articles=self.article_views(),
            opml_url=self.ctx.public_url.rstrip("/") + "/opml",
        )
        return HTMLResponse(html)

    # ------------------------------------------------------------ opml, health

    def opml(self, request: Request) -> Response:
        if self.ctx.opml is None:
            return PlainTextResponse("no feed list in this process\n", status_code=404)
        return Response(self.ctx.opml(), media_type=OPML_TYPE)

    def health(self) -> tuple[bool, dict[str, object]]:
        categories: dict[str, dict[str, object]] = {}
        healthy = True
        for spec in self.ctx.categories:
            state = self.ctx.store.categories.state(spec.site_id, spec.id)
            name = state_name(state)
            healthy = healthy and name in (CategoryStatus.OK, PENDING)
            categories[spec.key] = {
                "state": name,
                "last_success": iso(state.last_success),
                "last_error": state.last_error,
                "consecutive_failures": state.consecutive_failures,
                "last_poll": iso(state.last_poll),
            }
        dead = self.ctx.dead_deliveries() if self.ctx.dead_deliveries else 0
        healthy = healthy and dead == 0
        storage = self.ctx.store.problems()
        status = "failing" if storage else ("ok" if healthy else "degraded")
        return healthy and not storage, {
            "status": status,
            "storage": storage,
            "categories": categories,
            "dead_deliveries": dead,
        }

    def healthz(self, request: Request) -> Response:
        try:
            healthy, body = self.health()
        except Exception as exc:  # the database itself: locked, gone, unreachable
            log.exception("health check could not read the store")
            healthy, body = False, {"status": "failing", "error": _one_line(exc)}
        return JSONResponse(
            body, status_code=200 if healthy else 503, headers={"cache-control": "no-store"}
        )


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {first_line(exc)}"
