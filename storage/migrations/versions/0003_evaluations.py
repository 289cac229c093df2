"""Evaluations, stored without who gave them.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_evaluations_model_id", "evaluations", ["model_id"])


def downgrade() -> None:
    op.drop_table("evaluations")
