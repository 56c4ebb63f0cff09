"""Engines: SQLite pragmas, alembic migrations, the dialect's upsert, and the locks that
let processes on one database take turns (migrating, building feeds)."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from syndicator.errors import StoreError, first_line
from syndicator.store import tables

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK_ID = 7_127_001  # any constant; names "syndicator migrates" on PostgreSQL
FEEDS_LOCK_ID = 7_127_002
# A lock held longer than this is a stuck process, not a slow build: waiters give up
# with a clear error instead of blocking a poll (or an admin request) for ever.
LOCK_WAIT = 30.0
LOCK_POLL = 0.05
MIGRATE_WAIT = 300.0  # "syndicator builds feeds"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the web process read while the worker writes; busy_timeout turns a
    # momentary lock into a short wait instead of an error.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    # 1 MiB of page cache per connection instead of 2: the pool keeps up to fifteen
    # for a hundred poll threads, and the queries are small indexed reads.
    cur.execute("PRAGMA cache_size=-1024")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create the engine; for SQLite also the database's folder."""
    try:
        parsed = make_url(url)
    except SQLAlchemyError as exc:
        raise StoreError(f"{url}: not a database URL ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"{url}: cannot create the database folder {folder}: {exc.strerror or exc}"
                ) from None
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def insert(conn: Connection | Engine, table: Table) -> Any:
    """An INSERT that knows ``ON CONFLICT`` on either database."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# The newest migration. A database already there is opened without importing alembic,
# whose modules would stay in memory for the life of the process (about 10 MiB).
HEAD_REVISION = "0008"


def upgrade(
    engine: Engine, url: str, shown_url: str, before: Callable[[], None] | None = None
) -> None:
    """Apply every alembic migration not yet applied. Processes started together on a
    fresh database (a worker and a web process) take turns: the first migrates, the
    others find the schema at head. ``before`` runs in the turn, before the database is
    opened (and, for SQLite, created)."""
    try:
        with _migration_lock(engine, url):
            if before is not None:
                before()
            _migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"{shown_url}: migration failed: {first_line(exc)}") from exc


def _migrate(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Held to the end of this transaction, which is the whole upgrade.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
        revision = _revision(conn)
        if revision == HEAD_REVISION:
            return
        if revision is None and not inspect(conn).get_table_names():
            _create_at_head(conn)
            return
        from alembic import command
        from alembic.config import Config as AlembicConfig

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _create_at_head(conn: Connection) -> None:
    """A new, empty database: the tables as they stand, stamped with the head revision,
    as alembic's own cookbook builds one from scratch ("create_all, then stamp"). A test
    holds this schema equal to the one the migrations build."""
    tables.metadata.create_all(conn)
    # alembic's own DDL for its version table.
    conn.exec_driver_sql(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    conn.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD_REVISION}
    )
    # What migration 0007 seeds: the change counter's one row.
    conn.execute(tables.feed_counter.insert().values(id=1, seq=0))


def _revision(conn: Connection) -> str | None:
    """The applied revision, or None for a new database (or one alembic must look at)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return str(rows[0][0]) if len(rows) == 1 else None


@contextmanager
def _migration_lock(engine: Engine, url: str) -> Iterator[None]:
    """SQLite has no advisory locks: a lock file beside the database serves."""
    with _lock_file(engine, url, "migrate", MIGRATE_WAIT):
        yield


@contextmanager
def _lock_file(engine: Engine, url: str, name: str, wait: float | None = None) -> Iterator[None]:
    database = make_url(url).database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    path = f"{database}.{name}.lock"
    with open(path, "a+b") as handle:
        wait = LOCK_WAIT if wait is None else wait
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(_held_too_long(name, path, wait)) from None
                time.sleep(LOCK_POLL)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _held_too_long(name: str, holder: str, wait: float | None = None) -> str:
    wait = LOCK_WAIT if wait is None else wait
    return (
        f"another process has held the {name} lock ({holder}) for over {wait:.0f}s; "
        "it may be stuck: stop it, or wait and try again"
    )


@contextmanager
def feeds_lock(engine: Engine, url: str) -> Iterator[None]:
    """One feed build at a time across every process on the database: a build reads
    the articles after taking it, so the last feed written was read last and holds
    every article committed before (two workers building at once could otherwise leave
    the older read's bytes in place). PostgreSQL: a session advisory lock on a
    connection of its own; SQLite: a lock file."""
    if engine.dialect.name != "postgresql":
        with _lock_file(engine, url, "feeds"):
            yield
        return
    with engine.connect() as conn:
        deadline = time.monotonic() + LOCK_WAIT
        while not conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({FEEDS_LOCK_ID})").scalar():
            conn.commit()
            if time.monotonic() > deadline:
                raise StoreError(_held_too_long("feeds", f"advisory lock {FEEDS_LOCK_ID}"))
            time.sleep(LOCK_POLL)
        conn.commit()
        try:
            yield
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({FEEDS_LOCK_ID})")
            conn.commit()
