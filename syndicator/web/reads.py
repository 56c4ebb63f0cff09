"""What the web reads from the store, as protocols: the web process serves what workers
built and never writes, and knows nothing of how it is kept (``store.Store`` satisfies
``StoreReads``)."""

from __future__ import annotations

from typing import Protocol

from syndicator.models import Article, CategoryState, FeedStamp, StoredFeed


class FeedReads(Protocol):
    def version(self) -> str: ...
    def changes(self, since: int) -> list[FeedStamp]: ...
    def get(self, path: str, fmt: str) -> StoredFeed | None: ...


class ArticleReads(Protocol):
    def newest(
        self, *, site: str | None = None, category: str | None = None, limit: int | None = 50
    ) -> list[Article]: ...


class CategoryReads(Protocol):
    def state(self, site: str, category: str) -> CategoryState: ...


class StoreReads(Protocol):
    def problems(self) -> list[str]:
        """What stops the store from keeping data safely now (empty when all is well)."""
        ...

    @property
    def feeds(self) -> FeedReads: ...
    @property
    def articles(self) -> ArticleReads: ...
    @property
    def categories(self) -> CategoryReads: ...
