"""Category health: stored status (ok/failing/broken) and extraction failure streak.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("category_state") as batch:
        batch.add_column(
            sa.Column("extract_failures", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="ok"))
        batch.add_column(sa.Column("status_since", sa.DateTime))


def downgrade() -> None:
    with op.batch_alter_table("category_state") as batch:
        batch.drop_column("status_since")
        batch.drop_column("status")
        batch.drop_column("extract_failures")
