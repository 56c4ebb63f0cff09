"""Fixtures shared by the whole suite: a fixed clock and the replica portal on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from syndicator.demo.portal import ReplicaPortal
from syndicator.store import Store
from tests.support.clock import SHANGHAI, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2023, 3, 20, 9, 30, tzinfo=SHANGHAI))


@pytest.fixture
def portal(clock: Clock) -> Iterator[ReplicaPortal]:
    with ReplicaPortal(now=clock) as server:
        yield server


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A PostgreSQL server for the session; skipped where the binaries are missing,
    unless SYNDICATOR_REQUIRE_TOOLS=1 (as `make test` sets) makes that a failure."""
    from tests.support.postgres import postgres_server

    try:
        yield from postgres_server()
    except FileNotFoundError as exc:
        if os.environ.get("SYNDICATOR_REQUIRE_TOOLS") == "1":
            raise
        pytest.skip(str(exc))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated store on each backend the project claims (SQLite in a folder that does
    not exist yet, so its creation is exercised too)."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path}/nested/dir/s.db")
    else:
        s = Store(request.getfixturevalue("postgres").new_database())
    s.upgrade()
    yield s
    s.close()
