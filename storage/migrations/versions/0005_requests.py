"""Requests for a discussion live beside sessions, told apart by `kind`.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="session"))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("kind")
