"""Persistence: SQLAlchemy Core tables, alembic migrations, and ``Store`` with one room
per domain (articles, categories, feeds, outbox)."""

from syndicator.store.engine import make_engine
from syndicator.store.store import Store

__all__ = ["Store", "make_engine"]
