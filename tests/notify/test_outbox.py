"""The outbox on SQLite and PostgreSQL: leases keep workers apart, a dead worker's rows
come back, and only the lease holder records an outcome."""

from __future__ import annotations

import threading
from datetime import timedelta

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from syndicator.models import DeliveryState
from syndicator.notify import ratelimit
from syndicator.store import Store
from syndicator.store.engine import MIGRATIONS
from tests.support.clock import Clock
from tests.support.migrations import migrate
from tests.support.outbox import enqueue, intent


def test_schema_has_outbox_tables(store: Store) -> None:
    assert {"deliveries", "channels", "rate_limits"} <= set(inspect(store.engine).get_table_names())


def test_migration_0005_adds_rate_limits_and_takes_them_back(store: Store, clock: Clock) -> None:
    enqueue(store, [intent(1, "ding", clock())])
    assert store.outbox.take_send_slot("ding", clock(), ratelimit.admit) == 0
    migrate(store, "downgrade", "0004")
    tables = set(inspect(store.engine).get_table_names())
    assert "rate_limits" not in tables and "deliveries" in tables
    assert len(store.outbox.list()) == 1
    store.upgrade()
    with store.engine.connect() as conn:
        head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head
        assert conn.exec_driver_sql("SELECT count(*) FROM rate_limits").scalar() == 0
    assert store.outbox.take_send_slot("ding", clock(), ratelimit.admit) == 0


def test_same_key_is_one_row(store: Store, clock: Clock) -> None:
    assert enqueue(store, [intent(1, "hook", clock())]) == 1
    assert enqueue(store, [intent(1, "hook", clock()), intent(2, "hook", clock())]) == 1
    assert store.outbox.counts() == {"pending": 2, "digest": 0, "delivered": 0, "dead": 0}


def test_leases_keep_claims_apart_and_expire(store: Store, clock: Clock) -> None:
    enqueue(store, [intent(n, "hook", clock()) for n in range(10)])
    a = store.outbox.claim("a", clock(), lease=60, limit=6)
    b = store.outbox.claim("b", clock(), lease=60, limit=6)
    assert (len(a), len(b)) == (6, 4)
    assert not {d.id for d in a} & {d.id for d in b}
    assert store.outbox.claim("c", clock(), lease=60) == []
    # "a" dies; after its lease, "c" takes its rows, and "a" can no longer record them.
    clock.advance(seconds=61)
    c = store.outbox.claim("c", clock(), lease=60)
    assert {d.id for d in c} == {d.id for d in a} | {d.id for d in b}
    assert store.outbox.delivered(a[0].id, "a", clock()) is False
    assert store.outbox.delivered(a[0].id, "c", clock()) is True
    [row] = [d for d in store.outbox.list() if d.id == a[0].id]
    assert row.state == DeliveryState.DELIVERED


def test_concurrent_claims_never_overlap(store: Store, clock: Clock) -> None:
    enqueue(store, [intent(n, "hook", clock()) for n in range(200)])
    claimed: dict[str, list[int]] = {}

    def worker(name: str) -> None:
        got: list[int] = []
        while True:
            batch = store.outbox.claim(name, clock(), lease=600, limit=7)
            if not batch:
                break
            got += [d.id for d in batch]
        claimed[name] = got

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    every = [i for ids in claimed.values() for i in ids]
    assert len(every) == 200 and len(set(every)) == 200


def test_claim_one_takes_a_row_in_any_state_but_never_a_held_one(
    store: Store, clock: Clock
) -> None:
    enqueue(store, [intent(1, "hook", clock())])
    [d] = store.outbox.claim("a", clock())
    assert store.outbox.claim_one(d.id, "b", clock()) is None  # "a" is sending it
    store.outbox.dead(d.id, "a", "HTTP 500")
    assert store.outbox.dead_count() == 1
    assert [r.id for r in store.outbox.list(state="dead")] == [d.id]
    again = store.outbox.claim_one(d.id, "b", clock() + timedelta(seconds=1))
    assert again is not None
    assert (again.id, again.state, again.attempts) == (d.id, "pending", 1)
    assert store.outbox.dead_count() == 0
    assert store.outbox.claim("c", clock() + timedelta(seconds=2)) == []  # "b" holds it
    assert store.outbox.claim_one(d.id + 1000, "b", clock()) is None
