"""Built feeds kept gzipped, and a sequence number on every change, so a web process
reloads only the feeds that changed and the database holds a quarter of the bytes; an
index for the site feed's query.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import gzip

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(
            sa.Column("coding", sa.String(8), nullable=False, server_default="identity")
        )
        batch.add_column(sa.Column("seq", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_feeds_seq", "feeds", ["seq"])
    # The site feed read every row of the site to sort them (bodies included).
    op.create_index("ix_articles_site_published", "articles", ["site", "published"])
    op.create_table(
        "feed_counter",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    conn = op.get_bind()
    feeds = sa.table(
        "feeds",
        sa.column("path", sa.String),
        sa.column("format", sa.String),
        sa.column("body", sa.LargeBinary),
        sa.column("coding", sa.String),
        sa.column("seq", sa.Integer),
    )
    keys = conn.execute(sa.select(feeds.c.path, feeds.c.format).order_by(feeds.c.path)).all()
    seq = 0
    for path, fmt in keys:
        where = sa.and_(feeds.c.path == path, feeds.c.format == fmt)
        body = conn.execute(sa.select(feeds.c.body).where(where)).scalar_one()
        seq += 1
        conn.execute(
            feeds.update()
            .where(where)
            .values(body=gzip.compress(bytes(body), 6, mtime=0), coding="gzip", seq=seq)
        )
    op.bulk_insert(
        sa.table("feed_counter", sa.column("id", sa.Integer), sa.column("seq", sa.Integer)),
        [{"id": 1, "seq": seq}],
    )


def downgrade() -> None:
    conn = op.get_bind()
    feeds = sa.table(
        "feeds",
        sa.column("path", sa.String),
        sa.column("format", sa.String),
        sa.column("body", sa.LargeBinary),
        sa.column("coding", sa.String),
    )
    rows = conn.execute(
        sa.select(feeds.c.path, feeds.c.format, feeds.c.body).where(feeds.c.coding == "gzip")
    ).all()
    for path, fmt, body in rows:
        conn.execute(
            feeds.update()
            .where(feeds.c.path == path, feeds.c.format == fmt)
            .values(body=gzip.decompress(bytes(body)))
        )
    op.drop_table("feed_counter")
    op.drop_index("ix_articles_site_published", "articles")
    op.drop_index("ix_feeds_seq", "feeds")
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("seq")
        batch.drop_column("coding")
