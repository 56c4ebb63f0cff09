"""Fixtures shared by the whole suite: a fixed clock, the replica portal on loopback, a
store on each database; and the fast tier.

``make test-fast`` runs the tests not marked ``slow``: a test is slow when it uses
PostgreSQL (marked here, from its fixtures) or starts a process (marked in its module;
under ``SYNDICATOR_FAST=1`` starting one fails the test, so an unmarked one is caught).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from syndicator.demo.portal import ReplicaPortal
from syndicator.store import Store
from tests.support.clock import SHANGHAI, Clock
from tests.support.sinks import Sinks

FAST = os.environ.get("SYNDICATOR_FAST") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: uses PostgreSQL or starts a process; left out of make test-fast"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and "postgresql" in callspec.params.values()
        if on_postgres or "postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


class _NoProcesses(subprocess.Popen):  # type: ignore[type-arg]
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("this test starts a process: mark it slow (tests/conftest.py)")


@pytest.fixture(autouse=True)
def _fast_tier_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    if FAST:
        monkeypatch.setattr(subprocess, "Popen", _NoProcesses)


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


@pytest.fixture
def sinks() -> Iterator[Sinks]:
    """A real SMTP server and two webhook receivers on loopback, for one test."""
    s = Sinks()
    with s.smtp, s.hook, s.ops:
        yield s
