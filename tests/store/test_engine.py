"""Opening a database: migrations only when the schema is behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from syndicator.store import Store, tables
from syndicator.store.engine import HEAD_REVISION, MIGRATIONS
from tests.support.migrations import migrate

OPEN_AND_REPORT = """
import sys
from syndicator.store import Store, tables
store = Store(sys.argv[1])
store.upgrade()
with store.engine.connect() as conn:
    print(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar())
print("alembic" in sys.modules)
"""


def test_the_head_constant_names_the_newest_migration() -> None:
    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == HEAD_REVISION


def _open(url: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", OPEN_AND_REPORT, url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.slow
def test_new_and_current_databases_open_without_loading_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert _open(url) == [HEAD_REVISION, "False"]  # new: made from the tables
    assert _open(url) == [HEAD_REVISION, "False"]  # at head: nothing to do


@pytest.mark.slow
def test_a_database_behind_head_is_still_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    _open(url)
    store = Store(url)
    migrate(store, "downgrade", "0006")
    store.engine.dispose()
    assert _open(url) == [HEAD_REVISION, "True"]


def _schema(store: Store) -> dict[str, object]:
    """Tables, columns, keys, indexes and seeded rows, as the database reports them.
    Column types are left out for the packed columns: SQLite keeps a declared TEXT
    from the migrations and BLOB from the tables, and stores the same bytes under both."""
    packed = {
        (table.name, column.name)
        for table in tables.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, tables.PackedText)
    }
    seen = inspect(store.engine)
    shape: dict[str, object] = {}
    for name in sorted(seen.get_table_names()):
        columns = [
            (
                c["name"],
                None if (name, c["name"]) in packed else str(c["type"]),
                c["nullable"],
                str(c.get("default")),
            )
            for c in seen.get_columns(name)
        ]
        indexes = sorted(
            (i["name"], tuple(i["column_names"]), i["unique"]) for i in seen.get_indexes(name)
        )
        uniques = sorted(tuple(u["column_names"]) for u in seen.get_unique_constraints(name))
        keys = tuple(seen.get_pk_constraint(name)["constrained_columns"])
        shape[name] = (sorted(columns), indexes, uniques, keys)
    with store.engine.connect() as conn:
        shape["rows"] = (
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").all(),
            conn.exec_driver_sql("SELECT id, seq FROM feed_counter").all(),
        )
    return shape


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_new_database_gets_the_schema_the_migrations_build(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    def new_url(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / name}"
        return str(request.getfixturevalue("postgres").new_database())

    created = Store(new_url("created.db"))
    created.upgrade()  # empty: made from the tables and stamped
    migrated = Store(new_url("migrated.db"))
    migrate(migrated, "upgrade", "head")  # every migration in turn
    try:
        assert _schema(created) == _schema(migrated)
    finally:
        created.close()
        migrated.close()
