"""The store: every read and write of the database goes through ``Store``, whose
rooms are split by domain (``articles``, ``categories``, ``feeds``, ``outbox``).

``apply`` is the one write of a poll and the one method that spans rooms: new and
changed articles, the poll record, the category's health, the list page's HTTP
validators and the notifications they cause land in ONE transaction, so a crash can
never leave an article stored without its poll, or validators saying "seen" for a list
whose articles were not stored.
"""

from __future__ import annotations

from collections.abc import Sequence

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


class Store:
    """SQLAlchemy Core over SQLite (default) or PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.articles = Articles(self.engine)
        self.categories = Categories(self.engine)
        self.feeds = Feeds(self.engine, url)
        self.outbox = Outbox(self.engine)

    def upgrade(self) -> None:
        """Apply every migration not yet applied (see ``engine.upgrade``)."""
        upgrade(self.engine, self.url, self.safe_url())

    def close(self) -> None:
        self.engine.dispose()

    def safe_url(self) -> str:
        return redact_database_url(self.url)

    def apply(
        self,
        intents: Sequence[ArticleIntent],
        record: PollRecord,
        state: CategoryState,
        caches: Sequence[HttpCache] = (),
        deliveries: Sequence[DeliveryIntent] = (),
    ) -> list[Article]:
        """Store a poll's outcome atomically: articles, the poll record, the category's
        new state, the list validators and the notifications they cause (the outbox).
        Returns the articles actually created or changed (a concurrent worker may have
        stored the same article first)."""
        done: list[Article] = []
        try:
            with self.engine.begin() as conn:
                for intent in intents:
                    if articles.write(conn, intent):
                        done.append(intent.article)
                categories.record_poll(conn, record, state)
                for cache in caches:
                    categories.put_cache(conn, cache, record.finished)
                insert_deliveries(conn, deliveries)
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.safe_url()}: could not store poll: {exc}") from exc
        return done
