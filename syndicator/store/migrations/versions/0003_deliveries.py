"""Notification outbox (deliveries) and channel state (disabled after 410 Gone).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(80), nullable=False, unique=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("site", sa.String(64)),
        sa.Column("category", sa.String(64)),
        sa.Column("article_key", sa.String(1024)),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt", sa.DateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", sa.DateTime),
    )
    op.create_index("ix_deliveries_state_next", "deliveries", ["state", "next_attempt"])
    op.create_index("ix_deliveries_channel_state", "deliveries", ["channel", "state"])
    op.create_table(
        "channels",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("disabled_at", sa.DateTime),
        sa.Column("disabled_reason", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("channels")
    op.drop_index("ix_deliveries_channel_state", "deliveries")
    op.drop_index("ix_deliveries_state_next", "deliveries")
    op.drop_table("deliveries")
