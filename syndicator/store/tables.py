"""Table definitions (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

Times are stored as naive UTC (``UtcDateTime``) because SQLite has no time zone type;
the store converts at its boundary so every datetime outside it is aware.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class PackedText(TypeDecorator[str]):
    """Text kept zlib-compressed on SQLite.

    An article's body and its text are about 2 KiB together, so a row did not fit two to
    a 4 KiB page and a third of every page stood empty; compressed, the rows pack. On
    PostgreSQL the column stays text: TOAST already compresses long values there.
    Reading accepts a plain string too, for rows written before the column was packed.
    """

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(LargeBinary())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return pack_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return unpack_text(bytes(value))


def pack_text(value: str) -> bytes:
    return zlib.compress(value.encode("utf-8"), 6)


def unpack_text(value: bytes) -> str:
    return zlib.decompress(value).decode("utf-8")


metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("category", String(64), nullable=False),
    Column("key", String(1024), nullable=False),
    Column("url", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("published", UtcDateTime, nullable=False),
    Column("date_only", Boolean, nullable=False, default=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("updated", UtcDateTime, nullable=False),
    Column("source", Text),
    Column("author", Text),
    Column("editor", Text),
    Column("category_name", Text, nullable=False),
    Column("content_html", PackedText, nullable=False),
    Column("content_text", PackedText, nullable=False),
    Column("images", Text, nullable=False, default="[]"),
    Column("attachments", Text, nullable=False, default="[]"),
    Column("content_hash", String(64), nullable=False),
    Column("external_url", Text),
    Column("baseline", Boolean, nullable=False, default=False),
    Column("listed", String(32)),
    UniqueConstraint("site", "key", name="uq_articles_site_key"),
)
Index("ix_articles_published", articles.c.published)
# The site feed: newest articles of one site, across its categories.
Index("ix_articles_site_published", articles.c.site, articles.c.published)
Index(
    "ix_articles_site_category_published",
    articles.c.site,
    articles.c.category,
    articles.c.published,
)

# Earlier contents of articles the portal changed, newest last: a feed shows the current
# version, and what it said before stays readable.
article_versions = Table(
    "article_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("key", String(1024), nullable=False),
    Column("replaced", UtcDateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("updated", UtcDateTime, nullable=False),
    Column("source", Text),
    Column("author", Text),
    Column("editor", Text),
    Column("content_html", PackedText, nullable=False),
    Column("content_text", PackedText, nullable=False),
    Column("images", Text, nullable=False),
    Column("attachments", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
)
Index("ix_article_versions_site_key", article_versions.c.site, article_versions.c.key)

http_cache = Table(
    "http_cache",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("stored_at", UtcDateTime, nullable=False),
)

category_state = Table(
    "category_state",
    metadata,
    Column("site", String(64), primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("last_poll", UtcDateTime),
    Column("last_success", UtcDateTime),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("empty_polls", Integer, nullable=False, default=0),
    Column("polls", Integer, nullable=False, default=0),
    Column("next_due", UtcDateTime),
    Column("extract_failures", Integer, nullable=False, default=0, server_default="0"),
    Column("status", String(16), nullable=False, default="ok", server_default="ok"),
    Column("status_since", UtcDateTime),
    # Which worker polls the category now: two workers on one database never poll the
    # same category at once, and a crashed worker's lease simply runs out.
    Column("lease_owner", String(80)),
    Column("lease_until", UtcDateTime),
    Column("rechecked", UtcDateTime),
)

polls = Table(
    "polls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(64), nullable=False),
    Column("category", String(64), nullable=False),
    Column("started", UtcDateTime, nullable=False),
    Column("finished", UtcDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("items", Integer, nullable=False, default=0),
    Column("new", Integer, nullable=False, default=0),
    Column("changed", Integer, nullable=False, default=0),
    Column("failed_articles", Integer, nullable=False, default=0),
    Column("not_modified", Boolean, nullable=False, default=False),
    Column("error", Text),
)
Index("ix_polls_site_category_started", polls.c.site, polls.c.category, polls.c.started)

# Built feed bytes, so that a web process serves what a worker built (they may be apart)
# and an unchanged store yields the very same bytes and ETag.
feeds = Table(
    "feeds",
    metadata,
    Column("path", String(512), primary_key=True),
    Column("format", String(8), primary_key=True),
    Column("body", LargeBinary, nullable=False),
    Column("etag", String(80), nullable=False),
    Column("last_modified", UtcDateTime, nullable=False),
    Column("built_at", UtcDateTime, nullable=False),
    # "gzip": ``body`` holds the gzip of the feed (a quarter of its size, and the very
    # bytes a gzip answer sends); "identity": the feed itself (rows of older versions).
    Column("coding", String(8), nullable=False, default="gzip", server_default="identity"),
    # Raised on every change, from ``feed_counter``: a web process asks for the highest
    # and then for the rows past what it has seen, never for every row.
    Column("seq", Integer, nullable=False, default=0, server_default="0"),
)
Index("ix_feeds_seq", feeds.c.seq)

feed_counter = Table(
    "feed_counter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
)

# The notification outbox: one row per (event, channel), written in the transaction that
# stores what it announces; ``key`` is the idempotency key (the webhook-id) and unique, so
# the same event planned twice stays one row. A row is claimed by setting a lease.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(80), nullable=False, unique=True),
    Column("channel", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("site", String(64)),
    Column("category", String(64)),
    Column("article_key", String(1024)),
    Column("data", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt", UtcDateTime),
    Column("last_error", Text),
    Column("delivered_at", UtcDateTime),
    Column("lease_owner", String(64)),
    Column("lease_until", UtcDateTime),
)
Index("ix_deliveries_state_next", deliveries.c.state, deliveries.c.next_attempt)
Index("ix_deliveries_channel_state", deliveries.c.channel, deliveries.c.state)

# Channels the receiver asked us to stop using (a webhook answering 410 Gone).
channels = Table(
    "channels",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("disabled_at", UtcDateTime),
    Column("disabled_reason", Text),
)

# When each rate-limited channel (a chat bot) was last sent to, so that every worker on
# the database counts the same sends: ``sent`` is a JSON list of the send times still
# inside the window, and ``version`` makes each update a compare-and-set.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("channel", String(64), primary_key=True),
    Column("sent", Text, nullable=False),
    Column("version", Integer, nullable=False),
)
