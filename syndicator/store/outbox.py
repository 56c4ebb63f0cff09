"""The notification outbox: reads and writes of ``deliveries`` and ``channels``.

Rows are claimed with a lease: on PostgreSQL by ``SELECT … FOR UPDATE SKIP LOCKED`` and
an UPDATE of exactly those rows in one transaction (the row locks keep two workers off
the same rows); on SQLite, where one writer at a time holds the database, by ONE
conditional ``UPDATE … WHERE id IN (SELECT …) RETURNING``, whose WHERE re-checks the
lease. A worker that dies keeps its rows only until the lease
runs out. Every outcome is recorded only by the lease holder, so a worker that lost its
lease cannot overwrite what another one did.

The sends a rate-limited channel has had are kept here too (``rate_limits``), so that
workers sharing the database share the channel's limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from syndicator.errors import StoreError
from syndicator.models import Delivery, DeliveryIntent, DeliveryState, EventType
from syndicator.store import tables as t

D = t.deliveries
R = t.rate_limits

# A slot is taken by compare-and-set; a lost race just reads again. Only a crowd of
# workers hammering one channel could lose this many times in a row.
SLOT_TRIES = 50

# (earlier sends, now) -> (seconds to wait, sends to keep): ``notify.ratelimit.admit``.
Admit = Callable[[Sequence[datetime], datetime], tuple[float, tuple[datetime, ...]]]


def insert_deliveries(conn: Connection, intents: Sequence[DeliveryIntent]) -> int:
    """Write planned deliveries inside the caller's transaction; a key already there is
    the same event planned before, so it is skipped. Returns how many were new."""
    made = 0
    for intent in intents:
        values = {
            "key": intent.key,
            "channel": intent.channel,
            "event": intent.event,
            "state": intent.state,
            "site": intent.site,
            "category": intent.category,
            "article_key": intent.article_key,
            "data": json.dumps(intent.data, ensure_ascii=False, sort_keys=True),
            "created": intent.created,
            "attempts": 0,
            "next_attempt": intent.created,
        }
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = (
            insert(D)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(D.c.id)
        )
        if conn.execute(stmt).first() is not None:
            made += 1
    return made


def _row(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        key=row.key,
        channel=row.channel,
        event=EventType(row.event),
        state=DeliveryState(row.state),
        site=row.site,
        category=row.category,
        article_key=row.article_key,
        data=json.loads(row.data),
        created=row.created,
        attempts=row.attempts,
        next_attempt=row.next_attempt,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
    )


def _all_owned(ids: Sequence[int], owner: str) -> Any:
    return and_(D.c.id.in_(list(ids)), D.c.lease_owner == owner)


def _free(now: datetime) -> Any:
    return or_(D.c.lease_until.is_(None), D.c.lease_until < now)


class Outbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _begin(self) -> Any:
        return self.engine.begin()

    # ------------------------------------------------------------ claims

    def claim(
        self,
        owner: str,
        now: datetime,
        *,
        lease: float = 120.0,
        limit: int = 100,
        state: str = DeliveryState.PENDING,
        channel: str | None = None,
        due_only: bool = True,
        other_than: Sequence[str] = (),
    ) -> list[Delivery]:
        """Lease up to ``limit`` rows in ``state`` (due ones, for ``pending``), of one
        channel or of any channel but ``other_than``."""
        cond = [D.c.state == state, _free(now)]
        if due_only:
            cond.append(D.c.next_attempt <= now)
        if channel is not None:
            cond.append(D.c.channel == channel)
        if other_than:
            cond.append(D.c.channel.not_in(list(other_than)))
        pick = (
            select(D.c.id)
            .where(*cond)
            .order_by(D.c.next_attempt, D.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        lease_values = {"lease_owner": owner, "lease_until": now + timedelta(seconds=lease)}
        try:
            with self._begin() as conn:
                if conn.dialect.name == "postgresql":
                    # Lock first, then update exactly those rows: PostgreSQL may run an
                    # IN (… LIMIT n) subquery more than once and so lease more than n.
                    ids = list(conn.execute(pick).scalars())
                    if not ids:
                        return []
                    where = D.c.id.in_(ids)
                else:
                    where = D.c.id.in_(pick.scalar_subquery())
                stmt = D.update().where(where, *cond).values(**lease_values).returning(*D.c)
                rows = conn.execute(stmt).all()
        except SQLAlchemyError as exc:
            raise StoreError(f"could not claim deliveries: {exc}") from exc
        return sorted((_row(r) for r in rows), key=lambda d: (d.next_attempt or now, d.id))

    def claim_one(
        self, delivery_id: int, owner: str, now: datetime, *, lease: float = 120.0
    ) -> Delivery | None:
        """Lease one row whatever its state (an operator's retry), making it a pending
        row due now; ``None`` when the row is missing or another worker holds it. One
        conditional UPDATE, so a row a worker is sending now is never sent twice."""
        values = {
            "state": DeliveryState.PENDING,
            "next_attempt": now,
            "delivered_at": None,
            "lease_owner": owner,
            "lease_until": now + timedelta(seconds=lease),
        }
        stmt = D.update().where(D.c.id == delivery_id, _free(now)).values(**values).returning(*D.c)
        try:
            with self._begin() as conn:
                row = conn.execute(stmt).first()
        except SQLAlchemyError as exc:
            raise StoreError(f"could not claim delivery {delivery_id}: {exc}") from exc
        return _row(row) if row else None

    def extend(self, ids: Sequence[int], owner: str, until: datetime) -> None:
        """Keep leasing the rows of a batch not sent yet: a lease covers one send, so a
        worker that dies mid-batch frees the rest within a send's time."""
        if ids:
            with self._begin() as conn:
                conn.execute(D.update().where(_all_owned(ids, owner)).values(lease_until=until))

    def lease_owners(self, now: datetime) -> set[str]:
        """Owners of delivery leases still running."""
        query = select(D.c.lease_owner).where(D.c.lease_owner.is_not(None), D.c.lease_until > now)
        with self.engine.connect() as conn:
            return {row.lease_owner for row in conn.execute(query.distinct())}

    def release_owner(self, owner: str) -> int:
        """Free every delivery ``owner`` leased (it is known dead); returns how many."""
        with self._begin() as conn:
            result = conn.execute(
                D.update()
                .where(D.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )
        return int(result.rowcount)

    def _held(self, delivery_id: int, owner: str) -> Any:
        return and_(D.c.id == delivery_id, D.c.lease_owner == owner)

    def _update(
        self, where: Any, values: dict[str, Any], alerts: Sequence[DeliveryIntent] = ()
    ) -> bool:
        try:
            with self._begin() as conn:
                done = bool(conn.execute(D.update().where(where).values(**values)).rowcount)
                if done and alerts:
                    insert_deliveries(conn, alerts)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not record a delivery: {exc}") from exc
        return done

    def delivered(self, delivery_id: int, owner: str, now: datetime) -> bool:
        return self._update(
            self._held(delivery_id, owner),
            {
                "state": DeliveryState.DELIVERED,
                "attempts": D.c.attempts + 1,
                "delivered_at": now,
                "last_error": None,
                "lease_owner": None,
                "lease_until": None,
            },
        )

    def failed(self, delivery_id: int, owner: str, error: str, next_attempt: datetime) -> bool:
        return self._update(
            self._held(delivery_id, owner),
            {
                "attempts": D.c.attempts + 1,
                "last_error": error,
                "next_attempt": next_attempt,
                "lease_owner": None,
                "lease_until": None,
            },
        )

    def dead(
        self,
        delivery_id: int,
        owner: str,
        error: str,
        *,
        attempted: bool = True,
        alerts: Sequence[DeliveryIntent] = (),
    ) -> bool:
        """Give up on a row; ``alerts`` (operator notices of the death) are written in
        the same transaction, so they exist exactly when the row is dead."""
        values: dict[str, Any] = {
            "state": DeliveryState.DEAD,
            "last_error": error,
            "lease_owner": None,
            "lease_until": None,
        }
        if attempted:
            values["attempts"] = D.c.attempts + 1
        return self._update(self._held(delivery_id, owner), values, alerts)

    def defer(self, delivery_id: int, owner: str, next_attempt: datetime) -> bool:
        """Put a row back untried (a rate limit): no attempt is counted."""
        return self._update(
            self._held(delivery_id, owner),
            {"next_attempt": next_attempt, "lease_owner": None, "lease_until": None},
        )

    def digest_done(self, ids: Sequence[int], owner: str, now: datetime) -> None:
        """The rows of one digest message were accepted: delivered."""
        self._update(
            self._all_held(ids, owner),
            {
                "state": DeliveryState.DELIVERED,
                "attempts": D.c.attempts + 1,
                "delivered_at": now,
                "last_error": None,
                "lease_owner": None,
                "lease_until": None,
            },
        )

    def digest_failed(
        self,
        retry: Sequence[int],
        dead: Sequence[int],
        owner: str,
        error: str,
        retry_at: datetime | None,
        *,
        alerts: Sequence[DeliveryIntent] = (),
    ) -> None:
        """The rows of one digest message were not accepted: ``retry`` ones wait in
        ``digest`` for ``retry_at``, ``dead`` ones are given up; with the operator
        notices of that death, all in one transaction."""
        released = {
            "attempts": D.c.attempts + 1,
            "last_error": error,
            "lease_owner": None,
            "lease_until": None,
        }
        try:
            with self._begin() as conn:
                if retry:
                    conn.execute(
                        D.update()
                        .where(self._all_held(retry, owner))
                        .values(next_attempt=retry_at, **released)
                    )
                if dead:
                    done = conn.execute(
                        D.update()
                        .where(self._all_held(dead, owner))
                        .values(state=DeliveryState.DEAD, **released)
                    )
                    if done.rowcount and alerts:
                        insert_deliveries(conn, alerts)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not record a digest: {exc}") from exc

    def digest_retry_at(self, channel: str, now: datetime) -> datetime | None:
        """When the channel's failed digest is to be tried again (``None``: no failed
        digest waits). Rows being sent right now are not waiting."""
        query = select(func.min(D.c.next_attempt)).where(
            D.c.channel == channel, D.c.state == DeliveryState.DIGEST, D.c.attempts > 0, _free(now)
        )
        with self.engine.connect() as conn:
            found: datetime | None = conn.execute(query).scalar()
        return found

    def _all_held(self, ids: Sequence[int], owner: str) -> Any:
        return and_(D.c.id.in_(list(ids)), D.c.lease_owner == owner)

    # ------------------------------------------------------------ operator views

    def list(self, *, state: str | None = None, limit: int | None = 50) -> list[Delivery]:
        query = select(D).order_by(D.c.id.desc())
        if state is not None:
            query = query.where(D.c.state == state)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query)]

    def get(self, delivery_id: int) -> Delivery | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(D).where(D.c.id == delivery_id)).first()
        return _row(row) if row else None

    def counts(self) -> dict[str, int]:
        query = select(D.c.state, func.count()).group_by(D.c.state)
        with self.engine.connect() as conn:
            found = {row[0]: int(row[1]) for row in conn.execute(query)}
        states = (
            DeliveryState.PENDING,
            DeliveryState.DIGEST,
            DeliveryState.DELIVERED,
            DeliveryState.DEAD,
        )
        return {state: found.get(state, 0) for state in states}

    def dead_count(self) -> int:
        return self.counts()[DeliveryState.DEAD]

    # ------------------------------------------------------------ channels

    def disable_channel(self, channel: str, now: datetime, reason: str) -> None:
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        values = {"disabled_at": now, "disabled_reason": reason}
        with self._begin() as conn:
            conn.execute(
                insert(t.channels)
                .values(id=channel, **values)
                .on_conflict_do_update(index_elements=["id"], set_=values)
            )

    def enable_channel(self, channel: str) -> None:
        with self._begin() as conn:
            conn.execute(t.channels.delete().where(t.channels.c.id == channel))

    def disabled_channels(self) -> dict[str, str]:
        """Disabled channel ids and why."""
        query = select(t.channels).where(t.channels.c.disabled_at.is_not(None))
        with self.engine.connect() as conn:
            return {r.id: r.disabled_reason or "disabled" for r in conn.execute(query)}

    # ------------------------------------------------------------ rate limits

    def take_send_slot(self, channel: str, now: datetime, admit: Admit) -> float:
        """Ask ``admit`` whether one more message may go to ``channel`` now, given the
        sends every worker recorded; record this one if so. Returns 0 when it may, else
        the seconds to wait. The update is a compare-and-set on ``version``, so two
        workers reading the same sends cannot both take the last slot."""
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        try:
            for _ in range(SLOT_TRIES):
                with self._begin() as conn:
                    conn.execute(
                        insert(R)
                        .values(channel=channel, sent="[]", version=0)
                        .on_conflict_do_nothing(index_elements=["channel"])
                    )
                    row = conn.execute(
                        select(R.c.sent, R.c.version).where(R.c.channel == channel)
                    ).one()
                    wait, keep = admit(_times(row.sent), now)
                    if wait > 0:
                        return wait
                    taken = conn.execute(
                        R.update()
                        .where(
                            R.c.channel == channel,
                            R.c.version == row.version,
                        )
                        .values(sent=_times_json(keep), version=row.version + 1)
                    ).rowcount
                if taken:
                    return 0.0
        except SQLAlchemyError as exc:
            raise StoreError(f"could not take a send slot of {channel}: {exc}") from exc
        raise StoreError(
            f"could not take a send slot of {channel}: {SLOT_TRIES} races lost in a row"
        )


def _times(text: str) -> list[datetime]:
    return [datetime.fromisoformat(v) for v in json.loads(text)]


def _times_json(times: Sequence[datetime]) -> str:
    return json.dumps([v.astimezone(UTC).isoformat() for v in times])
