"""The store: every read and write of the database goes through ``Store``.

``apply`` is the one write of a poll: new and changed articles, the poll record, the
category's health and the list page's HTTP validators land in ONE transaction, so a crash
can never leave an article stored without its poll, or validators saying "seen" for a
list whose articles were not stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from syndicator.errors import StoreError
from syndicator.models import (
    Article,
    ArticleIntent,
    CategoryState,
    Change,
    DeliveryIntent,
    DeliveryState,
    HttpCache,
    PollRecord,
)
from syndicator.store import tables as t
from syndicator.store.outbox import Outbox, insert_deliveries
from syndicator.store.schema import feeds_lock, make_engine, upgrade


@dataclass(frozen=True, slots=True)
class StoredFeed:
    path: str
    format: str
    body: bytes
    etag: str
    last_modified: datetime


def _row_to_article(row: Any) -> Article:
    return Article(
        site=row.site,
        category=row.category,
        key=row.key,
        url=row.url,
        title=row.title,
        published=row.published,
        date_only=bool(row.date_only),
        first_seen=row.first_seen,
        updated=row.updated,
        source=row.source,
        author=row.author,
        editor=row.editor,
        category_name=row.category_name,
        content_html=row.content_html,
        content_text=row.content_text,
        images=tuple(json.loads(row.images)),
        attachments=tuple(json.loads(row.attachments)),
        content_hash=row.content_hash,
        external_url=row.external_url,
        baseline=bool(row.baseline),
    )


def _article_values(article: Article) -> dict[str, Any]:
    return {
        "site": article.site,
        "category": article.category,
        "key": article.key,
        "url": article.url,
        "title": article.title,
        "published": article.published,
        "date_only": article.date_only,
        "first_seen": article.first_seen,
        "updated": article.updated,
        "source": article.source,
        "author": article.author,
        "editor": article.editor,
        "category_name": article.category_name,
        "content_html": article.content_html,
        "content_text": article.content_text,
        "images": json.dumps(list(article.images), ensure_ascii=False),
        "attachments": json.dumps(list(article.attachments), ensure_ascii=False),
        "content_hash": article.content_hash,
        "external_url": article.external_url,
        "baseline": article.baseline,
    }


class Store:
    """SQLAlchemy Core over SQLite (default) or PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.outbox = Outbox(self.engine)

    # ------------------------------------------------------------ schema

    def upgrade(self) -> None:
        """Apply every migration not yet applied (see ``schema.upgrade``)."""
        upgrade(self.engine, self.url, self.safe_url())

    def feeds_lock(self) -> AbstractContextManager[None]:
        """Held around reading articles and writing the feeds built from them (see
        ``schema.feeds_lock``)."""
        return feeds_lock(self.engine, self.url)

    def close(self) -> None:
        self.engine.dispose()

    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    # ------------------------------------------------------------ reads

    def known_keys(self, site: str, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = conn.execute(
                    select(t.articles.c.key).where(
                        t.articles.c.site == site, t.articles.c.key.in_(chunk)
                    )
                )
                found.update(row.key for row in rows)
        return found

    def get_article(self, site: str, key: str) -> Article | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.articles).where(t.articles.c.site == site, t.articles.c.key == key)
            ).first()
        return _row_to_article(row) if row else None

    def articles(self, *, site: str | None = None, category: str | None = None,
                 limit: int | None = 50) -> list[Article]:
        """Newest first, in the same order as the feeds."""
        query = select(t.articles).order_by(
            t.articles.c.published.desc(), t.articles.c.first_seen.desc(),
            t.articles.c.key.desc(),
        )
        if site is not None:
            query = query.where(t.articles.c.site == site)
        if category is not None:
            query = query.where(t.articles.c.category == category)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_row_to_article(row) for row in conn.execute(query)]

    def published_times(self, site: str, category: str, limit: int = 200) -> list[datetime]:
        """The newest publish times of a category, without loading the articles."""
        c = t.articles.c
        query = (select(c.published).where(c.site == site, c.category == category)
                 .order_by(c.published.desc()).limit(limit))
        with self.engine.connect() as conn:
            return [row.published for row in conn.execute(query)]

    def count_articles(self, *, site: str | None = None, category: str | None = None) -> int:
        query = select(func.count()).select_from(t.articles)
        if site is not None:
            query = query.where(t.articles.c.site == site)
        if category is not None:
            query = query.where(t.articles.c.category == category)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def http_cache(self, url: str) -> HttpCache | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.http_cache).where(t.http_cache.c.url == url)).first()
        if row is None:
            return None
        return HttpCache(url=row.url, etag=row.etag, last_modified=row.last_modified)

    def category_state(self, site: str, category: str) -> CategoryState:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.category_state).where(
                    t.category_state.c.site == site, t.category_state.c.category == category
                )
            ).first()
        if row is None:
            return CategoryState(site=site, category=category)
        return CategoryState(
            site=site,
            category=category,
            last_poll=row.last_poll,
            last_success=row.last_success,
            last_error=row.last_error,
            consecutive_failures=row.consecutive_failures,
            empty_polls=row.empty_polls,
            polls=row.polls,
            extract_failures=row.extract_failures,
            status=row.status,
            status_since=row.status_since,
            next_due=row.next_due,
        )

    def category_states(self) -> list[CategoryState]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.category_state.c.site, t.category_state.c.category))
            keys = [(r.site, r.category) for r in rows]
        return [self.category_state(site, category) for site, category in keys]

    def read_categories(self) -> set[tuple[str, str]]:
        """(site, category) of every category polled successfully at least once."""
        c = t.category_state.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.site, c.category).where(c.last_success.is_not(None)))
            return {(r.site, r.category) for r in rows}

    def set_next_due(self, site: str, category: str, due: datetime) -> None:
        """Remember when a category is next due, so a restart neither stampedes nor
        forgets (a category never polled gets a state row here)."""
        with self.engine.begin() as conn:
            stmt = self._insert(conn, t.category_state).values(
                site=site, category=category, next_due=due, consecutive_failures=0,
                empty_polls=0, polls=0, extract_failures=0, status="ok",
            ).on_conflict_do_update(index_elements=["site", "category"],
                                    set_={"next_due": due})
            conn.execute(stmt)

    def claim_poll(self, site: str, category: str, owner: str, now: datetime,
                   until: datetime, *, force: bool = False) -> bool:
        """Take the category's poll lease if it is free (or ours, or expired) and, unless
        ``force`` (a "poll now"), only if the category is due: another worker that just
        polled it has moved ``next_due`` on. One conditional UPDATE, so on PostgreSQL and
        SQLite alike exactly one claimant wins."""
        c = t.category_state.c
        with self.engine.begin() as conn:
            conn.execute(self._insert(conn, t.category_state).values(
                site=site, category=category, consecutive_failures=0, empty_polls=0,
                polls=0, extract_failures=0, status="ok",
            ).on_conflict_do_nothing(index_elements=["site", "category"]))
            free = or_(c.lease_until.is_(None), c.lease_until < now, c.lease_owner == owner)
            query = t.category_state.update().where(c.site == site, c.category == category,
                                                    free)
            if not force:
                query = query.where(or_(c.next_due.is_(None), c.next_due <= now))
            result = conn.execute(query.values(lease_owner=owner, lease_until=until))
        return result.rowcount == 1

    def renew_poll(self, site: str, category: str, owner: str, until: datetime) -> bool:
        """Extend a poll lease the owner still holds; False when it is no longer its
        own (it ran out and another worker took the category)."""
        c = t.category_state.c
        with self.engine.begin() as conn:
            result = conn.execute(t.category_state.update().where(
                c.site == site, c.category == category, c.lease_owner == owner,
            ).values(lease_until=until))
        return result.rowcount == 1

    def release_poll(self, site: str, category: str, owner: str) -> None:
        c = t.category_state.c
        with self.engine.begin() as conn:
            conn.execute(t.category_state.update().where(
                c.site == site, c.category == category, c.lease_owner == owner,
            ).values(lease_owner=None, lease_until=None))

    def recent_polls(self, site: str, category: str, limit: int = 10) -> list[PollRecord]:
        query = (
            select(t.polls)
            .where(t.polls.c.site == site, t.polls.c.category == category)
            .order_by(t.polls.c.started.desc(), t.polls.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                PollRecord(
                    site=r.site, category=r.category, started=r.started, finished=r.finished,
                    ok=bool(r.ok), items=r.items, new=r.new, changed=r.changed,
                    failed_articles=r.failed_articles, error=r.error,
                    not_modified=bool(r.not_modified),
                )
                for r in conn.execute(query)
            ]

    # ------------------------------------------------------------ the poll's one write

    def apply(self, intents: Sequence[ArticleIntent], record: PollRecord,
              state: CategoryState, caches: Sequence[HttpCache] = (),
              deliveries: Sequence[DeliveryIntent] = ()) -> list[Article]:
        """Store a poll's outcome atomically: articles, the poll record, the category's
        new state, the list validators and the notifications they cause (the outbox).
        Returns the articles actually created or changed (a concurrent worker may have
        stored the same article first)."""
        done: list[Article] = []
        try:
            with self.engine.begin() as conn:
                for intent in intents:
                    if self._write_article(conn, intent):
                        done.append(intent.article)
                self._record_poll(conn, record, state)
                for cache in caches:
                    self._put_cache(conn, cache, record.finished)
                insert_deliveries(conn, deliveries)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.safe_url()}: could not store poll: {exc}") from exc
        return done

    def _insert(self, conn: Connection, table: Any) -> Any:
        if conn.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _write_article(self, conn: Connection, intent: ArticleIntent) -> bool:
        values = _article_values(intent.article)
        if intent.change is Change.NEW:
            stmt = self._insert(conn, t.articles).values(**values).on_conflict_do_nothing(
                index_elements=["site", "key"]
            ).returning(t.articles.c.id)
            # RETURNING, not rowcount: drivers disagree on rowcount for DO NOTHING.
            return conn.execute(stmt).first() is not None
        # A change keeps identity, first sighting and baseline flag.
        for fixed in ("site", "key", "first_seen", "baseline"):
            values.pop(fixed)
        result = conn.execute(
            t.articles.update()
            .where(t.articles.c.site == intent.article.site,
                   t.articles.c.key == intent.article.key,
                   t.articles.c.content_hash != intent.article.content_hash)
            .values(**values)
        )
        return bool(result.rowcount)

    def _record_poll(self, conn: Connection, record: PollRecord,
                     state: CategoryState) -> None:
        conn.execute(t.polls.insert().values(
            site=record.site, category=record.category, started=record.started,
            finished=record.finished, ok=record.ok, items=record.items, new=record.new,
            changed=record.changed, failed_articles=record.failed_articles,
            not_modified=record.not_modified, error=record.error,
        ))
        self._put_state(conn, state)

    def _put_state(self, conn: Connection, state: CategoryState) -> None:
        values = {
            "last_poll": state.last_poll,
            "last_success": state.last_success,
            "last_error": state.last_error,
            "consecutive_failures": state.consecutive_failures,
            "empty_polls": state.empty_polls,
            "polls": state.polls,
            "extract_failures": state.extract_failures,
            "status": state.status,
            "status_since": state.status_since,
            "next_due": state.next_due,
        }
        stmt = self._insert(conn, t.category_state).values(
            site=state.site, category=state.category, **values
        ).on_conflict_do_update(index_elements=["site", "category"], set_=values)
        conn.execute(stmt)

    def _put_cache(self, conn: Connection, cache: HttpCache, now: datetime) -> None:
        stmt = self._insert(conn, t.http_cache).values(
            url=cache.url, etag=cache.etag, last_modified=cache.last_modified, stored_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["url"],
            set_={"etag": cache.etag, "last_modified": cache.last_modified, "stored_at": now},
        )
        conn.execute(stmt)

    # ------------------------------------------------------------ notifications

    def delivery_counts(self) -> dict[str, int]:
        """Outbox rows per state (pending, digest, delivered, dead), for /healthz."""
        return self.outbox.counts()

    def dead_deliveries_count(self) -> int:
        return self.outbox.counts()[DeliveryState.DEAD]

    # ------------------------------------------------------------ built feeds

    def put_feed(self, path: str, fmt: str, body: bytes, last_modified: datetime,
                 now: datetime) -> bool:
        """Keep a built feed; returns False (and writes nothing) when the bytes are the
        same as stored, so ETags and hub pings move only on real change."""
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t.feeds.c.etag).where(t.feeds.c.path == path, t.feeds.c.format == fmt)
            ).first()
            if row is not None and row.etag == etag:
                return False
            stmt = self._insert(conn, t.feeds).values(
                path=path, format=fmt, body=body, etag=etag,
                last_modified=last_modified, built_at=now,
            ).on_conflict_do_update(
                index_elements=["path", "format"],
                set_={"body": body, "etag": etag, "last_modified": last_modified,
                      "built_at": now},
            )
            conn.execute(stmt)
        return True

    def get_feed(self, path: str, fmt: str) -> StoredFeed | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.feeds).where(t.feeds.c.path == path, t.feeds.c.format == fmt)
            ).first()
        if row is None:
            return None
        return StoredFeed(path=row.path, format=row.format, body=row.body, etag=row.etag,
                          last_modified=row.last_modified)

    def feeds_version(self) -> str:
        """A cheap fingerprint of the built feeds (a digest of their ETags), so a web
        process can tell in one small query whether its in-memory copies are stale,
        whatever the clocks of the workers that built them."""
        digest = hashlib.sha256()
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.feeds.c.path, t.feeds.c.format, t.feeds.c.etag)
                                .order_by(t.feeds.c.path, t.feeds.c.format))
            for row in rows:
                digest.update(f"{row.path}\0{row.format}\0{row.etag}\n".encode())
        return digest.hexdigest()

    def all_feeds(self) -> list[StoredFeed]:
        with self.engine.connect() as conn:
            return [
                StoredFeed(path=r.path, format=r.format, body=r.body, etag=r.etag,
                           last_modified=r.last_modified)
                for r in conn.execute(select(t.feeds).order_by(t.feeds.c.path))
            ]
