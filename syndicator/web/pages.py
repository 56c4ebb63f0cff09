"""The pages a person or a monitor reads: the index, OPML and ``/healthz``.

Each is a sync endpoint, so Starlette runs its store reads in a worker thread and the
feed hot path on the event loop never waits on them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit
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
ZONE_NAMES = {"Asia/Shanghai": "北京时间", "Asia/Hong_Kong": "香港时间", "Asia/Taipei": "台北时间"}
DEFAULT_ZONE = "Asia/Shanghai"
# The reasons fetching gives (fetch/reasons.py, errors.HTTPStatusError), most specific
# first, in the words a reader of the page uses.
PLAIN_ERRORS = tuple(
    (re.compile(pattern, re.IGNORECASE), words)
    for pattern, words in (
        (r"\bHTTP 429\b", "网站要求放慢抓取（HTTP 429），稍后会自动重试。"),
        (r"\bHTTP 40[13]\b", "网站拒绝了访问（HTTP 401/403）。"),
        (r"\bHTTP 40[4]\b|\bHTTP 410\b", "栏目页面不存在了（HTTP 404），栏目可能已搬迁。"),
        (r"\bHTTP 5\d\d\b", "网站服务器出错，稍后会自动重试。"),
        (r"\bHTTP \d{3}\b", "网站返回了错误状态，稍后会自动重试。"),
        (r"robots\.txt", "网站的 robots.txt 不允许抓取这个栏目。"),
        (r"host name not found", "找不到网站的域名（DNS）。"),
        (r"connection refused", "网站拒绝连接，可能暂时关闭。"),
        (r"timed out|took longer", "网站响应太慢，超时了，稍后会自动重试。"),
        (r"\bTLS\b", "无法与网站建立安全连接（TLS）。"),
        (r"connection (reset|broken)", "连接中途被断开，稍后会自动重试。"),
        (r"larger than|too large", "页面太大，超出了抓取上限。"),
    )
)


@dataclass(frozen=True)
class FeedLink:
    fmt: str
    label: str
    url: str
    mime: str
    title: str


@dataclass(frozen=True)
class Moment:
    """A time as the page shows it: in the page's zone, its offset written out only when
    it is not the page's (a summer time), and the exact instant for machines."""

    text: str
    iso: str
    short: str = ""  # without the year when it is this year's, for the status lines


@dataclass(frozen=True)
class FeedChoice:
    """One feed in the subscribe area: the address to copy, and every format's link."""

    anchor: str
    name: str
    note: str
    url: str
    feeds: list[FeedLink]


@dataclass(frozen=True)
class CategoryView:
    key: str
    name: str
    list_url: str | None
    state: str
    state_label: str
    last_poll: Moment | None
    last_success: Moment | None
    next_poll: Moment | None
    problem: str | None  # what went wrong, in plain words
    last_error: str | None  # the technical detail behind it
    failures: int
    subscribe: FeedChoice | None


@dataclass(frozen=True)
class SiteView:
    id: str
    name: str
    url: str | None
    subscribe: FeedChoice | None
    categories: list[CategoryView]


@dataclass(frozen=True)
class AttachmentLink:
    name: str
    url: str | None


@dataclass(frozen=True)
class ArticleView:
    title: str
    url: str | None
    category: str
    published: Moment
    source: str | None
    attachments: list[AttachmentLink]


@dataclass(frozen=True)
class Overview:
    sites: int
    categories: int
    troubled: int
    pending: int


def state_name(state: CategoryState) -> str:
    return PENDING if state.last_poll is None else state.status


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def offset_text(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def zone_text(face: TimeFace) -> str:
    """The zone every time on the page is given in, said once at the top."""
    return f"{ZONE_NAMES.get(face.zone, face.zone)}（{face.offset}）"


@dataclass(frozen=True)
class TimeFace:
    """How the page writes times: one zone for all, said once at the top."""

    zone: str
    offset: str  # the zone's offset now, which the top of the page states
    year: int

    @classmethod
    def at(cls, zone: str, now: datetime) -> TimeFace:
        there = now.astimezone(ZoneInfo(zone))
        return cls(zone, offset_text(there), there.year)

    def show(self, moment: datetime | None) -> Moment | None:
        if moment is None:
            return None
        there = moment.astimezone(ZoneInfo(self.zone))
        offset = offset_text(there)
        text = f"{there:%Y-%m-%d %H:%M}"
        if offset != self.offset:
            return Moment(f"{text} {offset}", there.isoformat(), f"{text} {offset}")
        short = f"{there:%m-%d %H:%M}" if there.year == self.year else text
        return Moment(text, there.isoformat(), short)


def web_url(url: str) -> str | None:
    """Only http(s) links reach an href; anything else is shown as text."""
    return url if url.startswith(("http://", "https://")) else None


def attachment_link(item: object) -> AttachmentLink | None:
    """One attachment as the page links it, whatever shape the store hands it in: a plain
    URL, or a value (object or mapping) with a ``url`` and a ``title`` or ``name``. The
    page reads attachments only through here, so a change of their type touches one
    place; an entry without a usable URL is left out."""
    if isinstance(item, str):
        url: object = item
        name: object = None
    elif isinstance(item, Mapping):
        url = item.get("url")
        name = item.get("title") or item.get("name")
    else:
        url = getattr(item, "url", None)
        name = getattr(item, "title", None) or getattr(item, "name", None)
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    label = name.strip() if isinstance(name, str) and name.strip() else _file_name(url)
    return AttachmentLink(label, web_url(url))


def _file_name(url: str) -> str:
    last = unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2])
    return last or url


def plain_problem(state: str, error: str | None) -> str | None:
    """What a reader of the page should know about a category's trouble, without the
    vocabulary of HTTP clients; the raw error is shown beside it for the operator."""
    if state == CategoryStatus.BROKEN:
        return "网站能打开，但栏目页上找不到文章列表或读不出文章：网站可能改版了。"
    if state != CategoryStatus.FAILING:
        return None
    for pattern, words in PLAIN_ERRORS:
        if error and pattern.search(error):
            return words
    return "上次抓取没有成功，稍后会自动重试。"


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

    def choice(
        self, anchor: str, name: str, note: str, routes: Sequence[FeedRoute]
    ) -> FeedChoice | None:
        feeds = self.links(routes)
        if not feeds:
            return None
        # Atom first when served: every reader takes it and it carries every attachment.
        main = next((f for f in feeds if f.fmt == "atom"), feeds[0])
        return FeedChoice(anchor, name, note, main.url, feeds)

    @property
    def zone(self) -> str:
        return self.ctx.categories[0].timezone if self.ctx.categories else DEFAULT_ZONE

    def face(self) -> TimeFace:
        return TimeFace.at(self.zone, self.ctx.clock())

    def category_view(self, spec: CategorySpec, face: TimeFace) -> CategoryView:
        state = self.ctx.store.categories.state(spec.site_id, spec.id)
        name = state_name(state)
        routes = [r for r in self.ctx.routes if r.site == spec.site_id and r.category == spec.id]
        anchor = f"feed-{spec.site_id}-{spec.id}"
        return CategoryView(
            key=spec.key,
            name=spec.name,
            list_url=web_url(spec.list_url),
            state=name,
            state_label=STATUS_LABELS.get(name, name),
            last_poll=face.show(state.last_poll),
            last_success=face.show(state.last_success),
            next_poll=face.show(state.next_due),
            problem=plain_problem(name, state.last_error),
            last_error=state.last_error,
            failures=state.consecutive_failures,
            subscribe=self.choice(anchor, spec.name, "", routes),
        )

    def site_views(self, face: TimeFace) -> list[SiteView]:
        sites: dict[str, SiteView] = {}
        for spec in self.ctx.categories:
            site = sites.get(spec.site_id)
            if site is None:
                routes = [
                    r for r in self.ctx.routes if r.site == spec.site_id and r.category is None
                ]
                whole = self.choice(
                    f"feed-{spec.site_id}",
                    f"{spec.site_name} 全站",
                    "合并本站的所有栏目：订阅它，或订阅上面的栏目，不要两样都订。",
                    routes,
                )
                site = SiteView(spec.site_id, spec.site_name, web_url(spec.site_url), whole, [])
                sites[spec.site_id] = site
            site.categories.append(self.category_view(spec, face))
        return list(sites.values())

    def article_views(self, face: TimeFace) -> list[ArticleView]:
        articles: list[Article] = self.ctx.store.articles.newest(limit=NEWEST_ARTICLES)
        views = []
        for a in articles:
            files = (attachment_link(f) for f in getattr(a, "attachments", None) or ())
            views.append(
                ArticleView(
                    title=a.title,
                    url=web_url(a.url),
                    category=a.category_name,
                    published=face.show(a.published) or Moment("", ""),
                    source=a.source,
                    attachments=[f for f in files if f is not None],
                )
            )
        return views

    def index(self, request: Request) -> Response:
        face = self.face()
        sites = self.site_views(face)
        categories = [c for site in sites for c in site.categories]
        overview = Overview(
            sites=len(sites),
            categories=len(categories),
            troubled=sum(
                c.state in (CategoryStatus.FAILING, CategoryStatus.BROKEN) for c in categories
            ),
            pending=sum(c.state == PENDING for c in categories),
        )
        everything = self.choice(
            "feed-all",
            "所有网站的全部栏目",
            "把上面所有栏目合成一个订阅源：与栏目订阅二选一。",
            [r for r in self.ctx.routes if r.site is None],
        )
        html = self.template.render(
            sites=sites,
            overview=overview,
            everything=everything,
            discovery=self.links(self.ctx.routes),
            articles=self.article_views(face),
            zone=zone_text(face),
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
