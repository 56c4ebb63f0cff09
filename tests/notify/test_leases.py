"""Delivery leases cover one send: rows a dead worker had not sent yet are free within
a send's time, and a worker started again on the same host takes them back at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from syndicator.models import Delivery
from syndicator.notify import Dispatcher
from syndicator.notify.result import SendResult
from syndicator.store import Store
from syndicator.store.tables import deliveries
from tests.support.clock import Clock
from tests.support.outbox import enqueue, intent, webhook


class Watching:
    """A sender that looks at the outbox while it sends."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.leases: list[list[datetime | None]] = []

    def send(self, delivery: Delivery, now: datetime) -> SendResult:
        rows = [r for r in self.store.outbox.list(limit=None) if r.state == "pending"]
        self.leases.append([self._lease(r.id) for r in rows])
        return SendResult(ok=True)

    def _lease(self, delivery_id: int) -> datetime | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(deliveries.c.lease_until).where(deliveries.c.id == delivery_id)
            ).first()
        return None if row is None else row.lease_until

    def close(self) -> None:
        pass


def test_each_row_is_leased_for_one_send_not_for_the_batch(
    sqlite_store: Store, clock: Clock
) -> None:
    enqueue(sqlite_store, [intent(n, "hook", clock()) for n in range(5)])
    channel = webhook("http://hooks.test/in")  # timeout 5 s
    sender = Watching(sqlite_store)
    dispatcher = Dispatcher(
        sqlite_store.outbox, [channel], [], clock=clock, senders={"hook": sender}
    )
    assert dispatcher.deliver_due().delivered == 5
    one_send = timedelta(seconds=2 * channel.timeout + 60)
    limit = clock() + one_send
    for leases in sender.leases:
        assert leases and all(until is not None and until <= limit for until in leases)


def test_a_restarted_worker_takes_back_its_dead_predecessors_leases(
    sqlite_store: Store, clock: Clock
) -> None:
    from syndicator.owners import owner_id

    me = owner_id()
    host, namespace, pid, _ = me.rsplit(":", 3)
    dead, alive_elsewhere = f"{host}:{namespace}:{pid}:0ldstart", "another-host:1:1:abcdef12"
    enqueue(sqlite_store, [intent(n, "hook", clock()) for n in range(4)])
    assert len(sqlite_store.outbox.claim(dead, clock(), lease=3600, limit=2)) == 2
    assert len(sqlite_store.outbox.claim(alive_elsewhere, clock(), lease=3600, limit=2)) == 2
    assert sqlite_store.outbox.lease_owners(clock()) == {dead, alive_elsewhere}
    from syndicator.owners import dead_here

    for owner in sorted(sqlite_store.outbox.lease_owners(clock())):
        if dead_here(owner, me):
            assert sqlite_store.outbox.release_owner(owner) == 2
    assert sqlite_store.outbox.lease_owners(clock()) == {alive_elsewhere}
    # The freed rows are due again now, not an hour later.
    assert len(sqlite_store.outbox.claim(me, clock(), lease=60, limit=10)) == 2
