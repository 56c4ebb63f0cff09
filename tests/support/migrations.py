"""Move a store's schema to a given revision, as an operator's `alembic` would."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from syndicator.store import Store
from syndicator.store.engine import MIGRATIONS


def migrate(store: Store, action: str, revision: str) -> None:
    """``action`` is "upgrade" or "downgrade"."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)
