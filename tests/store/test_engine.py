"""Opening a database: migrations only when the schema is behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from syndicator.store import Store
from syndicator.store.engine import HEAD_REVISION, MIGRATIONS
from tests.support.migrations import migrate

OPEN_AND_REPORT = """
import sys
from syndicator.store import Store
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


def test_a_database_at_head_opens_without_loading_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert _open(url) == [HEAD_REVISION, "True"]  # new: migrated
    assert _open(url) == [HEAD_REVISION, "False"]  # at head: alembic never imported


def test_a_database_behind_head_is_still_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    _open(url)
    store = Store(url)
    migrate(store, "downgrade", "0006")
    store.engine.dispose()
    assert _open(url) == [HEAD_REVISION, "True"]
