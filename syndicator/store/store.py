"""The store: every read and write of the database goes through ``Store``, whose
rooms are split by domain (``articles``, ``categories``, ``feeds``, ``outbox``).

``apply`` is the one write of a poll and the one method that spans rooms: new and
changed articles, the poll record, the category's health, the list page's HTTP
validators and the notifications they cause land in ONE transaction, so a crash can
never leave an article stored without its poll, or validators saying "seen" for a list
whose articles were not stored.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from syndicator.errors import StoreError
from syndicator.models import (
    Article,
    ArticleIntent,
    CategoryState,
    DeliveryIntent,
    HttpCache,
    PollRecord,
    redact_database_url,
)
from syndicator.store import articles, categories
from syndicator.store.articles import Articles
from syndicator.store.categories import Categories
from syndicator.store.engine import make_engine, upgrade
from syndicator.store.feeds import Feeds
from syndicator.store.outbox import Outbox, insert_deliveries

# Below this, SQLite's next transaction (and its WAL checkpoint) may fail half-way.
MIN_FREE_BYTES = 50_000_000


def _beside(path: Path) -> list[Path]:
    """Files SQLite and our locks leave next to a database that existed."""
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", ".migrate.lock", ".feeds.lock")]


class Store:
    """SQLAlchemy Core over SQLite (default) or PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.articles = Articles(self.engine)
        self.categories = Categories(self.engine)
        self.feeds = Feeds(self.engine, url)
        self.outbox = Outbox(self.engine)
        self._inode: int | None = None
        # Looked at once a second (the worker's beat, /healthz): worked out once here.
        self._path = _sqlite_path(url)

    def upgrade(self) -> None:
        """Apply every migration not yet applied (see ``engine.upgrade``), after making
        sure a SQLite file that existed has not vanished: a new empty database next to
        our lock files would silently start a new history (every article a baseline,
        every delivery forgotten)."""
        path = self._path
        # Looked at before the migration lock (which creates its own file) is taken, and
        # judged in turn: a process starting beside one that is creating the database
        # finds it made by then.
        existed = [p for p in _beside(path) if p.exists()] if path is not None else []

        def refuse_a_vanished_database() -> None:
            if path is not None and existed and not path.exists():
                raise StoreError(
                    f"{self.safe_url()}: the database file is gone but "
                    f"{existed[0].name} beside it shows one was here; restore it, or "
                    "remove the leftovers to start a new history"
                )

        upgrade(self.engine, self.url, self.safe_url(), before=refuse_a_vanished_database)
        if path is not None:
            self._inode = path.stat().st_ino

    def problems(self) -> list[str]:
        """What stops the store from keeping data safely now, for ``/healthz`` and the
        worker: the SQLite file deleted or replaced under us, or its disk nearly full.
        Empty when all is well."""
        path = self._path
        if path is None:
            return []
        try:
            inode = path.stat().st_ino
        except FileNotFoundError:
            return [f"the database file {path} was deleted while in use"]
        if self._inode is not None and inode != self._inode:
            return [f"the database file {path} was replaced while in use"]
        free = shutil.disk_usage(path.parent).free
        if free < MIN_FREE_BYTES:
            return [f"{free // 1_000_000} MB free on the disk of {path.parent}"]
        return []

    def close(self) -> None:
        self.engine.dispose()

    def safe_url(self) -> str:
        return redact_database_url(self.url)

    def apply(
        self,
        intents: Sequence[ArticleIntent],
        record: PollRecord,
        state: CategoryState | None,
        caches: Sequence[HttpCache] = (),
        deliveries: Sequence[DeliveryIntent] = (),
    ) -> list[Article]:
        """Store a poll's outcome atomically: articles, the poll record, the category's
        new state (``None``: leave it as it is, for a backfill that must not overwrite
        what a concurrent poll wrote), the list validators and the notifications they
        cause (the outbox).
        Returns the articles actually created or changed (a concurrent worker may have
        stored the same article first)."""
        done: list[Article] = []
        try:
            with self.engine.begin() as conn:
                for intent in intents:
                    if articles.write(conn, intent, record.finished):
                        done.append(intent.article)
                categories.record_poll(conn, record, state)
                for cache in caches:
                    categories.put_cache(conn, cache, record.finished)
                insert_deliveries(conn, deliveries)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.safe_url()}: could not store poll: {exc}") from exc
        return done


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return None if parsed.database == ":memory:" else Path(parsed.database)
