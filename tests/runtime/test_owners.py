"""Telling a dead lease holder on this host from a living one."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from syndicator.demo.portal import ReplicaPortal
from syndicator.runtime import owners
from syndicator.runtime.owners import dead_here, owner_id
from tests.support.clock import Clock
from tests.support.configs import make_app, write_config
from tests.support.outbox import enqueue, intent

HOST = socket.gethostname()[:40]


def test_owner_ids_name_host_and_process() -> None:
    me = owner_id()
    host, pid, tag = me.split(":")
    assert (host, int(pid)) == (HOST, os.getpid()) and len(tag) == 8
    assert owner_id() != me


@pytest.mark.parametrize(
    ("owner", "running", "dead"),
    [
        (f"{HOST}:{os.getpid()}:0ldstart", True, True),  # our pid, an earlier start
        (f"{HOST}:424242:abcdef12", False, True),  # nothing runs under that pid
        (f"{HOST}:424242:abcdef12", True, False),  # a process runs there: leave it
        ("other-host:424242:abcdef12", False, False),  # another host's processes
        ("garbage", False, False),
        (f"{HOST}:x:abcdef12", False, False),
    ],
)
def test_dead_here(monkeypatch: pytest.MonkeyPatch, owner: str, running: bool, dead: bool) -> None:
    monkeypatch.setattr(owners, "_running", lambda pid: running)
    assert dead_here(owner, owner_id()) is dead


def test_our_own_lease_is_never_dead() -> None:
    me = owner_id()
    assert not dead_here(me, me)


def test_the_service_takes_back_dead_leases_of_both_kinds(
    tmp_path: Path, portal: ReplicaPortal, clock: Clock
) -> None:
    app = make_app(write_config(tmp_path, portal), clock)
    host, pid, _ = app.owner.split(":")
    dead, living = f"{host}:{pid}:0ldstart", "another-host:1:abcdef12"
    enqueue(app.store, [intent(n, "hook", clock()) for n in range(3)])
    assert len(app.store.outbox.claim(dead, clock(), lease=3600, limit=2)) == 2
    assert len(app.store.outbox.claim(living, clock(), lease=3600, limit=1)) == 1
    now = clock()
    assert app.store.categories.claim_poll("zgkjcx", "kjyw", dead, now, now + timedelta(hours=1))
    assert app.reclaim_dead_leases() == {dead: 3}
    assert app.store.outbox.lease_owners(now) == {living}
    assert app.store.categories.lease_owners(now) == set()
    app.close()
