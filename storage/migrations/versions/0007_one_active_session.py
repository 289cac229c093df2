"""One active session per conversation, enforced by the database: a unique index over the
sessions that are neither published nor cancelled.

Revision ID: 0007
Revises: 0006
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# As storage.tables.ONE_ACTIVE_SESSION when this revision was written (a migration keeps
# its own copy: later changes to the tables must not change what it did).
ACTIVE = "kind = 'session' AND phase NOT IN ('published', 'cancelled')"

_sessions = sa.table(
    "sessions",
    sa.column("id", sa.String()),
    sa.column("phase", sa.String()),
    sa.column("state", sa.Text()),
    sa.column("wake_at", sa.DateTime(timezone=True)),
)
_audit = sa.table(
    "audit_log",
    sa.column("session_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("actor", sa.String()),
    sa.column("at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    _cancel_all_but_the_newest()
    op.create_index(
        "uq_sessions_one_active",
        "sessions",
        ["platform", "conversation"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )


def _cancel_all_but_the_newest() -> None:
    """Before this index, two processes could start two sessions in one conversation. Keep
    the newest of each (the one the channel's commands act on) and cancel the others, with an
    audit entry, so the index can be made."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            f"SELECT id, platform, conversation, state FROM sessions WHERE {ACTIVE} "
            "ORDER BY platform, conversation, created_at DESC"
        )
    ).all()
    now = datetime.now(UTC)
    seen: set[tuple[str, str]] = set()
    for session_id, platform, conversation, state in rows:
        if (platform, conversation) not in seen:
            seen.add((platform, conversation))
            continue
        document = json.loads(state)
        document.update(phase="cancelled", cancelled_at=now.isoformat())
        bind.execute(
            _sessions.update()
            .where(_sessions.c.id == session_id)
            .values(phase="cancelled", state=json.dumps(document), wake_at=None)
        )
        bind.execute(
            _audit.insert().values(
                session_id=session_id,
                action="cancelled: a newer session was active in this conversation",
                actor="system",
                at=now,
            )
        )


def downgrade() -> None:
    op.drop_index("uq_sessions_one_active", table_name="sessions")
