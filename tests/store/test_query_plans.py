"""Every query on the poll and serve paths is answered from an index, not a scan of a
table that grows with the articles, feeds or deliveries (SQLite's EXPLAIN QUERY PLAN)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from syndicator.store import Store
from syndicator.store import tables as t


@pytest.fixture
def sqlite(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path}/plans.db")
    store.upgrade()
    return store


def plan(store: Store, statement: object) -> str:
    with store.engine.connect() as conn:
        compiled = statement.compile(conn, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
        rows = conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return " | ".join(str(r[-1]) for r in rows)


A, F, D = t.articles.c, t.feeds.c, t.deliveries.c

QUERIES = {
    # As Articles.newest orders them: ties on published are broken by first_seen, key.
    "site feed (newest of a site)": select(t.articles)
    .where(A.site == "s")
    .order_by(A.published.desc(), A.first_seen.desc(), A.key.desc())
    .limit(50),
    "category feed": select(t.articles)
    .where(A.site == "s", A.category == "c")
    .order_by(A.published.desc(), A.first_seen.desc(), A.key.desc())
    .limit(50),
    "all feed": select(t.articles)
    .order_by(A.published.desc(), A.first_seen.desc(), A.key.desc())
    .limit(50),
    "known keys": select(A.key).where(A.site == "s", A.key.in_(["1", "2"])),
    "listings": select(A.key, A.category, A.listed).where(A.site == "s", A.key.in_(["1"])),
    "feed by path": select(t.feeds).where(F.path == "feeds/s", F.format == "atom"),
    "feed change number": select(F.seq).order_by(F.seq.desc()).limit(1),
    "feeds changed since": select(F.path, F.format, F.etag, F.seq).where(F.seq > 10),
    "list validators": select(t.http_cache).where(t.http_cache.c.url == "http://x/"),
    "category state": select(t.category_state).where(
        t.category_state.c.site == "s", t.category_state.c.category == "c"
    ),
    "due deliveries": select(D.id).where(
        D.state == "pending", D.next_attempt <= datetime(2030, 1, 1, tzinfo=UTC)
    ),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_the_query_uses_an_index(sqlite: Store, name: str) -> None:
    shown = plan(sqlite, QUERIES[name])
    assert "USING" in shown and ("INDEX" in shown or "PRIMARY KEY" in shown), shown
    assert "SCAN articles" not in shown or "USING INDEX" in shown, shown
