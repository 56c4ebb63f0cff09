"""The composition root: the one place (with ``cli``) that reads the config; it turns it
into concrete objects (store, fetcher, dispatcher, feed metadata, schedules) and wires
the rooms together for the CLI and the worker."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from syndicator.config import Config
from syndicator.config.schema import hint
from syndicator.errors import ConfigError
from syndicator.feeds import FeedMeta, build_feed
from syndicator.feeds.opml import build_opml
from syndicator.feeds.static import write_stored
from syndicator.fetch import Fetcher
from syndicator.models import Article, CategorySpec, Schedule
from syndicator.notify import DeliveryReport, Dispatcher, SendResult, describer
from syndicator.owners import dead_here, owner_id
from syndicator.poll import PollOutcome, poll_category
from syndicator.runtime.lane import ParseLane
from syndicator.runtime.timing import TimedFetcher
from syndicator.store import Store

log = logging.getLogger("syndicator")

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# More list pages than any column shows; an endless pager stops here.
MAX_BACKFILL_PAGES = 1000


@dataclass(frozen=True, slots=True)
class BackfillReport:
    """What a backfill read and kept so far; ``error`` is why it stopped early."""

    category: str
    pages: int = 0
    listed: int = 0
    stored: int = 0
    failed: int = 0
    error: str | None = None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class FeedGroup:
    """One feed (in every format) and which articles it shows."""

    meta: FeedMeta
    site: str | None
    category: str | None


class Service:
    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], datetime] = utcnow,
        fetcher: Fetcher | None = None,
        store: Store | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.store = store or Store(config.database_url)
        self.fetcher = TimedFetcher(fetcher or Fetcher(config.fetch_settings()))
        # One lease owner for this process's polls and deliveries alike.
        self.owner = owner_id()
        self.feed_settings = config.feed_settings()
        self.channels = config.channels()
        self.subscriptions = config.subscriptions()
        self._describe = describer(self.feed_settings.public_url, self.feed_settings.formats[0])
        self._dispatcher: Dispatcher | None = None
        # Set when the process stops: polls fetch no further article, store what they
        # have and end, so a stop is quick and loses nothing.
        self.stopping = threading.Event()
        self.lane = ParseLane()

    def close(self) -> None:
        self.lane.close()
        if self._dispatcher is not None:
            self._dispatcher.close()
        self.fetcher.close()
        self.store.close()

    def upgrade(self) -> None:
        self.store.upgrade()

    # ------------------------------------------------------------ polling

    def categories(self, names: Sequence[str] = ()) -> list[CategorySpec]:
        if not names:
            return self.config.categories()
        return [self.config.find_category(name) for name in names]

    def reclaim_dead_leases(self) -> dict[str, int]:
        """Take back at once the poll and delivery leases of processes that died on this
        host (a worker killed and started again); returns how many rows each had."""
        now = self.clock()
        owners = self.store.outbox.lease_owners(now) | self.store.categories.lease_owners(now)
        freed: dict[str, int] = {}
        for owner in sorted(owners):
            if dead_here(owner, self.owner):
                freed[owner] = self.store.outbox.release_owner(
                    owner
                ) + self.store.categories.release_owner(owner)
        return freed

    def schedule(self, spec: CategorySpec) -> Schedule:
        return self.config.category_schedule(spec)

    def poll(self, specs: Sequence[CategorySpec]) -> list[PollOutcome]:
        outcomes = []
        for spec in specs:
            outcome = poll_category(
                spec,
                self.fetcher,
                self.store,
                clock=self.clock,
                stopping=self.stopping.is_set,
                lane=self.lane,
                **self._notify_args(),
            )
            log_poll(spec, outcome)
            outcomes.append(outcome)
        return outcomes

    def backfill(
        self,
        spec: CategorySpec,
        pages: int,
        on_page: Callable[[BackfillReport], None] | None = None,
    ) -> BackfillReport:
        """Read list pages 1..``pages`` by their next-page links, whatever validators the
        polls stored, and keep what is missing, page by page: an interrupted backfill
        keeps every page it finished. Stops at the last page, at a page seen before, and
        at ``MAX_BACKFILL_PAGES``. Never notifies, never changes the category's health."""
        report = BackfillReport(spec.key)
        url: str | None = spec.list_url
        seen: set[str] = set()
        while url and url not in seen and report.pages < min(pages, MAX_BACKFILL_PAGES):
            seen.add(url)
            outcome = poll_category(
                spec,
                self.fetcher,
                self.store,
                clock=self.clock,
                pages=1,
                backfill=True,
                list_url=url,
                conditional=False,
                lane=self.lane,
                **self._notify_args(),
            )
            r = outcome.record
            if not r.ok:
                report = replace(report, error=r.error)
                break
            report = replace(
                report,
                pages=report.pages + 1,
                listed=report.listed + r.items,
                stored=report.stored + r.new,
                failed=report.failed + r.failed_articles,
                errors=(*report.errors, *outcome.errors),
            )
            if on_page is not None:
                on_page(report)
            url = outcome.next_page
        log.info(
            "backfill %s: %d pages read, %d listed, %d stored, %d failed%s",
            spec.key,
            report.pages,
            report.listed,
            report.stored,
            report.failed,
            f", stopped: {report.error}" if report.error else "",
        )
        return report

    def _notify_args(self) -> dict[str, Any]:
        digest = [c.id for c in self.channels if c.digest]
        return {
            "subscriptions": self.subscriptions,
            "digest_channels": digest,
            "describe": self._describe,
        }

    # ------------------------------------------------------------ notifications

    @property
    def dispatcher(self) -> Dispatcher:
        if self._dispatcher is None:
            from syndicator import metrics

            self._dispatcher = Dispatcher(
                self.store.outbox,
                self.channels,
                self.subscriptions,
                clock=self.clock,
                owner=self.owner,
                observe=metrics.record_delivery,
            )
        return self._dispatcher

    def deliver_due(self, limit: int = 1000) -> DeliveryReport:
        """Send what the outbox holds due now (also what earlier runs left)."""
        return self.dispatcher.deliver_due(limit)

    def retry_delivery(self, delivery_id: int) -> DeliveryReport | None:
        """Send one delivery now and nothing else (``None``: missing, or another worker
        is sending it)."""
        return self.dispatcher.deliver_one(delivery_id)

    def send_digests(
        self, now: datetime | None = None, channel: str | None = None
    ) -> dict[str, int]:
        return self.dispatcher.send_digests(now or self.clock(), channel)

    def notify_test(self, channel_id: str) -> SendResult:
        known = [c.id for c in self.channels]
        if channel_id not in known:
            raise ConfigError(
                f"unknown channel '{channel_id}'{hint(channel_id, known)}",
                file=str(self.config.source_path),
            )
        return self.dispatcher.test(channel_id)

    # ------------------------------------------------------------ feeds

    def feed_groups(self) -> list[FeedGroup]:
        fs = self.feed_settings
        specs = self.config.categories()
        groups: list[FeedGroup] = []
        sites: dict[str, CategorySpec] = {}
        for spec in specs:
            sites.setdefault(spec.site_id, spec)
            groups.append(
                FeedGroup(
                    self._meta(
                        f"feeds/{spec.site_id}/{spec.id}",
                        f"{spec.site_name} · {spec.name}",
                        f"{spec.site_name}「{spec.name}」栏目的最新文章",
                        spec.list_url,
                        spec.timezone,
                        spec.site_name,
                    ),
                    spec.site_id,
                    spec.id,
                )
            )
        for site_id, spec in sites.items():
            groups.append(
                FeedGroup(
                    self._meta(
                        f"feeds/{site_id}",
                        spec.site_name,
                        f"{spec.site_name}各栏目的最新文章",
                        spec.site_url,
                        spec.timezone,
                        spec.site_name,
                    ),
                    site_id,
                    None,
                )
            )
        default_tz = specs[0].timezone if specs else "Asia/Shanghai"
        groups.append(
            FeedGroup(
                self._meta(
                    "feeds/all",
                    "syndicator · 全部栏目",
                    "所有关注栏目的最新文章",
                    fs.public_url.rstrip("/") + "/",
                    default_tz,
                    "syndicator",
                ),
                None,
                None,
            )
        )
        return groups

    def _meta(
        self, path: str, title: str, description: str, home: str, timezone: str, author: str
    ) -> FeedMeta:
        fs = self.feed_settings
        return FeedMeta(
            path=path,
            title=title,
            description=description,
            home_page_url=home,
            public_url=fs.public_url,
            hubs=fs.hubs,
            max_items=fs.max_items,
            full_content=fs.full_content,
            timezone=timezone,
            author=author,
        )

    def _articles(self, group: FeedGroup) -> list[Article]:
        return self.store.articles.newest(
            site=group.site, category=group.category, limit=self.feed_settings.max_items
        )

    def rebuild_feeds(self, specs: Sequence[CategorySpec] | None = None) -> list[str]:
        """Build the feeds that hold ``specs``' articles (their own, their sites', the
        all feed; every feed when None) and keep the bytes in the store; return the
        served paths whose bytes changed (for WebSub pings and logs)."""
        changed: list[str] = []
        groups = self.feed_groups()
        if specs is not None:
            keys = {(s.site_id, s.id) for s in specs}
            sites = {site for site, _ in keys}
            groups = [
                g
                for g in groups
                if g.site is None
                or (g.site in sites if g.category is None else (g.site, g.category) in keys)
            ]
        # A feed is first built once one of its categories has been read: before that
        # the web answers 503 with Retry-After, where an empty feed would tell readers
        # "no entries" (and a worker starting on a fresh database builds every feed).
        read = self.store.categories.read()
        groups = [
            g
            for g in groups
            if any(
                (g.site is None or site == g.site) and (g.category is None or cat == g.category)
                for site, cat in read
            )
        ]
        with self.store.feeds.lock():
            now = self.clock()
            for group in groups:
                articles = self._articles(group)
                newest = max((a.updated for a in articles), default=EPOCH)
                for fmt in self.feed_settings.formats:
                    # lxml again: built on the parse lane like the pages.
                    body = self.lane(partial(build_feed, fmt, group.meta, articles))
                    if self.store.feeds.put(group.meta.path, fmt, body, newest, now):
                        changed.append(f"{group.meta.path}.{fmt}")
        return changed

    def opml(self) -> bytes:
        """The category feeds in a folder per site. The site and all feeds repeat the
        same entries (same ids), so a reader importing every feed would show an article
        two or three times or, merging by id, empty feeds: they are offered apart."""
        by_site: dict[str, list[FeedMeta]] = {}
        names = {s.site_id: s.site_name for s in self.config.categories()}
        for group in self.feed_groups():
            if group.site is not None and group.category is not None:
                by_site.setdefault(names[group.site], []).append(group.meta)
        fmt = self.feed_settings.formats[0]
        return build_opml(list(by_site.items()), "syndicator", self.feed_settings.public_url, fmt)

    def write_static(self, out_dir: Path) -> list[Path]:
        """The feeds as the store keeps them, as files under ``out_dir``. Under the feeds
        lock, so with several workers the last file written holds the last bytes built
        (files rebuilt from each worker's own read could leave an older one last)."""
        configured = {group.meta.path for group in self.feed_groups()}
        with self.store.feeds.lock():
            stored = [feed for feed in self.store.feeds.all() if feed.path in configured]
            return write_stored(out_dir, stored, self.opml())


def log_poll(spec: CategorySpec, outcome: PollOutcome) -> None:
    r = outcome.record
    seconds = (r.finished - r.started).total_seconds()
    line = (
        f"poll {spec.key} status={r.status} items={r.items} new={r.new} "
        f"changed={r.changed} failed={r.failed_articles} duration={seconds:.2f}s"
    )
    if r.error:
        line += f" error={r.error}"
    (log.info if r.ok else log.warning)(line)
    if r.error and "host name not found" in r.error:
        host = urlsplit(spec.list_url).hostname or spec.list_url
        if host not in _HINTED:
            _HINTED.add(host)
            log.warning(
                "%s cannot be resolved: this machine may have no network or DNS, or the "
                "name is wrong. `syndicator add %s` checks the list page; `make demo` runs "
                "the service offline on a replica portal",
                host,
                spec.list_url,
            )


# Hosts whose "cannot be resolved" hint was logged: once per process is enough.
_HINTED: set[str] = set()
