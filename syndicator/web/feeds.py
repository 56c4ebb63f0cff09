"""Serving built feeds: the feeds in demand held in memory, and HTTP caching.

The worker builds feeds and keeps their bytes in the store (gzipped); this module only
serves them. A feed in demand is held in memory with both its variants and its
response headers prepared once, so answering a request is a dict lookup plus a header
comparison; a bounded LRU keeps memory flat however many feeds are configured, and a
feed not in memory is read from the store off the event loop. ``Store.feeds.version()``
is asked at most once per second whether anything changed, and only the feeds changed
since are forgotten; requests meanwhile get what is in hand.

ETags: the identity variant carries the stored ETag, the gzip variant the same tag
with ``-gzip`` appended inside the quotes (as Apache does), because the two are
different byte sequences and a cache keyed on ETag must not mix them. Either tag in
``If-None-Match`` matches both variants: they hold the same feed version.

A query asking for a filtered feed (``web/filtered.py``) gets a variant made from the
cached feed and kept in a small LRU of its own; any other query string is ignored.

A feed that is configured but not built yet answers 503 with ``Retry-After``: serving
an empty feed would make readers record "no entries" and build nothing per request is
the rule.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import anyio.to_thread
from starlette.types import Scope, Send

from syndicator import metrics
from syndicator.errors import FilterError
from syndicator.feeds.meta import CONTENT_TYPES, content_type
from syndicator.models import StoredFeed
from syndicator.web.filtered import FeedQuery, Lru, filtered_body, parse_query
from syndicator.web.reads import FeedReads

RawHeaders = list[tuple[bytes, bytes]]

log = logging.getLogger("syndicator.web")

CHECK_INTERVAL = timedelta(seconds=1)
# Feeds kept in memory at most: the hot ones (the all feed, the busiest categories).
HOT_FEEDS = 256
HOT_BYTES = 16 * 1024 * 1024
NOT_BUILT_RETRY_AFTER = 30
_GZIP_LEVEL = 6
_ETAG = re.compile(r'\s*(?:W/)?("[^"]*")\s*(?:,|$)')


@dataclass(frozen=True)
class FeedRoute:
    """One served feed in one format."""

    path: str
    fmt: str
    title: str
    site: str | None
    category: str | None
    max_age: int

    def url(self, public_url: str) -> str:
        return f"{public_url.rstrip('/')}/{self.path.strip('/')}.{self.fmt}"


@dataclass(frozen=True)
class Variant:
    body: bytes
    headers: RawHeaders  # for a 200 answer, Content-Length included
    not_modified: RawHeaders  # for a 304 answer


@dataclass(frozen=True)
class CachedFeed:
    etag: str
    tags: frozenset[str]  # both variants' opaque tags, quotes included
    raw_tags: frozenset[bytes]  # the same as header bytes, for the exact-match fast path
    last_modified: datetime  # whole seconds, as Last-Modified says it
    plain: Variant
    gzipped: Variant


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def gzip_etag(etag: str) -> str:
    return etag[:-1] + '-gzip"' if etag.endswith('"') else etag + "-gzip"


def build_cached(
    feed: StoredFeed,
    route: FeedRoute,
    extra: Sequence[tuple[str, str]],
    previous: CachedFeed | None = None,
) -> CachedFeed:
    """Headers and the gzip variant of one stored feed; reuses the gzip bytes of the
    previous copy when the feed did not change."""
    modified = feed.last_modified.replace(microsecond=0)
    if feed.gzipped is not None:
        packed = feed.gzipped  # as the store keeps it: nothing to compress
    elif previous is not None and previous.etag == feed.etag:
        packed = previous.gzipped.body
    else:
        packed = gzip.compress(feed.body, _GZIP_LEVEL, mtime=0)
    zipped_tag = gzip_etag(feed.etag)
    common = [
        ("cache-control", f"public, max-age={route.max_age}"),
        ("last-modified", http_date(modified)),
        ("vary", "Accept-Encoding"),
        *extra,
    ]

    def variant(body: bytes, etag: str, encoding: str | None) -> Variant:
        head = [("etag", etag), *common]
        full = [
            *head,
            ("content-type", content_type(route.fmt)),
            ("content-length", str(len(body))),
        ]
        if encoding:
            full.append(("content-encoding", encoding))
        return Variant(body, _raw(full), _raw(head))

    return CachedFeed(
        etag=feed.etag,
        tags=frozenset({feed.etag, zipped_tag}),
        raw_tags=frozenset({feed.etag.encode("latin-1"), zipped_tag.encode("latin-1")}),
        last_modified=modified,
        plain=variant(feed.body, feed.etag, None),
        gzipped=variant(packed, zipped_tag, "gzip"),
    )


def _raw(headers: Sequence[tuple[str, str]]) -> RawHeaders:
    for name, value in headers:
        # Values come from the store and the config; a CR or LF would split the answer.
        if "\r" in value or "\n" in value:
            raise ValueError(f"header {name} holds a line break: {value!r}")
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]


def link_headers(route: FeedRoute, public_url: str, hubs: Sequence[str]) -> list[tuple[str, str]]:
    """WebSub discovery; rel values quoted, since some hubs deliver nothing otherwise."""
    if not hubs:
        return []
    links = [f'<{hub}>; rel="hub"' for hub in hubs]
    links.append(f'<{route.url(public_url)}>; rel="self"')
    return [("link", link) for link in links]


class FeedCache:
    """The feeds in demand, in memory, at most ``HOT_FEEDS`` of them and ``HOT_BYTES``
    together; the others are read from the store when asked for. Once a second (off the
    event loop) the store's change number is read, and when it moved, the feeds changed
    since are dropped from memory, to be read again on their next request: memory and
    refresh cost stay flat however many feeds there are."""

    def __init__(
        self,
        feeds: FeedReads,
        routes: Sequence[FeedRoute],
        public_url: str,
        hubs: Sequence[str],
        clock: Callable[[], datetime],
    ) -> None:
        self.feeds = feeds
        self.routes: dict[tuple[str, str], FeedRoute] = {
            (r.path.strip("/"), r.fmt): r for r in routes
        }
        self.public_url = public_url
        self.hubs = tuple(hubs)
        self.clock = clock
        self.hot: Lru[tuple[str, str], CachedFeed] = Lru(
            lambda f: len(f.plain.body) + len(f.gzipped.body),
            max_entries=HOT_FEEDS,
            max_bytes=HOT_BYTES,
        )
        # Configured feeds the store did not hold when last asked: 503 without a query.
        self._missing: set[tuple[str, str]] = set()
        self._seq: int | None = None
        self._checked: datetime | None = None
        self._lock = threading.Lock()
        self._background: asyncio.Future[None] | None = None
        # (path, format, normalized query, source ETag): a rebuilt feed misses at once.
        self.variants: Lru[tuple[str, str, str, str], CachedFeed] = Lru(
            lambda f: len(f.plain.body) + len(f.gzipped.body)
        )

    def due(self, now: datetime) -> bool:
        last = self._checked
        return last is None or now - last >= CHECK_INTERVAL or now < last

    async def get(self, key: tuple[str, str]) -> CachedFeed | None:
        """The feed of ``key`` (a configured route), or None when it is not built.

        Only the first look waits for the store's change number; after that the look
        once a second runs on a thread while requests are answered from what is held:
        a feed the worker just rewrote may be served a second late, but no request
        waits for a refresh (in one process the worker refreshes at once, see
        ``refresh``)."""
        now = self.clock()
        if self.due(now):
            # Claimed before awaiting, so concurrent requests do not queue up refreshes.
            self._checked = now
            if self._seq is None:
                await anyio.to_thread.run_sync(self.refresh_logged)
            else:
                self._background = asyncio.get_running_loop().run_in_executor(
                    None, self.refresh_logged
                )
        found = self.hot.get(key)
        if found is not None or key in self._missing:
            return found
        try:
            return await anyio.to_thread.run_sync(self.load, key)
        except Exception:
            log.exception("could not read feed %s.%s from the store", *key)
            return None

    def refresh_logged(self) -> None:
        try:
            self.refresh()
        except Exception:
            # A database hiccup must not take the feeds down: serve what is in hand and
            # look again in a second.
            log.exception("could not refresh the feeds from the store")

    def refresh(self) -> bool:
        """Take in the feeds changed since the last look; True if any did.

        A changed feed that is held is read again here, off the request path, so the
        feeds in demand stay in hand; the others are read when first asked for."""
        with self._lock:
            seq = int(self.feeds.version())
            if seq == self._seq:
                return False
            if self._seq is None or seq < self._seq:
                # The first look, or another database (restored, replaced): start over.
                self.hot.clear()
                self._missing.clear()
            else:
                for stamp in self.feeds.changes(self._seq):
                    key = (stamp.path.strip("/"), stamp.format)
                    self._missing.discard(key)
                    held = self.hot.peek(key)
                    if held is not None and held.etag != stamp.etag:
                        self._reload(key, held)
            self._seq = seq
            return True

    def _reload(self, key: tuple[str, str], held: CachedFeed) -> None:
        route = self.routes.get(key)
        feed = self.feeds.get(route.path, route.fmt) if route is not None else None
        if route is None or feed is None:
            self.hot.discard(key)
            return
        extra = link_headers(route, self.public_url, self.hubs)
        self.hot.put(key, build_cached(feed, route, extra, held))

    def load(self, key: tuple[str, str]) -> CachedFeed | None:
        route = self.routes[key]
        feed = self.feeds.get(route.path, route.fmt)
        if feed is None:
            self._missing.add(key)
            return None
        cached = build_cached(feed, route, link_headers(route, self.public_url, self.hubs))
        self.hot.put(key, cached)
        return cached

    async def filtered(self, route: FeedRoute, source: CachedFeed, query: FeedQuery) -> CachedFeed:
        """The variant of ``source`` that ``query`` asks for, made off the event loop
        on a miss."""
        key = (route.path.strip("/"), route.fmt, query.query_string, source.etag)
        found = self.variants.get(key)
        if found is None:
            found = await anyio.to_thread.run_sync(self._filter, route, source, query)
            self.variants.put(key, found)
        return found

    def _filter(self, route: FeedRoute, source: CachedFeed, query: FeedQuery) -> CachedFeed:
        body, etag = filtered_body(route.fmt, source.plain.body, query, route.url(self.public_url))
        feed = StoredFeed(route.path, route.fmt, body, etag, source.last_modified)
        # No Link headers: the filtered feed has no hub (see feeds/filter.py).
        return build_cached(feed, route, ())


def accepts_gzip(header: str) -> bool:
    """True when Accept-Encoding allows gzip (explicitly, or by ``*``), q=0 excluded."""
    allowed: dict[str, bool] = {}
    for part in header.split(","):
        token, _, params = part.partition(";")
        name = token.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        allowed[name] = q > 0
    if "gzip" in allowed:
        return allowed["gzip"]
    if "x-gzip" in allowed:
        return allowed["x-gzip"]
    return allowed.get("*", False)


def etag_matches(header: str, tags: frozenset[str]) -> bool:
    """Weak comparison (RFC 9110 §13.1.2) of If-None-Match against the feed's tags."""
    if header.strip() == "*":
        return True
    pos = 0
    while pos < len(header):
        found = _ETAG.match(header, pos)
        if found is None:
            return False
        if found.group(1) in tags:
            return True
        pos = found.end()
    return False


def not_modified_since(header: str, modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified <= since


def is_fresh(inm: bytes | None, ims: bytes | None, feed: CachedFeed) -> bool:
    """Whether a conditional GET may be answered 304; If-Modified-Since only counts
    when there is no If-None-Match (RFC 9110 §13.1.3). A client repeating our tag
    verbatim (nearly all of them) is matched without parsing."""
    if inm is not None:
        return inm in feed.raw_tags or etag_matches(inm.decode("latin-1"), feed.tags)
    return ims is not None and not_modified_since(ims.decode("latin-1"), feed.last_modified)


def wants_gzip(raw: bytes) -> bool:
    """Accept-Encoding allows gzip; the common forms ("gzip, deflate, br") are decided
    without parsing, anything with q-values or a wildcard by ``accepts_gzip``."""
    if b";" not in raw and b"*" not in raw:
        return b"gzip" in raw.lower()
    return accepts_gzip(raw.decode("latin-1"))


def choose(feed: CachedFeed, headers: Iterable[tuple[bytes, bytes]]) -> tuple[bool, Variant]:
    """Whether the request may be answered 304, and with which variant; ``headers`` are
    the request's, names lower-cased (as ASGI and uvicorn give them)."""
    inm = ims = encodings = None
    # One pass over the raw headers, nothing decoded: this is the hot path. Repeated
    # fields are joined with commas, as RFC 9110 §5.3 allows.
    for name, value in headers:
        if name == b"if-none-match":
            inm = value if inm is None else inm + b", " + value
        elif name == b"accept-encoding":
            encodings = value if encodings is None else encodings + b", " + value
        elif name == b"if-modified-since" and ims is None:
            ims = value
    variant = feed.gzipped if encodings is not None and wants_gzip(encodings) else feed.plain
    return is_fresh(inm, ims, feed), variant


async def serve_feed(cache: FeedCache, scope: Scope, send: Send) -> None:
    """Answer one ``/feeds/…`` request from the cache; no request body is read."""
    method = scope["method"]
    stem, dot, fmt = scope["path"].lstrip("/").rpartition(".")
    key = (stem, fmt)
    route = cache.routes.get(key) if dot else None
    if route is None:
        await _plain(send, 404, b"no such feed\n")
        metrics.record_feed_request(fmt if fmt in CONTENT_TYPES else "other", 404)
        return
    if method not in ("GET", "HEAD"):
        await _plain(send, 405, b"method not allowed\n", [(b"allow", b"GET, HEAD")])
        return
    try:
        query = parse_query(scope["query_string"]) if scope.get("query_string") else None
    except FilterError as error:
        await _plain(send, 400, f"{error}\n".encode())
        metrics.record_feed_request(fmt, 400)
        return
    feed = await cache.get(key)
    if feed is None:
        await _plain(
            send,
            503,
            b"this feed is not built yet\n",
            [(b"retry-after", str(NOT_BUILT_RETRY_AFTER).encode())],
        )
        metrics.record_feed_request(fmt, 503)
        return
    if query is not None:
        try:
            feed = await cache.filtered(route, feed, query)
        except FilterError as error:
            await _plain(send, 400, f"{error}\n".encode())
            metrics.record_feed_request(fmt, 400)
            return
    fresh, variant = choose(feed, scope["headers"])
    if fresh:
        await send({"type": "http.response.start", "status": 304, "headers": variant.not_modified})
        await send({"type": "http.response.body", "body": b""})
        metrics.record_feed_request(fmt, 304)
        return
    await send({"type": "http.response.start", "status": 200, "headers": variant.headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else variant.body})
    metrics.record_feed_request(fmt, 200)


async def _plain(send: Send, status: int, body: bytes, extra: RawHeaders | None = None) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
