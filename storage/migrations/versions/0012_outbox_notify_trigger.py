"""PostgreSQL notifies listening workers from a trigger on the outbox, not from a statement of
each transaction that queues effects: one round trip less for every event.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# As storage.notify.OUTBOX_CHANNEL when this revision was written.
CHANNEL = "reflectbot_outbox"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no NOTIFY: its one process wakes its own dispatcher
    op.execute(
        f"""
        CREATE FUNCTION reflectbot_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END
        $$
        """
    )
    # Once per statement, however many rows it queues; delivered when the transaction commits
    # (and identical notifications of one transaction are delivered once).
    op.execute(
        "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox "
        "FOR EACH STATEMENT EXECUTE FUNCTION reflectbot_notify_outbox()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER outbox_notify ON outbox")
    op.execute("DROP FUNCTION reflectbot_notify_outbox()")
