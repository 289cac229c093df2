"""Rate-limit slots shared by every process, so that N processes together keep to a platform's
per-channel limit rather than each keeping to it alone.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pacing",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("next_slot", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pacing")
