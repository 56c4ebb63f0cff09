"""The update pipeline for one category, top to bottom as the data flows:

fetch list page(s) → extract items → drop known ids (unless their list entry changed) →
fetch each new article (all its parts) → re-read the newest stored ones when a recheck
is due (conditional GETs) → extract → decide → ``store.apply`` (one transaction).

Per-article failures are counted, logged and retried at the next poll (an article that
failed is not stored, so it is still "new" then); they never stop the other articles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from functools import partial
from typing import Protocol, TypeVar
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
    Attachment,
    CategorySpec,
    CategoryState,
    Change,
    DeliveryIntent,
    HttpCache,
    ListItem,
    ListPage,
    PollRecord,
    Subscription,
)
from syndicator.poll.decide import (
    build_article,
    decide,
    file_facts,
    is_baseline,
    list_signature,
    next_state,
)
from syndicator.poll.plan import Describe, article_data, plan_deliveries

log = logging.getLogger("syndicator.poll")

_T = TypeVar("_T")


class Lane(Protocol):
    """Where a poll's parsing runs: ``lane(work)`` runs ``work`` and returns its
    result (or raises what it raised)."""

    def __call__(self, work: Callable[[], _T]) -> _T: ...


def inline(work: Callable[[], _T]) -> _T:
    """No lane: the parsing runs in the poll's own thread."""
    return work()


MAX_PARTS = 50
# HEAD requests for the type and size of one article's attachments; the rest keep the
# type their names imply.
MAX_HEADS = 10


class FetcherLike(Protocol):
    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult: ...
    def head(self, url: str) -> FetchResult: ...


class ArticleReads(Protocol):
    def known_keys(self, site: str, keys: Sequence[str]) -> set[str]: ...
    def listings(self, site: str, keys: Sequence[str]) -> dict[str, tuple[str, str | None]]: ...
    def get(self, site: str, key: str) -> Article | None: ...
    def newest(
        self, *, site: str | None = None, category: str | None = None, limit: int | None = 50
    ) -> list[Article]: ...
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
    lane: Lane,
) -> _ListScan:
    scan = _ListScan()
    url: str | None = start
    seen_pages: set[str] = set()
    while url and scan.pages_read < pages and url not in seen_pages:
        seen_pages.add(url)
        cache = store.categories.http_cache(list_cache_key(spec, url)) if conditional else None
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
        try:
            listing = lane(partial(_list_of, result, spec, tz, now))
        except NotAList:
            # An answer with no list is an empty list: three in a row mark the layout
            # broken, which a failed poll (a network matter) would not.
            if scan.pages_read > 1:
                break
            listing = ListPage(url=result.url, items=())
        if conditional and (result.etag or result.last_modified):
            scan.caches.append(
                HttpCache(
                    url=list_cache_key(spec, url),
                    etag=result.etag,
                    last_modified=result.last_modified,
                )
            )
        scan.items.extend(listing.items)
        if stop_when_known and listing.items:
            keys = [article_key(item.url) for item in listing.items]
            if len(store.articles.known_keys(spec.site_id, keys)) == len(set(keys)):
                break
        url = listing.next_page
    scan.next_page = url if url not in seen_pages else None
    return scan


def _list_of(result: FetchResult, spec: CategorySpec, tz: tzinfo, now: datetime) -> ListPage:
    text, encoding = decode_html(result.body, result.content_type)
    return extract_list(
        text, result.url, tz=tz, now=now, selectors=spec.selectors, encoding=encoding
    )


def _article_of(result: FetchResult, spec: CategorySpec, tz: tzinfo, now: datetime) -> ArticleData:
    text, encoding = decode_html(result.body, result.content_type)
    return extract_article(
        text, result.url, tz=tz, now=now, selectors=spec.selectors, encoding=encoding
    )


def list_cache_key(spec: CategorySpec, url: str) -> str:
    """Where a list page's validators are kept: per category, since two categories (of
    two sites, or one list watched twice) may share a list URL, and one's 304 must not
    hide the articles the other has never stored."""
    return f"{spec.site_id}/{spec.id} {url}"


def fetch_article(
    url: str,
    fetcher: FetcherLike,
    spec: CategorySpec,
    tz: tzinfo,
    now: datetime,
    *,
    cache: HttpCache | None = None,
    lane: Lane = inline,
) -> tuple[ArticleData | None, HttpCache | None]:
    """Fetch and extract an article with all its parts, and the first part's validators.

    With ``cache``, the first part is asked for conditionally: ``None`` data means the
    portal answered 304 (unchanged)."""
    parts: list[ArticleData] = []
    seen: set[str] = set()
    next_url: str | None = url
    validators: HttpCache | None = None
    while next_url and next_url not in seen and len(parts) < MAX_PARTS:
        seen.add(next_url)
        first = not parts
        asked = cache if first else None
        result = fetcher.get(
            next_url,
            etag=asked.etag if asked else None,
            last_modified=asked.last_modified if asked else None,
        )
        if first:
            if result.etag or result.last_modified:
                validators = HttpCache(
                    url=url, etag=result.etag, last_modified=result.last_modified
                )
            if result.not_modified:
                return None, validators
        part = lane(partial(_article_of, result, spec, tz, now))
        parts.append(part)
        next_url = part.next_part
    return (parts[0] if len(parts) == 1 else join_parts(parts)), validators


def _unique(items: list[ListItem]) -> list[tuple[str, ListItem]]:
    out: list[tuple[str, ListItem]] = []
    seen: set[str] = set()
    for item in items:
        key = article_key(item.url)
        if key not in seen:
            seen.add(key)
            out.append((key, item))
    return out


def describe_files(
    files: Sequence[Attachment], fetcher: FetcherLike, known: Sequence[Attachment] = ()
) -> tuple[Attachment, ...]:
    """The attachments with their media type and size from a HEAD request each (a feed's
    enclosure wants both), at most ``MAX_HEADS``; a file described before keeps what was
    learnt, and one the server will not describe keeps the type its name implies."""
    learnt = {f.url: f for f in known if f.length is not None}
    out: list[Attachment] = []
    asked = 0
    for file in files:
        if file.url in learnt:
            before = learnt[file.url]
            out.append(replace(file, mime_type=before.mime_type, length=before.length))
            continue
        if asked >= MAX_HEADS:
            out.append(file)
            continue
        asked += 1
        try:
            result = fetcher.head(file.url)
        except FetchError as exc:
            log.info("attachment not described: %s", exc)
            out.append(file)
            continue
        out.append(file_facts(file, result.content_type, result.content_length))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Work:
    """One article to read: new (``existing`` None), relisted, or due for a recheck."""

    key: str
    item: ListItem
    existing: Article | None = None
    recheck: bool = False


def _relisted(
    spec: CategorySpec,
    store: StoreLike,
    listed: list[tuple[str, ListItem]],
    known: dict[str, tuple[str, str | None]],
) -> tuple[list[_Work], list[ArticleIntent]]:
    """Known articles whose entry on this category's list says something new: read
    again. One stored before list signatures were kept gets its signature, unread. An
    article listed by another category of the site (a 要闻 also under 首页) is that
    category's to follow: two lists titling it differently must not re-read it forever."""
    reread: list[_Work] = []
    quiet: list[ArticleIntent] = []
    for key, item in listed:
        category, signature = known[key]
        if category != spec.id or signature == list_signature(item):
            continue
        existing = store.articles.get(spec.site_id, key)
        if existing is None:
            continue
        if signature is None:
            article = replace(existing, listed=list_signature(item))
            quiet.append(ArticleIntent(article=article, change=Change.RELISTED, notify=False))
        else:
            reread.append(_Work(key=key, item=item, existing=existing))
    return reread, quiet


def _recheck_due(spec: CategorySpec, state: CategoryState, now: datetime) -> bool:
    if spec.recheck <= 0:
        return False
    last = state.rechecked
    return last is None or (now - last).total_seconds() >= spec.recheck_every


def _rechecks(spec: CategorySpec, store: StoreLike, skip: set[str]) -> list[_Work]:
    """The category's newest stored articles, to be asked again whether they changed."""
    newest = store.articles.newest(site=spec.site_id, category=spec.id, limit=spec.recheck)
    return [
        _Work(
            key=a.key,
            item=ListItem(url=a.url, title=a.title, published=a.published),
            existing=a,
            recheck=True,
        )
        for a in newest
        if a.key not in skip
    ]


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
    stopping: Callable[[], bool] = lambda: False,
    lane: Lane = inline,
) -> PollOutcome:
    """One poll of one category. Errors come back as values, never raised, so one
    broken category never stops the others.

    ``backfill`` stores what it finds as baseline (never notified) and leaves the
    category's health alone; ``list_url`` starts at another list page than the first,
    and ``conditional=False`` reads lists whole, whatever validators are stored. Once
    ``stopping()`` says so, no further article is fetched: what was read is stored and
    the rest waits.

    Decoding and extracting pages run on ``lane``: a service with many polls in flight
    passes one thread that parses for all of them (see ``runtime.lane``)."""
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
            lane=lane,
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

    listed = _unique(scan.items)
    known = store.articles.listings(spec.site_id, [key for key, _item in listed])
    todo = [_Work(key=key, item=item) for key, item in listed if key not in known]
    quiet: list[ArticleIntent] = []
    reread: list[_Work] = []
    if not backfill:
        reread, quiet = _relisted(spec, store, [p for p in listed if p[0] in known], known)
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
    # Re-reads of relisted articles share the cap (a portal renaming every entry at once
    # is read over several polls); the recheck is bounded by its own count.
    room = max(0, spec.max_new_per_poll - len(todo))
    deferred += max(0, len(reread) - room)
    todo += reread[:room]
    rechecking = not backfill and _recheck_due(spec, state, started)
    if rechecking:
        todo += _rechecks(spec, store, {w.key for w in todo})
    intents: list[ArticleIntent] = list(quiet)
    errors: list[str] = []
    article_caches: list[HttpCache] = []
    deadline = started + timedelta(seconds=spec.poll_deadline)
    for done, work in enumerate(todo, start=1):
        late, stop = clock() >= deadline, stopping()
        if late or stop:
            # The rest wait for the next poll (soon: the backlog schedule), unread.
            waiting = sum(1 for w in todo[done - 1 :] if not w.recheck)
            deferred += waiting
            why = "stopping" if stop else f"poll deadline of {spec.poll_deadline:g}s reached"
            log.warning("%s: %s; %d articles wait for the next poll", spec.key, why, waiting)
            break
        cache = store.categories.http_cache(work.item.url) if work.recheck else None
        try:
            data, validators = fetch_article(
                work.item.url, fetcher, spec, tz, clock(), cache=cache, lane=lane
            )
        except (FetchError, ExtractError) as exc:
            if work.existing is None:
                log.warning("%s: article skipped: %s", spec.key, exc)
                errors.append(str(exc))
            else:
                # A known article that cannot be read again (moved, withdrawn, a bad
                # moment) keeps what was stored; it is no sign of a broken layout.
                log.info("%s: known article not re-read: %s", spec.key, exc)
            continue
        finally:
            if progress is not None:
                progress(done, len(todo))
        if validators is not None and (work.recheck or spec.recheck > 0):
            article_caches.append(validators)
        if data is None:
            continue
        candidate = build_article(spec, work.key, work.item, data, clock(), tz, baseline=baseline)
        if work.recheck:
            # A recheck did not read the list: what the list said stays.
            candidate = replace(candidate, listed=None)
        intent = decide(candidate, work.existing, notify=not baseline)
        if intent is not None and intent.change is not Change.RELISTED:
            before = work.existing.attachments if work.existing else ()
            files = describe_files(intent.article.attachments, fetcher, before)
            intent = replace(intent, article=replace(intent.article, attachments=files))
        if intent is not None:
            intents.append(intent)
    if rechecking:
        log.info("%s: re-read its %d newest articles", spec.key, sum(w.recheck for w in todo))

    created = sum(1 for i in intents if i.change is Change.NEW)
    changed = sum(1 for i in intents if i.change is Change.CHANGED)
    if changed:
        log.info("%s: %d known articles changed", spec.key, changed)
    record = PollRecord(
        site=spec.site_id,
        category=spec.id,
        started=started,
        finished=clock(),
        ok=True,
        items=len(scan.items),
        new=created,
        changed=changed,
        failed_articles=len(errors),
        not_modified=scan.not_modified,
    )
    # A backfill reads old pages: what it finds says nothing of the category's health.
    new_state = state if backfill else next_state(state, record)
    if rechecking:
        new_state = replace(new_state, rechecked=started)
    # Keep the list's validators only when every new article was stored: otherwise the
    # next poll would get a 304 and never retry the ones that failed or had to wait.
    caches = (scan.caches if not errors and not deferred else []) + article_caches
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
