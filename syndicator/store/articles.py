"""Stored articles: the reads the poll and the feeds need, and the write of one
article inside the poll's transaction (``Store.apply``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from syndicator.models import Article, ArticleIntent, Attachment, Change
from syndicator.store import tables as t
from syndicator.store.engine import insert


def _article(row: Any) -> Article:
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
        attachments=load_attachments(row.attachments),
        content_hash=row.content_hash,
        external_url=row.external_url,
        baseline=bool(row.baseline),
        listed=row.listed,
    )


# What a change replaces, and a version keeps (``article_versions`` has these columns).
_VERSIONED = (
    "title",
    "updated",
    "source",
    "author",
    "editor",
    "content_html",
    "content_text",
    "images",
    "attachments",
    "content_hash",
)


def _versioned(row: Any) -> dict[str, Any]:
    fields = {name: getattr(row, name) for name in _VERSIONED}
    fields["images"] = tuple(json.loads(row.images))
    fields["attachments"] = load_attachments(row.attachments)
    return fields


def load_attachments(stored: str) -> tuple[Attachment, ...]:
    """Attachments as kept: objects, or the bare addresses rows written before the
    type and size of each file were kept."""
    out: list[Attachment] = []
    for item in json.loads(stored):
        if isinstance(item, str):
            out.append(Attachment(url=item))
        else:
            out.append(
                Attachment(
                    url=item["url"],
                    title=item.get("title") or "",
                    mime_type=item.get("mime_type"),
                    length=item.get("size_in_bytes"),
                )
            )
    return tuple(out)


def _values(article: Article) -> dict[str, Any]:
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
        "attachments": json.dumps([f.to_json() for f in article.attachments], ensure_ascii=False),
        "content_hash": article.content_hash,
        "external_url": article.external_url,
        "baseline": article.baseline,
        "listed": article.listed,
    }


class Articles:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def known_keys(self, site: str, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = conn.execute(
                    select(t.articles.c.key).where(
                        t.articles.c.site == site, t.articles.c.key.in_(chunk)
                    )
                )
                found.update(row.key for row in rows)
        return found

    def listings(self, site: str, keys: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """Of the given keys, those stored: their category and list signature."""
        wanted = list(dict.fromkeys(keys))
        c = t.articles.c
        found: dict[str, tuple[str, str | None]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = conn.execute(
                    select(c.key, c.category, c.listed).where(c.site == site, c.key.in_(chunk))
                )
                found.update((row.key, (row.category, row.listed)) for row in rows)
        return found

    def versions(self, site: str, key: str) -> list[Article]:
        """The earlier versions of an article, oldest first, each as it was stored
        (``updated`` is when that version was first seen)."""
        current = self.get(site, key)
        if current is None:
            return []
        v = t.article_versions.c
        query = select(t.article_versions).where(v.site == site, v.key == key).order_by(v.id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [replace(current, **_versioned(row)) for row in rows]

    def get(self, site: str, key: str) -> Article | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.articles).where(t.articles.c.site == site, t.articles.c.key == key)
            ).first()
        return _article(row) if row else None

    def newest(
        self, *, site: str | None = None, category: str | None = None, limit: int | None = 50
    ) -> list[Article]:
        """Newest first, in the same order as the feeds."""
        query = select(t.articles).order_by(
            t.articles.c.published.desc(),
            t.articles.c.first_seen.desc(),
            t.articles.c.key.desc(),
        )
        if site is not None:
            query = query.where(t.articles.c.site == site)
        if category is not None:
            query = query.where(t.articles.c.category == category)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_article(row) for row in conn.execute(query)]

    def published_times(self, site: str, category: str, limit: int = 200) -> list[datetime]:
        """The newest publish times of a category, without loading the articles."""
        c = t.articles.c
        query = (
            select(c.published)
            .where(c.site == site, c.category == category)
            .order_by(c.published.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [row.published for row in conn.execute(query)]

    def count(self, *, site: str | None = None, category: str | None = None) -> int:
        query = select(func.count()).select_from(t.articles)
        if site is not None:
            query = query.where(t.articles.c.site == site)
        if category is not None:
            query = query.where(t.articles.c.category == category)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())


def write(conn: Connection, intent: ArticleIntent, now: datetime) -> bool:
    """Store one decided article; whether the store changed in a way the feeds show (a
    concurrent worker may have stored the same article or change first)."""
    article = intent.article
    c = t.articles.c
    values = _values(article)
    if intent.change is Change.NEW:
        stmt = (
            insert(conn, t.articles)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["site", "key"])
            .returning(c.id)
        )
        # RETURNING, not rowcount: drivers disagree on rowcount for DO NOTHING.
        return conn.execute(stmt).first() is not None
    where = (c.site == article.site, c.key == article.key)
    if intent.change is Change.RELISTED:
        conn.execute(t.articles.update().where(*where).values(listed=article.listed))
        return False
    old = conn.execute(select(t.articles).where(*where, c.content_hash != article.content_hash))
    previous = old.first()
    if previous is None:
        return False
    conn.execute(
        t.article_versions.insert().values(
            site=article.site,
            key=article.key,
            replaced=now,
            **{name: getattr(previous, name) for name in _VERSIONED},
        )
    )
    # A change keeps identity, first sighting and baseline flag.
    for fixed in ("site", "key", "first_seen", "baseline"):
        values.pop(fixed)
    result = conn.execute(
        t.articles.update().where(*where, c.content_hash == previous.content_hash).values(**values)
    )
    return bool(result.rowcount)
