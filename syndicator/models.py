"""Frozen data types shared by every room.

They are split by where data comes from and where it goes:

- settings handed down by ``runtime.wiring`` from the validated config
  (``FetchSettings``, ``Selectors``, ``CategorySpec``, ``Schedule``, ``FeedSettings``, the
  ``Channel`` union), so that no room but ``runtime.wiring`` and ``cli`` reads the config;
- what extraction finds on one page (``ListItem``, ``ListPage``, ``ArticleData``);
- what the store keeps (``Article``, ``PollRecord``, ``HttpCache``);
- what the pure decider asks the store to do (``ArticleIntent``).

Every closed set of values is an enum (``StrEnum`` where the value is stored or sent,
so the database and the JSON keep their spelling). All datetimes are timezone-aware.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, ClassVar
from urllib.parse import urlsplit

# ---------------------------------------------------------------- settings (from config)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    user_agent: str = "syndicator/0.1 (+https://example.org/contact)"
    timeout: float = 20.0
    host_delay: float = 1.0
    retries: int = 3
    robots_txt: bool = True
    max_bytes: int = 5_000_000
    # Non-global addresses are refused unless allowed everywhere or for these host names
    # (the hosts of sites marked allow_private).
    allow_private: bool = False
    private_hosts: frozenset[str] = frozenset()

    def may_reach_private(self, host: str) -> bool:
        return self.allow_private or host.lower().rstrip(".") in self.private_hosts


class ScheduleKind(StrEnum):
    INTERVAL = "interval"
    CRON = "cron"
    AUTO = "auto"


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a category is polled; ``seconds`` is set for ``interval`` only.

    ``min``/``max`` bound the adaptive ``auto`` interval and are kept for every kind, so
    that error back-off has the same ceiling whatever the schedule.
    """

    kind: ScheduleKind
    seconds: float | None = None
    cron: str | None = None
    min: float = 120.0
    max: float = 3600.0
    timezone: str = "Asia/Shanghai"


class FeedFormat(StrEnum):
    ATOM = "atom"
    RSS = "rss"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Selectors:
    """Optional CSS overrides; ``None`` means automatic detection for that field."""

    item: str | None = None
    title: str | None = None
    date: str | None = None
    body: str | None = None
    info: str | None = None
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """One watched category, with every inherited default already applied."""

    site_id: str
    site_name: str
    site_url: str
    id: str
    name: str
    list_url: str
    timezone: str = "Asia/Shanghai"
    pages: int = 1
    selectors: Selectors = field(default_factory=Selectors)
    notify_on_first_poll: bool = False
    max_new_per_poll: int = 50
    # Re-read the newest ``recheck`` stored articles every ``recheck_every`` seconds
    # (conditional GETs), so corrections reach the feeds and ``on_update``; 0 is off.
    recheck: int = 0
    recheck_every: float = 6 * 3600.0
    # Past this many seconds a poll fetches no further article (the rest wait).
    poll_deadline: float = 600.0

    @property
    def key(self) -> str:
        return f"{self.site_id}/{self.id}"


@dataclass(frozen=True, slots=True)
class FeedSettings:
    public_url: str = "http://localhost:8080"
    formats: tuple[FeedFormat, ...] = (FeedFormat.ATOM, FeedFormat.RSS, FeedFormat.JSON)
    max_items: int = 50
    full_content: bool = True
    hubs: tuple[str, ...] = ()


# ---------------------------------------------------------------- extraction results


@dataclass(frozen=True, slots=True)
class ListItem:
    url: str
    title: str
    published: datetime | None = None
    date_only: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
        }


@dataclass(frozen=True, slots=True)
class ListPage:
    url: str
    items: tuple[ListItem, ...]
    next_page: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "items": [item.to_json() for item in self.items],
            "next_page": self.next_page,
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file an article offers (附件): its address, the name the page gives it, and its
    media type and size when known (from a HEAD request, else the type its name implies).
    Feeds carry it as an enclosure, mails and webhooks as a link."""

    url: str
    title: str = ""
    mime_type: str | None = None
    length: int | None = None

    def to_json(self) -> dict[str, Any]:
        # The names of JSON Feed's attachments, which webhook receivers may already know.
        return {
            "url": self.url,
            "title": self.title or None,
            "mime_type": self.mime_type,
            "size_in_bytes": self.length,
        }


def attachment_urls(files: tuple[Attachment, ...]) -> tuple[str, ...]:
    return tuple(f.url for f in files)


@dataclass(frozen=True, slots=True)
class ArticleData:
    """One article as read from its page (all parts joined), before storing."""

    url: str
    title: str
    published: datetime | None
    date_only: bool
    source: str | None
    author: str | None
    editor: str | None
    category: str | None
    content_html: str
    content_text: str
    images: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    next_part: str | None = None
    external_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "date_only": self.date_only,
            "source": self.source,
            "author": self.author,
            "editor": self.editor,
            "category": self.category,
            "content_html": self.content_html,
            "content_text": self.content_text,
            "images": list(self.images),
            "attachments": list(attachment_urls(self.attachments)),
        }
        if self.next_part is not None:
            data["next_part"] = self.next_part
        if self.external_url is not None:
            data["external_url"] = self.external_url
        return data


# ---------------------------------------------------------------- stored data


SUMMARY_CHARS = 200


def delivery_key(*parts: str) -> str:
    """A stable idempotency key for a notification event on a channel: the webhook-id
    and the outbox's unique key, the same whichever room plans the event."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"msg_{digest[:40]}"


def redact_url(url: str) -> str:
    """A URL as it may be shown: a password in it becomes ``***``, and past the host
    only ``/…`` stays when there is a path or query, where chat webhooks keep their
    tokens (``/services/T…/B…/X…``, ``?access_token=…``)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    rest = "/…" if parts.path.strip("/") or parts.query else parts.path
    return f"{parts.scheme}://{_netloc(parts.netloc, parts.password)}{rest}"


def redact_database_url(url: str) -> str:
    """A database URL as it may be shown: the password and every query value (a
    ``?password=`` there is a password too) become ``***``; the database name stays."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    query = "&".join(f"{p.partition('=')[0]}=***" for p in parts.query.split("&") if p)
    shown = f"{parts.scheme}://{_netloc(parts.netloc, parts.password)}{parts.path}"
    return f"{shown}?{query}" if query else shown


def _netloc(netloc: str, password: str | None) -> str:
    if password is None:
        return netloc
    user, _, host = netloc.rpartition("@")
    return f"{user.partition(':')[0]}:***@{host}"


def summarize(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first ``limit`` characters of a text on one line, "…" when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Article:
    """An article as the store keeps it. ``key`` is its identity within the site."""

    site: str
    category: str
    key: str
    url: str
    title: str
    published: datetime
    date_only: bool
    first_seen: datetime
    updated: datetime
    source: str | None
    author: str | None
    editor: str | None
    category_name: str
    content_html: str
    content_text: str
    images: tuple[str, ...]
    attachments: tuple[Attachment, ...]
    content_hash: str
    external_url: str | None = None
    baseline: bool = False
    # What the category's list said of the article (``decide.list_signature``): when it
    # changes, the article is read again.
    listed: str | None = None

    def event_data(self, entry_id: str, feed_url: str | None) -> dict[str, Any]:
        """The ``data`` of an article event (SPEC §7), for webhooks and mail alike."""
        return {
            "id": entry_id,
            "site": self.site,
            "category": self.category,
            "category_name": self.category_name,
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat(),
            "source": self.source,
            "author": self.author,
            "editor": self.editor,
            "summary": summarize(self.content_text),
            "images": list(self.images),
            "attachments": [f.to_json() for f in self.attachments],
            "feed_url": feed_url,
        }


class CategoryStatus(StrEnum):
    """A category's health (``CategoryState.status``)."""

    OK = "ok"
    FAILING = "failing"
    BROKEN = "broken"


class PollStatus(StrEnum):
    """How one poll ended, the one spelling for logs, metrics, the CLI and the API."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    ERROR = "error"


class Change(Enum):
    NEW = "new"
    CHANGED = "changed"
    # The list entry changed but the article did not: only the list signature is kept.
    RELISTED = "relisted"


@dataclass(frozen=True, slots=True)
class ArticleIntent:
    """What the decider wants stored: a new article, or a real content change."""

    article: Article
    change: Change
    notify: bool


@dataclass(frozen=True, slots=True)
class HttpCache:
    """Validators of the last 200 answer for a URL, for conditional GET."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class StoredFeed:
    """A built feed as kept for serving: the bytes, their ETag and Last-Modified."""

    path: str
    format: str
    body: bytes
    etag: str
    last_modified: datetime
    # The gzip of ``body`` when the store keeps it so (None: compress it if needed).
    gzipped: bytes | None = None


@dataclass(frozen=True, slots=True)
class FeedStamp:
    """Which version of a feed the store holds: its ETag, and the change number
    (``seq``) it was stored at."""

    path: str
    format: str
    etag: str
    seq: int


@dataclass(frozen=True, slots=True)
class PollRecord:
    """The outcome of one poll of one category."""

    site: str
    category: str
    started: datetime
    finished: datetime
    ok: bool
    items: int = 0
    new: int = 0
    changed: int = 0
    failed_articles: int = 0
    error: str | None = None
    not_modified: bool = False

    @property
    def status(self) -> PollStatus:
        if not self.ok:
            return PollStatus.ERROR
        return PollStatus.NOT_MODIFIED if self.not_modified else PollStatus.OK


@dataclass(frozen=True, slots=True)
class CategoryState:
    """What the store knows of a category's health and schedule.

    ``status`` is ``ok``, ``failing`` (the last poll failed: network, HTTP, storage) or
    ``broken`` (the portal answers but its layout no longer yields articles: an empty
    list, or articles that cannot be extracted, several polls in a row). It is stored,
    not recomputed, so a change of status is seen exactly once.
    """

    site: str
    category: str
    last_poll: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    empty_polls: int = 0
    polls: int = 0
    extract_failures: int = 0
    status: CategoryStatus = CategoryStatus.OK
    status_since: datetime | None = None
    next_due: datetime | None = None
    # When the newest articles were last re-read (``CategorySpec.recheck``).
    rechecked: datetime | None = None


# ---------------------------------------------------------------- notifications
#
# Channels and subscriptions come from the config through ``runtime.service``; a ``DeliveryIntent``
# is what a poll asks the store to write beside its articles (the transactional outbox);
# a ``Delivery`` is one row of that outbox as the dispatcher claims and records it.


class DeliveryState(StrEnum):
    """Where an outbox row stands. ``digest`` rows wait for their channel's digest run."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
    DIGEST = "digest"


class EventType(StrEnum):
    """The ``type`` of a notification, as a webhook body names it."""

    PUBLISHED = "article.published"
    UPDATED = "article.updated"
    BROKEN = "category.broken"
    RECOVERED = "category.recovered"
    DEAD = "delivery.dead"
    TEST = "test"


# Events about the service itself, sent to subscriptions with ``operator: true``.
OPERATOR_EVENTS = frozenset({EventType.BROKEN, EventType.RECOVERED, EventType.DEAD})


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


class ChannelKind(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    APPRISE = "apprise"


# Every channel type answers ``id``, ``kind``, ``timeout`` (the longest one attempt may
# take), ``digest`` (a cron, for kinds that batch) and ``rate_limited`` (a chat bot that
# blocks bursts), so the dispatcher never branches on the kind.


@dataclass(frozen=True, slots=True)
class EmailChannel:
    id: str
    smtp: SmtpSettings
    sender: str
    to: tuple[str, ...]
    digest: str | None = None

    kind: ClassVar[ChannelKind] = ChannelKind.EMAIL
    rate_limited: ClassVar[bool] = False

    @property
    def timeout(self) -> float:
        return self.smtp.timeout


@dataclass(frozen=True, slots=True)
class WebhookChannel:
    id: str
    url: str
    secret: str
    allow_private: bool = False
    timeout: float = 15.0

    kind: ClassVar[ChannelKind] = ChannelKind.WEBHOOK
    digest: ClassVar[str | None] = None
    rate_limited: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class AppriseChannel:
    id: str
    url: str
    timeout: float = 15.0

    kind: ClassVar[ChannelKind] = ChannelKind.APPRISE
    digest: ClassVar[str | None] = None
    rate_limited: ClassVar[bool] = True


Channel = EmailChannel | WebhookChannel | AppriseChannel


@dataclass(frozen=True, slots=True)
class Subscription:
    channel: str
    categories: tuple[str, ...] = ("*",)
    keywords: tuple[str, ...] = ()
    on_update: bool = False
    operator: bool = False

    def covers(self, site: str, category: str) -> bool:
        """Whether a pattern ('*', 'SITE/*', 'SITE/CAT') names this category."""
        for pattern in self.categories:
            if pattern in ("*", f"{site}/*", f"{site}/{category}"):
                return True
        return False

    def matches(self, article: Article) -> bool:
        if not self.covers(article.site, article.category):
            return False
        if not self.keywords:
            return True
        text = f"{article.title}\n{article.content_text}".casefold()
        return any(word.casefold() in text for word in self.keywords)


@dataclass(frozen=True, slots=True)
class DeliveryIntent:
    """A notification to write in the poll's transaction.

    ``key`` is the idempotency key (the webhook-id): derived from what is announced and
    the channel, so that the same event planned twice is one row (a unique index).
    ``data`` is the event's payload snapshot, as JSON-ready values.
    """

    key: str
    channel: str
    event: EventType
    state: DeliveryState
    site: str | None
    category: str | None
    article_key: str | None
    data: dict[str, Any]
    created: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row."""

    id: int
    key: str
    channel: str
    event: EventType
    state: DeliveryState
    site: str | None
    category: str | None
    article_key: str | None
    data: dict[str, Any]
    created: datetime
    attempts: int = 0
    next_attempt: datetime | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
