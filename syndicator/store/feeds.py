"""Built feeds: their bytes, ETags and Last-Modified, kept so a web process apart from
the worker serves the same bytes, and "same data, same bytes, same ETag" holds across
restarts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, select

from syndicator.models import StoredFeed
from syndicator.store import tables as t
from syndicator.store.engine import feeds_lock, insert


class Feeds:
    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Held around reading articles and writing the feeds built from them (see
        ``engine.feeds_lock``)."""
        with feeds_lock(self.engine, self.url):
            yield

    def put(self, path: str, fmt: str, body: bytes, last_modified: datetime, now: datetime) -> bool:
        """Keep a built feed; returns False (and writes nothing) when the bytes are the
        same as stored, so ETags and hub pings move only on real change."""
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t.feeds.c.etag).where(t.feeds.c.path == path, t.feeds.c.format == fmt)
            ).first()
            if row is not None and row.etag == etag:
                return False
            stmt = (
                insert(conn, t.feeds)
                .values(
                    path=path,
                    format=fmt,
                    body=body,
                    etag=etag,
                    last_modified=last_modified,
                    built_at=now,
                )
                .on_conflict_do_update(
                    index_elements=["path", "format"],
                    set_={
                        "body": body,
                        "etag": etag,
                        "last_modified": last_modified,
                        "built_at": now,
                    },
                )
            )
            conn.execute(stmt)
        return True

    def get(self, path: str, fmt: str) -> StoredFeed | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.feeds).where(t.feeds.c.path == path, t.feeds.c.format == fmt)
            ).first()
        if row is None:
            return None
        return StoredFeed(
            path=row.path,
            format=row.format,
            body=row.body,
            etag=row.etag,
            last_modified=row.last_modified,
        )

    def version(self) -> str:
        """A cheap fingerprint of the built feeds (a digest of their ETags), so a web
        process can tell in one small query whether its in-memory copies are stale,
        whatever the clocks of the workers that built them."""
        digest = hashlib.sha256()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.feeds.c.path, t.feeds.c.format, t.feeds.c.etag).order_by(
                    t.feeds.c.path, t.feeds.c.format
                )
            )
            for row in rows:
                digest.update(f"{row.path}\0{row.format}\0{row.etag}\n".encode())
        return digest.hexdigest()

    def all(self) -> list[StoredFeed]:
        with self.engine.connect() as conn:
            return [
                StoredFeed(
                    path=r.path,
                    format=r.format,
                    body=r.body,
                    etag=r.etag,
                    last_modified=r.last_modified,
                )
                for r in conn.execute(select(t.feeds).order_by(t.feeds.c.path))
            ]
