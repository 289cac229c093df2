"""Practice rooms: the browser channels, their people, messages and open forms.

The practice room is the platform here, so what Slack or Teams would keep (who joined, what was
posted, which replies were made) is kept in these tables, beside the engine's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base, UTCDateTime


class PracticeRoomRow(Base):
    __tablename__ = "practice_rooms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    facilitator_id: Mapped[str] = mapped_column(String(64))
    # The session most recently started here; a room can hold one session after another.
    session_id: Mapped[str | None] = mapped_column(String(64))
    # Raised on every change, so that open pages (in any process) know to refresh.
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PracticePersonRow(Base):
    __tablename__ = "practice_people"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    room_id: Mapped[str] = mapped_column(
        ForeignKey("practice_rooms.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(200))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PracticeMessageRow(Base):
    """A message in a room: the bot's posts (content JSON) and people's replies (plain text)."""

    __tablename__ = "practice_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("practice_rooms.id", ondelete="CASCADE"))
    # Erasing a session erases what the room showed of it.
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str | None] = mapped_column(String(128))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[str | None] = mapped_column(String(64))
    visible_to: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    rev: Mapped[int] = mapped_column(Integer, default=0)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_practice_messages_room", "room_id", "id"),)


class PracticeFormRow(Base):
    """The form a person has open (key points, record), until they submit it."""

    __tablename__ = "practice_forms"

    room_id: Mapped[str] = mapped_column(
        ForeignKey("practice_rooms.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    form: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MessageKind:
    POST = "post"
    LEARNING = "learning"  # shown in the room: a practice room has no learning channel
    SCREENING = "screening"  # requests for a discussion, on the room's screening page
    EPHEMERAL = "ephemeral"
    DIRECT = "direct"
    REPLY = "reply"


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    facilitator_id: str
    session_id: str | None
    version: int


@dataclass(frozen=True)
class RoomPerson:
    id: str
    name: str
    agency: str


@dataclass(frozen=True)
class RoomMessage:
    message_id: str
    session_id: str | None
    kind: str
    body: str  # content JSON for the bot's messages, plain text for replies
    created_at: datetime
    key: str | None = None  # the engine's name for a bot message (root, q:…, record)
    thread_id: str | None = None  # the message this one replies under
    author_id: str | None = None  # None: the bot
    visible_to: str | None = None  # None: everyone in the room
    rev: int = 0
    edited: bool = False


@dataclass(frozen=True)
class OpenedForm:
    session_id: str
    form: str


def _room(row: PracticeRoomRow) -> Room:
    return Room(row.id, row.name, row.facilitator_id, row.session_id, row.version)


def _message(row: PracticeMessageRow) -> RoomMessage:
    return RoomMessage(
        message_id=row.message_id,
        session_id=row.session_id,
        kind=row.kind,
        key=row.key,
        thread_id=row.thread_id,
        author_id=row.author_id,
        visible_to=row.visible_to,
        body=row.body,
        rev=row.rev,
        edited=row.edited,
        created_at=row.created_at,
    )


class PracticeRooms:
    """Everything about practice rooms, inside one unit of work's transaction."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    # -- rooms and people ----------------------------------------------------------------

    async def create(self, room_id: str, name: str, facilitator: RoomPerson, now: datetime) -> None:
        self.db.add(
            PracticeRoomRow(
                id=room_id, name=name, facilitator_id=facilitator.id, version=0, created_at=now
            )
        )
        await self.db.flush()
        await self.add_person(room_id, facilitator, now)

    async def get(self, room_id: str) -> Room | None:
        row = await self.db.get(PracticeRoomRow, room_id)
        return _room(row) if row else None

    async def version(self, room_id: str) -> int | None:
        query = select(PracticeRoomRow.version).where(PracticeRoomRow.id == room_id)
        return (await self.db.execute(query)).scalar_one_or_none()

    async def set_session(self, room_id: str, session_id: str) -> None:
        await self.db.execute(
            update(PracticeRoomRow)
            .where(PracticeRoomRow.id == room_id)
            .values(session_id=session_id)
        )
        await self.touch(room_id)

    async def touch(self, room_id: str) -> None:
        await self.db.execute(
            update(PracticeRoomRow)
            .where(PracticeRoomRow.id == room_id)
            .values(version=PracticeRoomRow.version + 1)
        )

    async def add_person(self, room_id: str, person: RoomPerson, now: datetime) -> None:
        self.db.add(
            PracticePersonRow(
                id=person.id, room_id=room_id, name=person.name, agency=person.agency, joined_at=now
            )
        )
        await self.db.flush()
        await self.touch(room_id)

    async def person(self, room_id: str, person_id: str) -> RoomPerson | None:
        row = await self.db.get(PracticePersonRow, person_id)
        if row is None or row.room_id != room_id:
            return None
        return RoomPerson(row.id, row.name, row.agency)

    async def people(self, room_id: str) -> list[RoomPerson]:
        query = (
            select(PracticePersonRow)
            .where(PracticePersonRow.room_id == room_id)
            .order_by(PracticePersonRow.joined_at, PracticePersonRow.id)
        )
        return [
            RoomPerson(r.id, r.name, r.agency) for r in (await self.db.execute(query)).scalars()
        ]

    # -- messages ------------------------------------------------------------------------

    async def add_message(self, room_id: str, message: RoomMessage) -> None:
        self.db.add(
            PracticeMessageRow(
                message_id=message.message_id,
                room_id=room_id,
                session_id=message.session_id,
                kind=message.kind,
                key=message.key,
                thread_id=message.thread_id,
                author_id=message.author_id,
                visible_to=message.visible_to,
                body=message.body,
                rev=message.rev,
                edited=message.edited,
                created_at=message.created_at,
            )
        )
        await self.db.flush()
        await self.touch(room_id)

    async def message(self, room_id: str, message_id: str) -> RoomMessage | None:
        query = select(PracticeMessageRow).where(
            PracticeMessageRow.room_id == room_id, PracticeMessageRow.message_id == message_id
        )
        row = (await self.db.execute(query)).scalar_one_or_none()
        return _message(row) if row else None

    async def replace_body(
        self, room_id: str, message_ids: list[str], body: str, *, edited: bool = False
    ) -> int:
        """Change messages in place (an Update, an edited reply); returns how many changed."""
        result = await self.db.execute(
            update(PracticeMessageRow)
            .where(
                PracticeMessageRow.room_id == room_id,
                PracticeMessageRow.message_id.in_(message_ids),
            )
            .values(body=body, rev=PracticeMessageRow.rev + 1, edited=edited)
        )
        await self.touch(room_id)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def remove_message(self, room_id: str, message_id: str) -> None:
        await self.db.execute(
            delete(PracticeMessageRow).where(
                PracticeMessageRow.room_id == room_id, PracticeMessageRow.message_id == message_id
            )
        )
        await self.touch(room_id)

    async def forget_answers(self, session_id: str) -> int:
        """Retention: people's replies, and the private messages that may quote them (previews
        of the draft record, warnings), go with the session's raw answers. The questions, key
        points and published record stay. Returns how many messages went."""
        private = (MessageKind.REPLY, MessageKind.EPHEMERAL, MessageKind.DIRECT)
        rooms = select(PracticeMessageRow.room_id).where(
            PracticeMessageRow.session_id == session_id
        )
        room_ids = set((await self.db.execute(rooms)).scalars())
        result = await self.db.execute(
            delete(PracticeMessageRow).where(
                PracticeMessageRow.session_id == session_id,
                PracticeMessageRow.kind.in_(private),
            )
        )
        for room_id in room_ids:
            await self.touch(room_id)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def visible_to(self, room_id: str, person_id: str) -> list[RoomMessage]:
        """The room's messages as one person sees them, oldest first."""
        query = (
            select(PracticeMessageRow)
            .where(
                PracticeMessageRow.room_id == room_id,
                (PracticeMessageRow.visible_to.is_(None))
                | (PracticeMessageRow.visible_to == person_id),
            )
            .order_by(PracticeMessageRow.id)
        )
        return [_message(row) for row in (await self.db.execute(query)).scalars()]

    # -- forms ---------------------------------------------------------------------------

    async def open_form(
        self, room_id: str, person_id: str, session_id: str, form: str, now: datetime
    ) -> None:
        await self.close_form(room_id, person_id)
        self.db.add(
            PracticeFormRow(
                room_id=room_id,
                person_id=person_id,
                session_id=session_id,
                form=form,
                opened_at=now,
            )
        )
        await self.db.flush()

    async def opened_form(self, room_id: str, person_id: str) -> OpenedForm | None:
        row = await self.db.get(PracticeFormRow, (room_id, person_id))
        return OpenedForm(row.session_id, row.form) if row else None

    async def close_form(self, room_id: str, person_id: str) -> None:
        await self.db.execute(
            delete(PracticeFormRow).where(
                PracticeFormRow.room_id == room_id, PracticeFormRow.person_id == person_id
            )
        )
