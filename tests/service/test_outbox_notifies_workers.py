"""On PostgreSQL, a transaction that queues effects wakes listening workers when it commits,
through a trigger on the outbox (not a statement of its own): once per transaction, never
for one that rolled back."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
from service_kit import conversation, start_event

from bot.clock import ManualClock
from bot.service import SessionService
from dialogs.content import Content
from dialogs.effects import Post
from storage.notify import OUTBOX_CHANNEL, asyncpg_dsn
from storage.unit_of_work import Store

ARRIVES_WITHIN_SECONDS = 20.0


class RolledBack(Exception):
    pass


async def test_queued_effects_notify_listeners_on_commit_only(
    postgres_store: Store, clock: ManualClock
) -> None:
    listener: Any = await asyncpg.connect(asyncpg_dsn(postgres_store.url))
    heard: list[str] = []
    arrived = asyncio.Event()

    def on_notification(*args: object) -> None:
        heard.append(str(args[2]))  # the channel
        arrived.set()

    try:
        await listener.add_listener(OUTBOX_CHANNEL, on_notification)
        service = SessionService(postgres_store, clock)
        await service.start(conversation("C-1"), start_event("kolb", "s-1"))
        await asyncio.wait_for(arrived.wait(), timeout=ARRIVES_WITHIN_SECONDS)
        await listener.fetchval("SELECT 1")  # anything sent by now has been read
        assert heard == [OUTBOX_CHANNEL], "one notification for the transaction"

        heard.clear()
        post = Post(key="extra", content=Content(title="Not sent"))
        with pytest.raises(RolledBack):
            async with postgres_store.transaction() as uow:
                await uow.outbox.add("s-1", [post, post], clock.now())
                raise RolledBack
        await listener.fetchval("SELECT 1")
        assert heard == [], "a transaction that rolled back woke nobody"
    finally:
        await listener.close()
