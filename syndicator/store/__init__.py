"""Persistence: SQLAlchemy Core tables, alembic migrations, one ``Store`` class."""

from syndicator.store.store import Store, StoredFeed, make_engine

__all__ = ["Store", "StoredFeed", "make_engine"]
