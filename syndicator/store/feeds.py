"""Built feeds: their bytes, ETags and Last-Modified, kept so a web process apart from
the worker serves the same bytes, and "same data, same bytes, same ETag" holds across
restarts.

Bodies are kept gzipped (a quarter of the size; a gzip answer sends them as they are),
and every change takes the next number of one counter (``feed_counter``), so a web
process asks for the highest number, and when it moved, for the feeds past the one it
has seen: a refresh costs the same with ten feeds or ten thousand.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from syndicator.models import FeedStamp, StoredFeed
from syndicator.store import tables as t
from syndicator.store.engine import feeds_lock, insert

GZIP_LEVEL = 6


def _stored(row: Any) -> StoredFeed:
    data = bytes(row.body)
    packed = row.coding == "gzip"
    return StoredFeed(
        path=row.path,
        format=row.format,
        body=gzip.decompress(data) if packed else data,
        etag=row.etag,
        last_modified=row.last_modified,
        gzipped=data if packed else None,
    )


def _next_seq(conn: Connection) -> int:
    """The next change number; the UPDATE's row lock serializes concurrent writers."""
    c = t.feed_counter.c
    seq = conn.execute(
        t.feed_counter.update().where(c.id == 1).values(seq=c.seq + 1).returning(c.seq)
    ).scalar()
    if seq is None:  # a database made before the counter had a row
        highest = conn.execute(select(func.coalesce(func.max(t.feeds.c.seq), 0))).scalar_one()
        seq = int(highest) + 1
        conn.execute(t.feed_counter.insert().values(id=1, seq=seq))
    return int(seq)


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
            values = {
                "body": gzip.compress(body, GZIP_LEVEL, mtime=0),
                "coding": "gzip",
                "etag": etag,
                "last_modified": last_modified,
                "built_at": now,
                "seq": _next_seq(conn),
            }
            stmt = (
                insert(conn, t.feeds)
                .values(path=path, format=fmt, **values)
                .on_conflict_do_update(index_elements=["path", "format"], set_=values)
            )
            conn.execute(stmt)
        return True

    def get(self, path: str, fmt: str) -> StoredFeed | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.feeds).where(t.feeds.c.path == path, t.feeds.c.format == fmt)
            ).first()
        return _stored(row) if row is not None else None

    def version(self) -> str:
        """The number of the latest change ("0" before any): a web process can tell in
        one indexed query whether what it holds is stale, whatever the clocks of the
        workers that built the feeds."""
        with self.engine.connect() as conn:
            highest = conn.execute(select(func.max(t.feeds.c.seq))).scalar()
        return str(highest or 0)

    def changes(self, since: int) -> list[FeedStamp]:
        """The feeds stored or changed after change number ``since``, without bodies."""
        c = t.feeds.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(c.path, c.format, c.etag, c.seq).where(c.seq > since).order_by(c.seq)
            )
            return [FeedStamp(r.path, r.format, r.etag, int(r.seq)) for r in rows]

    def all(self) -> list[StoredFeed]:
        with self.engine.connect() as conn:
            return [_stored(r) for r in conn.execute(select(t.feeds).order_by(t.feeds.c.path))]
