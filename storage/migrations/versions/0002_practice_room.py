"""Practice rooms: rooms, the people in them, their messages and open forms.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _room_id() -> sa.Column:
    return sa.Column(
        "room_id",
        sa.String(64),
        sa.ForeignKey("practice_rooms.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "practice_rooms",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("facilitator_id", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "practice_people",
        sa.Column("id", sa.String(64), primary_key=True),
        _room_id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_practice_people_room_id", "practice_people", ["room_id"])
    op.create_table(
        "practice_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        _room_id(),
        sa.Column(
            "session_id",
            sa.String(64),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(128), nullable=True),
        sa.Column("thread_id", sa.String(64), nullable=True),
        sa.Column("author_id", sa.String(64), nullable=True),
        sa.Column("visible_to", sa.String(64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_practice_messages_room", "practice_messages", ["room_id", "id"])
    op.create_index("ix_practice_messages_session_id", "practice_messages", ["session_id"])
    op.create_table(
        "practice_forms",
        sa.Column(
            "room_id",
            sa.String(64),
            sa.ForeignKey("practice_rooms.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column(
            "session_id",
            sa.String(64),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("practice_forms", "practice_messages", "practice_people", "practice_rooms"):
        op.drop_table(table)
