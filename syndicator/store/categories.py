"""What the store knows of each category: health and poll records, due times, poll
leases, and the list pages' HTTP validators."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, or_, select

from syndicator.models import CategoryState, CategoryStatus, HttpCache, PollRecord
from syndicator.store import tables as t
from syndicator.store.engine import insert


class Categories:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def http_cache(self, url: str) -> HttpCache | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.http_cache).where(t.http_cache.c.url == url)).first()
        if row is None:
            return None
        return HttpCache(url=row.url, etag=row.etag, last_modified=row.last_modified)

    def state(self, site: str, category: str) -> CategoryState:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.category_state).where(
                    t.category_state.c.site == site, t.category_state.c.category == category
                )
            ).first()
        return _state(row) if row is not None else CategoryState(site=site, category=category)

    def states(self) -> list[CategoryState]:
        """Every stored state, in one query (a start-up reads a thousand)."""
        with self.engine.connect() as conn:
            return [_state(row) for row in conn.execute(select(t.category_state))]

    def read(self) -> set[tuple[str, str]]:
        """(site, category) of every category polled successfully at least once."""
        c = t.category_state.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.site, c.category).where(c.last_success.is_not(None)))
            return {(r.site, r.category) for r in rows}

    def set_next_due(self, site: str, category: str, due: datetime) -> None:
        """Remember when a category is next due, so a restart neither stampedes nor
        forgets (a category never polled gets a state row here)."""
        with self.engine.begin() as conn:
            stmt = (
                insert(conn, t.category_state)
                .values(
                    site=site,
                    category=category,
                    next_due=due,
                    consecutive_failures=0,
                    empty_polls=0,
                    polls=0,
                    extract_failures=0,
                    status="ok",
                )
                .on_conflict_do_update(index_elements=["site", "category"], set_={"next_due": due})
            )
            conn.execute(stmt)

    def claim_poll(
        self,
        site: str,
        category: str,
        owner: str,
        now: datetime,
        until: datetime,
        *,
        force: bool = False,
    ) -> bool:
        """Take the category's poll lease if it is free (or ours, or expired) and, unless
        ``force`` (a "poll now"), only if the category is due: another worker that just
        polled it has moved ``next_due`` on. One conditional UPDATE, so on PostgreSQL and
        SQLite alike exactly one claimant wins."""
        c = t.category_state.c
        with self.engine.begin() as conn:
            conn.execute(
                insert(conn, t.category_state)
                .values(
                    site=site,
                    category=category,
                    consecutive_failures=0,
                    empty_polls=0,
                    polls=0,
                    extract_failures=0,
                    status="ok",
                )
                .on_conflict_do_nothing(index_elements=["site", "category"])
            )
            free = or_(c.lease_until.is_(None), c.lease_until < now, c.lease_owner == owner)
            query = t.category_state.update().where(c.site == site, c.category == category, free)
            if not force:
                query = query.where(or_(c.next_due.is_(None), c.next_due <= now))
            result = conn.execute(query.values(lease_owner=owner, lease_until=until))
        return result.rowcount == 1

    def renew_poll(self, site: str, category: str, owner: str, until: datetime) -> bool:
        """Extend a poll lease the owner still holds; False when it is no longer its
        own (it ran out and another worker took the category)."""
        c = t.category_state.c
        with self.engine.begin() as conn:
            result = conn.execute(
                t.category_state.update()
                .where(
                    c.site == site,
                    c.category == category,
                    c.lease_owner == owner,
                )
                .values(lease_until=until)
            )
        return result.rowcount == 1

    def lease_owners(self, now: datetime) -> set[str]:
        """Owners of poll leases still running."""
        c = t.category_state.c
        query = select(c.lease_owner).where(c.lease_owner.is_not(None), c.lease_until > now)
        with self.engine.connect() as conn:
            return {row.lease_owner for row in conn.execute(query.distinct())}

    def release_owner(self, owner: str) -> int:
        """Free every poll lease ``owner`` holds (it is known dead); returns how many."""
        c = t.category_state.c
        with self.engine.begin() as conn:
            result = conn.execute(
                t.category_state.update()
                .where(c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )
        return int(result.rowcount)

    def release_poll(self, site: str, category: str, owner: str) -> None:
        c = t.category_state.c
        with self.engine.begin() as conn:
            conn.execute(
                t.category_state.update()
                .where(
                    c.site == site,
                    c.category == category,
                    c.lease_owner == owner,
                )
                .values(lease_owner=None, lease_until=None)
            )

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
                    site=r.site,
                    category=r.category,
                    started=r.started,
                    finished=r.finished,
                    ok=bool(r.ok),
                    items=r.items,
                    new=r.new,
                    changed=r.changed,
                    failed_articles=r.failed_articles,
                    error=r.error,
                    not_modified=bool(r.not_modified),
                )
                for r in conn.execute(query)
            ]


def _state(row: Any) -> CategoryState:
    return CategoryState(
        site=row.site,
        category=row.category,
        last_poll=row.last_poll,
        last_success=row.last_success,
        last_error=row.last_error,
        consecutive_failures=row.consecutive_failures,
        empty_polls=row.empty_polls,
        polls=row.polls,
        extract_failures=row.extract_failures,
        status=CategoryStatus(row.status),
        status_since=row.status_since,
        next_due=row.next_due,
        rechecked=row.rechecked,
    )


def record_poll(conn: Connection, record: PollRecord, state: CategoryState | None) -> None:
    conn.execute(
        t.polls.insert().values(
            site=record.site,
            category=record.category,
            started=record.started,
            finished=record.finished,
            ok=record.ok,
            items=record.items,
            new=record.new,
            changed=record.changed,
            failed_articles=record.failed_articles,
            not_modified=record.not_modified,
            error=record.error,
        )
    )
    if state is not None:
        put_state(conn, state)


def put_state(conn: Connection, state: CategoryState) -> None:
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
        "rechecked": state.rechecked,
    }
    stmt = (
        insert(conn, t.category_state)
        .values(site=state.site, category=state.category, **values)
        .on_conflict_do_update(index_elements=["site", "category"], set_=values)
    )
    conn.execute(stmt)


def put_cache(conn: Connection, cache: HttpCache, now: datetime) -> None:
    stmt = insert(conn, t.http_cache).values(
        url=cache.url, etag=cache.etag, last_modified=cache.last_modified, stored_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["url"],
        set_={"etag": cache.etag, "last_modified": cache.last_modified, "stored_at": now},
    )
    conn.execute(stmt)
