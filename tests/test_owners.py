"""Telling a dead lease holder on this host from a living one."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from syndicator import owners
from syndicator.demo.portal import ReplicaPortal
from syndicator.owners import dead_here, owner_id
from tests.support.clock import Clock
from tests.support.configs import make_app, write_config
from tests.support.outbox import enqueue, intent

HOST = owners._host()
NS = str(os.stat("/proc/self/ns/pid").st_ino)
HERE = f"{HOST}:{NS}"


def test_long_host_names_stay_apart_and_owners_fit_their_column(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pods = [
        "syndicator-worker-production-eu-7d9c8b6f5d-x2k4p",
        "syndicator-worker-production-eu-7d9c8b6f5d-q9z1m",
    ]
    made = []
    for pod in pods:
        monkeypatch.setattr(socket, "gethostname", lambda pod=pod: pod)
        made.append(owner_id())
    assert made[0].split(":")[0] != made[1].split(":")[0]
    assert all(len(owner) <= 64 for owner in made)


def test_owner_ids_name_host_and_process() -> None:
    me = owner_id()
    host, namespace, pid, tag = me.rsplit(":", 3)
    assert (host, namespace, int(pid)) == (HOST, NS, os.getpid()) and len(tag) == 8
    assert owner_id() != me


@pytest.mark.parametrize(
    ("owner", "running", "dead"),
    [
        (f"{HERE}:{os.getpid()}:0ldstart", True, True),  # our pid, an earlier start
        (f"{HERE}:424242:abcdef12", False, True),  # nothing runs under that pid
        (f"{HERE}:424242:abcdef12", True, False),  # a process runs there: leave it
        # Same host name, another pid namespace (another container): never ours to free.
        (f"{HOST}:1234:{os.getpid()}:0ldstart", False, False),
        (f"{HOST}:1234:424242:abcdef12", False, False),
        ("other-host:424242:abcdef12", False, False),  # another host's processes
        ("garbage", False, False),
        (f"{HERE}:x:abcdef12", False, False),
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
    host, namespace, pid, _ = app.owner.rsplit(":", 3)
    dead, living = f"{host}:{namespace}:{pid}:0ldstart", "another-host:1:1:abcdef12"
    enqueue(app.store, [intent(n, "hook", clock()) for n in range(3)])
    assert len(app.store.outbox.claim(dead, clock(), lease=3600, limit=2)) == 2
    assert len(app.store.outbox.claim(living, clock(), lease=3600, limit=1)) == 1
    now = clock()
    assert app.store.categories.claim_poll("zgkjcx", "kjyw", dead, now, now + timedelta(hours=1))
    assert app.reclaim_dead_leases() == {dead: 3}
    assert app.store.outbox.lease_owners(now) == {living}
    assert app.store.categories.lease_owners(now) == set()
    app.close()
