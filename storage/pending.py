"""Replies waiting for the post they answer to be recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, exists, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import MessageRow, OutboxRow, PendingReplyRow, table_of

_pending = table_of(PendingReplyRow)
_messages = table_of(MessageRow)
_outbox = table_of(OutboxRow)


@dataclass(frozen=True)
class PendingReply:
    id: int
    session_id: str
    author: str
    message_id: str
    text: str | None


@dataclass(frozen=True)
class Thread:
    platform: str
    channel: str
    thread: str


class PendingReplies:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def add(
        self,
        session_id: str,
        thread: Thread,
        author: str,
        message_id: str,
        text: str | None,
        now: datetime,
    ) -> None:
        await self.db.execute(
            insert(_pending).values(
                session_id=session_id,
                platform=thread.platform,
                channel=thread.channel,
                thread=thread.thread,
                author=author,
                message_id=message_id,
                text=text,
                received_at=now,
            )
        )

    async def in_thread(self, thread: Thread) -> list[PendingReply]:
        """The thread's kept replies, in the order they came."""
        rows = await self.db.execute(
            select(
                _pending.c.id,
                _pending.c.session_id,
                _pending.c.author,
                _pending.c.message_id,
                _pending.c.text,
            )
            .where(_IN_THREAD)
            .order_by(_pending.c.id),
            _thread_values(thread),
        )
        return [PendingReply(*row) for row in rows]

    async def post_on_its_way(self, session_id: str, key_prefix: str) -> bool:
        """Whether a post of the session whose key starts so is queued or being delivered:
        until it is recorded, a reply in its thread cannot be matched to it."""
        return bool(
            await self.db.scalar(
                select(
                    exists().where(
                        _outbox.c.session_id == session_id,
                        _outbox.c.kind == "post",
                        _outbox.c.status == "pending",
                        _outbox.c.message_key.startswith(key_prefix),
                    )
                )
            )
        )

    async def waiting_in(self, thread: Thread) -> bool:
        """Asked after every question posted: the statement is built once."""
        return bool(await self.db.scalar(_WAITING_IN, _thread_values(thread)))

    async def forget_session(self, session_id: str) -> None:
        await self.db.execute(delete(_pending).where(_pending.c.session_id == session_id))

    async def remove(self, ids: list[int]) -> None:
        if ids:
            await self.db.execute(delete(_pending).where(_pending.c.id.in_(ids)))

    async def threads_recorded(self) -> list[Thread]:
        """Threads with kept replies whose post has since been recorded."""
        recorded = exists().where(
            _messages.c.platform == _pending.c.platform,
            _messages.c.channel == _pending.c.channel,
            _messages.c.message_id == _pending.c.thread,
        )
        rows = await self.db.execute(
            select(_pending.c.platform, _pending.c.channel, _pending.c.thread)
            .where(recorded)
            .distinct()
        )
        return [Thread(*row) for row in rows]

    async def forget_unclaimed(self) -> int:
        """Replies in threads that turned out not to be the bot's: no post of their session is
        on its way any more, and none was recorded where they were written."""
        on_its_way = exists().where(
            _outbox.c.session_id == _pending.c.session_id,
            _outbox.c.kind == "post",
            _outbox.c.status == "pending",
        )
        recorded = exists().where(
            _messages.c.platform == _pending.c.platform,
            _messages.c.channel == _pending.c.channel,
            _messages.c.message_id == _pending.c.thread,
        )
        result = await self.db.execute(delete(_pending).where(~on_its_way, ~recorded))
        return result.rowcount or 0  # type: ignore[attr-defined]


# A kept reply in the thread whose values `_thread_values` binds.
_IN_THREAD = and_(
    _pending.c.platform == bindparam("platform"),
    _pending.c.channel == bindparam("channel"),
    _pending.c.thread == bindparam("thread"),
)
_WAITING_IN = select(exists().where(_IN_THREAD))


def _thread_values(thread: Thread) -> dict[str, str]:
    return {"platform": thread.platform, "channel": thread.channel, "thread": thread.thread}
