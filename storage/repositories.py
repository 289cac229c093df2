"""Small repositories, one per table, all working inside one unit of work's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.effects import AnyEffect, Effect
from dialogs.requests import RequestState
from dialogs.state import FINISHED, SessionState
from storage.tables import (
    AuditRow,
    EvaluationRow,
    InstanceRow,
    MessageRow,
    OutboxRow,
    ProcessedEventRow,
    SessionRow,
)

_effect_adapter: TypeAdapter[AnyEffect] = TypeAdapter(AnyEffect)


@dataclass(frozen=True)
class Conversation:
    """Where a session lives on its platform."""

    platform: str
    key: str  # e.g. a Slack channel id; unique within its platform
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredSession:
    id: str
    platform: str
    conversation: str
    state: SessionState
    conversation_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    message_id: str
    part: int = 0


@dataclass(frozen=True)
class OutboxItem:
    id: int
    session_id: str
    effect: AnyEffect
    attempts: int
    # Claimed before by a dispatcher that never finished it (a crash, a lost lease): the
    # platform may already have carried it out.
    reclaimed: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class AuditEntry:
    session_id: str | None
    action: str
    actor: str
    at: datetime


SESSION = SessionRow.kind == "session"


class Sessions:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, stored: StoredSession, now: datetime, wake_at: datetime | None) -> None:
        self.db.add(
            SessionRow(
                id=stored.id,
                platform=stored.platform,
                conversation=stored.conversation,
                conversation_data=json.dumps(stored.conversation_data),
                model_id=stored.state.model.id,
                phase=stored.state.phase.value,
                state=stored.state.model_dump_json(),
                wake_at=wake_at,
                created_at=now,
                updated_at=now,
            )
        )
        await self.db.flush()

    async def get(self, session_id: str, *, lock: bool = False) -> StoredSession | None:
        query = select(SessionRow).where(SessionRow.id == session_id, SESSION)
        if lock:
            # A row lock on PostgreSQL serialises a session's events across processes;
            # SQLite ignores it and relies on BEGIN IMMEDIATE (storage.database).
            query = query.with_for_update()
        row = (await self.db.execute(query)).scalar_one_or_none()
        return _stored(row) if row else None

    async def save(self, stored: StoredSession, now: datetime, wake_at: datetime | None) -> None:
        await self.db.execute(
            update(SessionRow)
            .where(SessionRow.id == stored.id)
            .values(
                phase=stored.state.phase.value,
                state=stored.state.model_dump_json(),
                wake_at=wake_at,
                updated_at=now,
            )
        )

    async def active_in(self, platform: str, conversation: str) -> StoredSession | None:
        finished = [phase.value for phase in FINISHED]
        query = (
            select(SessionRow)
            .where(
                SESSION,
                SessionRow.platform == platform,
                SessionRow.conversation == conversation,
                SessionRow.phase.not_in(finished),
            )
            .order_by(SessionRow.created_at.desc())
            .limit(1)
        )
        row = (await self.db.execute(query)).scalar_one_or_none()
        return _stored(row) if row else None

    async def in_conversation(
        self, platform: str, conversation: str, limit: int | None = None
    ) -> list[StoredSession]:
        """The sessions of a conversation, finished or not, newest first."""
        query = (
            select(SessionRow)
            .where(
                SESSION, SessionRow.platform == platform, SessionRow.conversation == conversation
            )
            .order_by(SessionRow.created_at.desc())
            .limit(limit)
        )
        return [_stored(row) for row in (await self.db.execute(query)).scalars()]

    async def due(self, now: datetime, limit: int = 100) -> list[str]:
        query = (
            select(SessionRow.id)
            .where(SESSION, SessionRow.wake_at.is_not(None), SessionRow.wake_at <= now)
            .order_by(SessionRow.wake_at)
            .limit(limit)
        )
        return list((await self.db.execute(query)).scalars())

    async def ended_before(self, cutoff: datetime) -> list[str]:
        """Finished sessions untouched since `cutoff`: candidates for retention."""
        finished = [phase.value for phase in FINISHED]
        query = select(SessionRow.id).where(
            SESSION, SessionRow.phase.in_(finished), SessionRow.updated_at <= cutoff
        )
        return list((await self.db.execute(query)).scalars())

    async def delete(self, session_id: str) -> bool:
        """Delete a session with its messages and outbox rows (the audit log stays)."""
        await self.db.execute(delete(OutboxRow).where(OutboxRow.session_id == session_id))
        await self.db.execute(delete(MessageRow).where(MessageRow.session_id == session_id))
        result = await self.db.execute(delete(SessionRow).where(SessionRow.id == session_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def conversation(self, session_id: str) -> Conversation | None:
        query = select(
            SessionRow.platform, SessionRow.conversation, SessionRow.conversation_data
        ).where(SessionRow.id == session_id)
        row = (await self.db.execute(query)).first()
        if row is None:
            return None
        return Conversation(platform=row[0], key=row[1], data=json.loads(row[2] or "{}"))

    async def listing(self) -> list[StoredSession]:
        query = select(SessionRow).where(SESSION).order_by(SessionRow.created_at)
        rows = (await self.db.execute(query)).scalars()
        return [_stored(row) for row in rows]


def _stored(row: SessionRow) -> StoredSession:
    return StoredSession(
        id=row.id,
        platform=row.platform,
        conversation=row.conversation,
        conversation_data=json.loads(row.conversation_data or "{}"),
        state=SessionState.model_validate_json(row.state),
    )


class Requests:
    """Requests for a discussion, kept beside sessions so they share messages and the outbox."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, conversation: Conversation, state: RequestState, now: datetime) -> None:
        self.db.add(
            SessionRow(
                id=state.id,
                kind="request",
                platform=conversation.platform,
                conversation=conversation.key,
                conversation_data=json.dumps(conversation.data),
                model_id="",
                phase=state.status.value,
                state=state.model_dump_json(),
                wake_at=None,
                created_at=now,
                updated_at=now,
            )
        )
        await self.db.flush()

    async def get(self, request_id: str, *, lock: bool = False) -> RequestState | None:
        query = select(SessionRow).where(SessionRow.id == request_id, SessionRow.kind == "request")
        if lock:
            query = query.with_for_update()
        row = (await self.db.execute(query)).scalar_one_or_none()
        return RequestState.model_validate_json(row.state) if row else None

    async def save(self, state: RequestState, now: datetime) -> None:
        await self.db.execute(
            update(SessionRow)
            .where(SessionRow.id == state.id)
            .values(phase=state.status.value, state=state.model_dump_json(), updated_at=now)
        )


class Messages:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def record(
        self, session_id: str, key: str, platform: str, parts: list[PostedMessage]
    ) -> None:
        for posted in parts:
            self.db.add(
                MessageRow(
                    session_id=session_id,
                    key=key,
                    part=posted.part,
                    platform=platform,
                    channel=posted.channel,
                    message_id=posted.message_id,
                )
            )
        await self.db.flush()

    async def parts(self, session_id: str, key: str) -> list[PostedMessage]:
        query = (
            select(MessageRow)
            .where(MessageRow.session_id == session_id, MessageRow.key == key)
            .order_by(MessageRow.part)
        )
        return [
            PostedMessage(channel=r.channel, message_id=r.message_id, part=r.part)
            for r in (await self.db.execute(query)).scalars()
        ]

    async def replace_parts(
        self, session_id: str, key: str, platform: str, parts: list[PostedMessage]
    ) -> None:
        """After an update changed how many parts a message needs."""
        await self.db.execute(
            delete(MessageRow).where(MessageRow.session_id == session_id, MessageRow.key == key)
        )
        await self.record(session_id, key, platform, parts)

    async def find(self, platform: str, channel: str, message_id: str) -> tuple[str, str] | None:
        """The session and message key a platform message belongs to."""
        query = select(MessageRow.session_id, MessageRow.key).where(
            MessageRow.platform == platform,
            MessageRow.channel == channel,
            MessageRow.message_id == message_id,
        )
        row = (await self.db.execute(query)).first()
        return (row[0], row[1]) if row else None


class ProcessedEvents:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def claim(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record an event id; False when it was handled before (a redelivery)."""
        try:
            async with self.db.begin_nested():
                self.db.add(
                    ProcessedEventRow(platform=platform, event_id=event_id, received_at=now)
                )
                await self.db.flush()
        except IntegrityError:
            return False
        return True

    async def forget_before(self, cutoff: datetime) -> None:
        await self.db.execute(
            delete(ProcessedEventRow).where(ProcessedEventRow.received_at < cutoff)
        )


class Outbox:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, session_id: str, effects: list[Effect], now: datetime) -> None:
        for effect in effects:
            self.db.add(
                OutboxRow(
                    session_id=session_id,
                    kind=getattr(effect, "type", "effect"),
                    message_key=getattr(effect, "key", None),
                    payload=effect.model_dump_json(),
                    status="pending",
                    available_at=now,
                    created_at=now,
                )
            )
        await self.db.flush()

    async def claim(self, now: datetime, lease: timedelta, limit: int = 50) -> list[OutboxItem]:
        """The oldest pending effect of each session (order within a session is kept), leased
        to this dispatcher so that others skip it."""
        first_pending = (
            select(OutboxRow.session_id, func.min(OutboxRow.id).label("first_id"))
            .where(OutboxRow.status == "pending")
            .group_by(OutboxRow.session_id)
            .subquery()
        )
        query = (
            select(OutboxRow)
            .join(first_pending, OutboxRow.id == first_pending.c.first_id)
            .where(
                OutboxRow.available_at <= now,
                or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
            # On PostgreSQL, dispatchers in other processes skip rows being claimed here
            # instead of waiting for them; SQLite serialises writers anyway.
            .with_for_update(skip_locked=True, of=OutboxRow)
        )
        rows = list((await self.db.execute(query)).scalars())
        claimed = []
        for row in rows:
            # Read before the update below, which refreshes the loaded row.
            reclaimed = row.claimed_until is not None
            taken = await self.db.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == row.id,
                    OutboxRow.status == "pending",
                    or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
                )
                .values(claimed_until=now + lease)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(
                    OutboxItem(
                        id=row.id,
                        session_id=row.session_id,
                        effect=_effect_adapter.validate_json(row.payload),
                        attempts=row.attempts,
                        reclaimed=reclaimed,
                        created_at=row.created_at,
                    )
                )
        return claimed

    async def superseded(self, item: OutboxItem) -> bool:
        """True when a later pending update replaces this one (progress coalescing)."""
        key = getattr(item.effect, "key", None)
        if getattr(item.effect, "type", None) != "update" or key is None:
            return False
        query = select(func.count()).where(
            and_(
                OutboxRow.session_id == item.session_id,
                OutboxRow.status == "pending",
                OutboxRow.kind == "update",
                OutboxRow.message_key == key,
                OutboxRow.id > item.id,
            )
        )
        return bool((await self.db.execute(query)).scalar_one())

    async def finish(
        self, item_id: int, status: str, now: datetime, error: str | None = None
    ) -> None:
        await self.db.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(status=status, delivered_at=now, claimed_until=None, last_error=error)
        )

    async def retry(self, item_id: int, available_at: datetime, error: str) -> None:
        await self.db.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id)
            .values(
                attempts=OutboxRow.attempts + 1,
                available_at=available_at,
                claimed_until=None,
                last_error=error[:500],
            )
        )

    async def forget_delivered(self, session_id: str) -> None:
        """Delivered rows are copies of what was posted; retention removes them too."""
        await self.db.execute(
            delete(OutboxRow).where(
                OutboxRow.session_id == session_id, OutboxRow.status != "pending"
            )
        )

    async def pending_count(self) -> int:
        query = select(func.count()).where(OutboxRow.status == "pending")
        return int((await self.db.execute(query)).scalar_one())

    async def oldest_pending(self) -> datetime | None:
        query = select(func.min(OutboxRow.created_at)).where(OutboxRow.status == "pending")
        return (await self.db.execute(query)).scalar_one()

    async def statuses(self, session_id: str) -> list[tuple[str, str]]:
        query = (
            select(OutboxRow.kind, OutboxRow.status)
            .where(OutboxRow.session_id == session_id)
            .order_by(OutboxRow.id)
        )
        return [(r[0], r[1]) for r in (await self.db.execute(query)).all()]


class Evaluations:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, model_id: str, answers: dict[str, str], on: date) -> None:
        self.db.add(EvaluationRow(model_id=model_id, answers=json.dumps(answers), submitted_on=on))
        await self.db.flush()

    async def answers(self, model_id: str | None = None) -> list[tuple[str, dict[str, str]]]:
        """Every evaluation as (model id, answers by question id), oldest first."""
        query = select(EvaluationRow).order_by(EvaluationRow.id)
        if model_id:
            query = query.where(EvaluationRow.model_id == model_id)
        return [
            (r.model_id, json.loads(r.answers)) for r in (await self.db.execute(query)).scalars()
        ]


class Instance:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def secret(self, candidate: bytes) -> bytes:
        """The installation's secret: the one stored first wins, so every process agrees."""
        stored = await self.db.get(InstanceRow, "secret")
        if stored is None:
            try:
                async with self.db.begin_nested():
                    self.db.add(InstanceRow(key="secret", value=candidate.hex()))
                    await self.db.flush()
                return candidate
            except IntegrityError:
                stored = await self.db.get(InstanceRow, "secret")
        assert stored is not None
        return bytes.fromhex(stored.value)


class Audit:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, session_id: str | None, action: str, actor: str, now: datetime) -> None:
        self.db.add(AuditRow(session_id=session_id, action=action, actor=actor, at=now))
        await self.db.flush()

    async def entries(self, session_id: str | None = None) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.id)
        if session_id:
            query = query.where(AuditRow.session_id == session_id)
        return [
            AuditEntry(session_id=r.session_id, action=r.action, actor=r.actor, at=r.at)
            for r in (await self.db.execute(query)).scalars()
        ]
