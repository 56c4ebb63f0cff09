"""Article bodies and texts zlib-compressed on SQLite, so rows pack into pages; on
PostgreSQL nothing changes (TOAST compresses long text already).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import zlib
from collections.abc import Callable

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BATCH = 500


def _pack(value: object) -> object:
    if isinstance(value, str):
        return zlib.compress(value.encode("utf-8"), 6)
    return value


def _unpack(value: object) -> object:
    if isinstance(value, bytes | memoryview):
        return zlib.decompress(bytes(value)).decode("utf-8")
    return value


def _rewrite(table_name: str, convert: Callable[[object], object]) -> None:
    conn = op.get_bind()
    last = 0
    while True:
        # Driver values both ways: no column type may convert them.
        rows = conn.exec_driver_sql(
            f"SELECT id, content_html, content_text FROM {table_name} "
            "WHERE id > ? ORDER BY id LIMIT ?",
            (last, _BATCH),
        ).all()
        if not rows:
            return
        conn.exec_driver_sql(
            f"UPDATE {table_name} SET content_html = ?, content_text = ? WHERE id = ?",
            [(convert(html), convert(text), row_id) for row_id, html, text in rows],
        )
        last = rows[-1][0]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rewrite("articles", _pack)
    _rewrite("article_versions", _pack)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rewrite("articles", _unpack)
    _rewrite("article_versions", _unpack)
