"""The update pipeline for one category, top to bottom as the data flows:

fetch list page(s) → extract items → drop known ids → fetch each new article (all its
parts) → extract → decide → ``store.apply`` (one transaction).

Per-article failures are counted, logged and retried at the next poll (an article that
failed is not stored, so it is still "new" then); they never stop the other articles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from syndicator.errors import ExtractError, FetchError, HTTPStatusError, NotAList, StoreError
from syndicator.extract import (
    article_key,
    decode_html,
    extract_article,
    extract_list,
    join_parts,
)
from syndicator.fetch import FetchResult
from syndicator.models import (
    Article,
    ArticleData,
    ArticleIntent,
    CategorySpec,
    CategoryState,
    DeliveryIntent,
    HttpCache,
    ListItem,
    ListPage,
    PollRecord,
    Subscription,
)
from syndicator.poll.decide import build_article, decide, is_baseline, next_state
from syndicator.poll.plan import Describe, article_data, plan_deliveries

log = logging.getLogger("syndicator.poll")

MAX_PARTS = 50


class FetcherLike(Protocol):
    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult: ...


class ArticleReads(Protocol):
    def known_keys(self, site: str, keys: Sequence[str]) -> set[str]: ...
    def count(self, *, site: str | None = None, category: str | None = None) -> int: ...


class CategoryReads(Protocol):
    def http_cache(self, url: str) -> HttpCache | None: ...
    def state(self, site: str, category: str) -> CategoryState: ...


class StoreLike(Protocol):
    """What a poll reads, and its one write (``store.Store`` satisfies it)."""

    @property
    def articles(self) -> ArticleReads: ...
    @property
    def categories(self) -> CategoryReads: ...
    def apply(
        self,
        intents: Sequence[ArticleIntent],
        record: PollRecord,
        state: CategoryState | None,
        caches: Sequence[HttpCache] = (),
        deliveries: Sequence[DeliveryIntent] = (),
    ) -> list[Article]: ...


@dataclass(frozen=True, slots=True)
class PollOutcome:
    record: PollRecord
    state: CategoryState
    previous: CategoryState
    stored: tuple[Article, ...] = ()
    retry_after: float | None = None
    errors: tuple[str, ...] = field(default=())
    # New articles left for the next polls by the per-poll cap.
    deferred: int = 0
    # The list page after the last one read (None: the last page, or a page seen again).
    next_page: str | None = None


@dataclass
class _ListScan:
    items: list[ListItem] = field(default_factory=list)
    caches: list[HttpCache] = field(default_factory=list)
    not_modified: bool = False
    pages_read: int = 0
    next_page: str | None = None


def _read_lists(
    spec: CategorySpec,
    fetcher: FetcherLike,
    store: StoreLike,
    pages: int,
    tz: tzinfo,
    now: datetime,
    *,
    start: str,
    stop_when_known: bool,
    conditional: bool,
) -> _ListScan:
    scan = _ListScan()
    url: str | None = start
    seen_pages: set[str] = set()
    while url and scan.pages_read < pages and url not in seen_pages:
        seen_pages.add(url)
        cache = store.categories.http_cache(url) if conditional else None
        result = fetcher.get(
            url,
            etag=cache.etag if cache else None,
            last_modified=cache.last_modified if cache else None,
        )
        scan.pages_read += 1
        if result.not_modified:
            # An unchanged list page: nothing behind it can be new either.
            scan.not_modified = scan.pages_read == 1
            break
        text, encoding = decode_html(result.body, result.content_type)
        try:
            listing = extract_list(
                text, result.url, tz=tz, now=now, selectors=spec.selectors, encoding=encoding
            )
        except NotAList:
            # An answer with no list is an empty list: three in a row mark the layout
            # broken, which a failed poll (a network matter) would not.
            if scan.pages_read > 1:
                break
            listing = ListPage(url=result.url, items=())
        if conditional and (result.etag or result.last_modified):
            scan.caches.append(
                HttpCache(url=url, etag=result.etag, last_modified=result.last_modified)
            )
        scan.items.extend(listing.items)
        if stop_when_known and listing.items:
            keys = [article_key(item.url) for item in listing.items]
            if len(store.articles.known_keys(spec.site_id, keys)) == len(set(keys)):
                break
        url = listing.next_page
    scan.next_page = url if url not in seen_pages else None
    return scan


def fetch_article(
    url: str, fetcher: FetcherLike, spec: CategorySpec, tz: tzinfo, now: datetime
) -> ArticleData:
    """Fetch and extract an article with all its parts."""
    parts: list[ArticleData] = []
    seen: set[str] = set()
    next_url: str | None = url
    while next_url and next_url not in seen and len(parts) < MAX_PARTS:
        seen.add(next_url)
        result = fetcher.get(next_url)
        text, encoding = decode_html(result.body, result.content_type)
        part = extract_article(
            text, result.url, tz=tz, now=now, selectors=spec.selectors, encoding=encoding
        )
        parts.append(part)
        next_url = part.next_part
    return parts[0] if len(parts) == 1 else join_parts(parts)


def _unique_new(items: list[ListItem], known: set[str]) -> list[tuple[str, ListItem]]:
    out: list[tuple[str, ListItem]] = []
    seen: set[str] = set()
    for item in items:
        key = article_key(item.url)
        if key in known or key in seen:
            continue
        seen.add(key)
        out.append((key, item))
    return out


def poll_category(
    spec: CategorySpec,
    fetcher: FetcherLike,
    store: StoreLike,
    *,
    clock: Callable[[], datetime],
    pages: int | None = None,
    backfill: bool = False,
    progress: Callable[[int, int], None] | None = None,
    subscriptions: Sequence[Subscription] = (),
    digest_channels: Collection[str] = (),
    describe: Describe = article_data,
    list_url: str | None = None,
    conditional: bool = True,
) -> PollOutcome:
    """One poll of one category. Errors come back as values, never raised, so one
    broken category never stops the others.

    ``backfill`` stores what it finds as baseline (never notified) and leaves the
    category's health alone; ``list_url`` starts at another list page than the first,
    and ``conditional=False`` reads lists whole, whatever validators are stored."""
    started = clock()
    tz = ZoneInfo(spec.timezone)
    state = store.categories.state(spec.site_id, spec.id)
    baseline = backfill or is_baseline(
        state.polls,
        store.articles.count(site=spec.site_id, category=spec.id),
        spec.notify_on_first_poll,
    )
    try:
        scan = _read_lists(
            spec,
            fetcher,
            store,
            pages or spec.pages,
            tz,
            started,
            start=list_url or spec.list_url,
            stop_when_known=not backfill,
            conditional=conditional,
        )
    except (FetchError, ExtractError) as exc:
        record = PollRecord(
            site=spec.site_id,
            category=spec.id,
            started=started,
            finished=clock(),
            ok=False,
            error=str(exc),
        )
        new_state = state if backfill else next_state(state, record)
        store.apply([], record, None if backfill else new_state)
        retry = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        return PollOutcome(
            record=record, state=new_state, previous=state, retry_after=retry, errors=(str(exc),)
        )

    known = store.articles.known_keys(spec.site_id, [article_key(i.url) for i in scan.items])
    todo = _unique_new(scan.items, known)
    deferred = 0
    if not backfill and len(todo) > spec.max_new_per_poll:
        # The list's order is newest first; what waits is fetched by the next polls.
        deferred = len(todo) - spec.max_new_per_poll
        todo = todo[: spec.max_new_per_poll]
        log.info(
            "%s: %d new articles; %d now, %d wait for the next polls",
            spec.key,
            deferred + len(todo),
            len(todo),
            deferred,
        )
    intents: list[ArticleIntent] = []
    errors: list[str] = []
    for done, (key, item) in enumerate(todo, start=1):
        try:
            data = fetch_article(item.url, fetcher, spec, tz, clock())
        except (FetchError, ExtractError) as exc:
            log.warning("%s: article skipped: %s", spec.key, exc)
            errors.append(str(exc))
            continue
        finally:
            if progress is not None:
                progress(done, len(todo))
        candidate = build_article(spec, key, item, data, clock(), tz, baseline=baseline)
        intent = decide(candidate, None, notify=not baseline)
        if intent is not None:
            intents.append(intent)

    record = PollRecord(
        site=spec.site_id,
        category=spec.id,
        started=started,
        finished=clock(),
        ok=True,
        items=len(scan.items),
        new=len(intents),
        failed_articles=len(errors),
        not_modified=scan.not_modified,
    )
    # A backfill reads old pages: what it finds says nothing of the category's health.
    new_state = state if backfill else next_state(state, record)
    # Keep the list's validators only when every new article was stored: otherwise the
    # next poll would get a 304 and never retry the ones that failed or had to wait.
    caches = scan.caches if not errors and not deferred else []
    deliveries = plan_deliveries(
        intents,
        subscriptions,
        state,
        new_state,
        now=record.finished,
        category_name=spec.name,
        digest_channels=digest_channels,
        describe=describe,
    )
    try:
        stored = store.apply(intents, record, None if backfill else new_state, caches, deliveries)
    except StoreError as exc:
        failed = PollRecord(
            site=spec.site_id,
            category=spec.id,
            started=started,
            finished=clock(),
            ok=False,
            error=str(exc),
        )
        return PollOutcome(
            record=failed,
            state=next_state(state, failed),
            previous=state,
            errors=(*errors, str(exc)),
        )
    return PollOutcome(
        record=record,
        state=new_state,
        previous=state,
        stored=tuple(stored),
        errors=tuple(errors),
        deferred=deferred,
        next_page=scan.next_page,
    )
