"""The database tables. Migrations in storage/migrations create exactly these."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Which rows the one-active-session index covers; the phases are dialogs.state.FINISHED's.
ONE_ACTIVE_SESSION = "kind = 'session' AND phase NOT IN ('published', 'cancelled')"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


naming = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=naming)


class SessionRow(Base):
    """One reflective session. `state` is the engine's state as JSON, without its answers (rows
    of `answers`) and its model (a row of `model_snapshots`); the other columns are what
    queries need without reading it."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # "session", or "request" for a request for a discussion going through screening: both
    # are conversations the bot runs, with messages and an outbox.
    kind: Mapped[str] = mapped_column(String(16), default="session", server_default="session")
    platform: Mapped[str] = mapped_column(String(32))
    conversation: Mapped[str] = mapped_column(String(255))
    conversation_data: Mapped[str] = mapped_column(Text, default="{}")
    model_id: Mapped[str] = mapped_column(String(64))
    # The model snapshot the session runs (`model_snapshots`); "" for a request.
    model_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")
    phase: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(Text)
    wake_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_sessions_conversation", "platform", "conversation"),
        # One session at a time in a conversation, however many processes start one at the
        # same moment: the database refuses the second (a request is not a session).
        Index(
            "uq_sessions_one_active",
            "platform",
            "conversation",
            unique=True,
            sqlite_where=text(ONE_ACTIVE_SESSION),
            postgresql_where=text(ONE_ACTIVE_SESSION),
        ),
    )


class ModelSnapshotRow(Base):
    """A facilitation model as sessions started with it, stored once however many sessions run
    it (a session keeps running on the version it started with): named by the SHA-256 digest
    of its JSON, so a digest stands for one snapshot for ever."""

    __tablename__ = "model_snapshots"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    snapshot: Mapped[str] = mapped_column(Text)


class AnswerRow(Base):
    """One answer (a reply in a question's thread) of a session: the session row's state holds
    none, so that an answer, its edit or its deletion writes this row alone. A question's
    answers are in `id` order, the order they were given."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("session_id", "message_id", name="uq_answers_message"),
        Index("ix_answers_question", "session_id", "question_id", "id"),
    )


class MessageRow(Base):
    """Where a posted message landed on the platform (a long message may land in parts)."""

    __tablename__ = "session_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(128))
    part: Mapped[int] = mapped_column(Integer, default=0)
    platform: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255))

    __table_args__ = (
        UniqueConstraint("session_id", "key", "part", name="uq_session_messages_key_part"),
        Index("ix_session_messages_lookup", "platform", "channel", "message_id"),
    )


class PendingReplyRow(Base):
    """A reply in a thread of the bot's that the bot has not recorded yet (the post's id was
    not written back when the reply came): kept until the post is recorded, then applied as
    the answer it is, and deleted."""

    __tablename__ = "pending_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(255))
    thread: Mapped[str] = mapped_column(String(255))
    author: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)  # None: the reply was deleted
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_pending_replies_thread", "platform", "channel", "thread"),)


class ProcessedEventRow(Base):
    """Platform event ids already handled: a redelivered event changes nothing."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class OutboxRow(Base):
    """An effect waiting to be carried out, written in the same transaction as the state."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    message_key: Mapped[str | None] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_outbox_pending", "status", "session_id", "id"),)


class EvaluationRow(Base):
    """A participant's evaluation of a session, stored with no author and no session, so that it
    cannot be traced back to a person: only the model and the day."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_id: Mapped[str] = mapped_column(String(64), index=True)
    answers: Mapped[str] = mapped_column(Text)
    submitted_on: Mapped[date] = mapped_column(Date)


class InstanceRow(Base):
    """Settings that every process of one installation shares (the generated secret)."""

    __tablename__ = "instance"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PlaceRow(Base):
    """Where the bot can post in a platform's channel outside a turn, as it last heard from it
    (Teams: the service URL, tenant and bot id an activity from the channel came with)."""

    __tablename__ = "places"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(255), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PacingRow(Base):
    """The next free slot (seconds since the epoch) for calls of one kind, e.g. posts to one
    channel: shared, so that every process together keeps to the platform's rate limit."""

    __tablename__ = "pacing"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    next_slot: Mapped[float] = mapped_column(Float)


class AuditRow(Base):
    """Who did what and when; never message content."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(128))
    actor: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


def table_of(mapped: type[Base]) -> Table:
    """The plain table behind a mapped class, for Core statements (cheaper than the ORM on the
    per-event path)."""
    table = mapped.__table__
    assert isinstance(table, Table)
    return table
