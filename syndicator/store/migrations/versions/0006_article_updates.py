"""Updates of known articles: the list signature of each article, when each category's
newest articles were last re-read, the earlier versions of changed articles, and the
content hash made of what a reader sees (so stored hashes are recomputed).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _hash(row: sa.Row[tuple[object, ...]]) -> str:
    # A frozen copy of ``poll.decide.content_hash`` as of this revision: a migration must
    # give the same result whatever the code becomes later.
    digest = hashlib.sha256()
    parts = (
        row.title,
        " ".join(row.content_text.split()),
        row.source or "",
        row.author or "",
        row.editor or "",
    )
    images = [str(i) for i in json.loads(row.images)]
    files = [f if isinstance(f, str) else str(f["url"]) for f in json.loads(row.attachments)]
    for part in (*parts, *images, "\x1e", *files):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("listed", sa.String(32)))
    with op.batch_alter_table("category_state") as batch:
        batch.add_column(sa.Column("rechecked", sa.DateTime))
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.Column("replaced", sa.DateTime, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("editor", sa.Text),
        sa.Column("content_html", sa.Text, nullable=False),
        sa.Column("content_text", sa.Text, nullable=False),
        sa.Column("images", sa.Text, nullable=False),
        sa.Column("attachments", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_article_versions_site_key", "article_versions", ["site", "key"])
    conn = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("title", sa.Text),
        sa.column("content_text", sa.Text),
        sa.column("source", sa.Text),
        sa.column("author", sa.Text),
        sa.column("editor", sa.Text),
        sa.column("images", sa.Text),
        sa.column("attachments", sa.Text),
        sa.column("content_hash", sa.String),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(articles).where(articles.c.id > last).order_by(articles.c.id).limit(500)
        ).all()
        if not rows:
            break
        for row in rows:
            conn.execute(
                articles.update().where(articles.c.id == row.id).values(content_hash=_hash(row))
            )
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_article_versions_site_key", "article_versions")
    op.drop_table("article_versions")
    with op.batch_alter_table("category_state") as batch:
        batch.drop_column("rechecked")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("listed")
