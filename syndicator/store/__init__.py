"""Persistence: SQLAlchemy Core tables, alembic migrations, one ``Store`` class."""

from syndicator.store.schema import make_engine
from syndicator.store.store import Store, StoredFeed

__all__ = ["Store", "StoredFeed", "make_engine"]
