"""Many dispatchers, each with its own connection pool, drain one PostgreSQL outbox at once:
each effect is delivered once, and each session's effects in order."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.clock import ManualClock
from bot.dispatcher import Delivery, Dispatcher
from bot.service import SessionService
from dialogs.effects import Post, Update
from storage import migrate
from storage.repositories import PostedMessage
from storage.unit_of_work import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "service"))
from service_kit import PEOPLE, conversation, start_event

from dialogs import events as ev

SESSIONS = 24
DISPATCHERS = 8


class SlowPlatform:
    """Takes a moment over each delivery, so that dispatchers overlap."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[str, int, str]] = []

    async def deliver(self, delivery: Delivery) -> list[PostedMessage]:
        await asyncio.sleep(0)  # let another dispatcher claim in between
        self.deliveries.append((delivery.session_id, delivery.outbox_id, delivery.effect.type))
        if isinstance(delivery.effect, Post):
            return [PostedMessage("C", f"{delivery.session_id}-{delivery.outbox_id}")]
        if isinstance(delivery.effect, Update):
            return list(delivery.target)
        return []


async def test_concurrent_dispatchers_deliver_each_effect_once_in_order(
    fresh_database: str, clock: ManualClock
) -> None:
    stores = [Store.open(fresh_database) for _ in range(DISPATCHERS)]
    try:
        await migrate.upgrade(stores[0])
        service = SessionService(stores[0], clock)
        for number in range(SESSIONS):
            session_id = f"s-{number}"
            await service.start(conversation(f"C-{number}"), start_event("kolb", session_id))
            for person in PEOPLE:
                await service.handle(session_id, ev.AgreeRules(actor=person.user_id))
        platform = SlowPlatform()
        dispatchers = [
            Dispatcher(store, clock, {"fake": platform}, coalesce=False) for store in stores
        ]
        await asyncio.gather(*(dispatcher.drain() for dispatcher in dispatchers))

        delivered_ids = [outbox_id for _, outbox_id, _ in platform.deliveries]
        assert len(delivered_ids) == len(set(delivered_ids)), "an effect was delivered twice"
        async with stores[0].transaction() as uow:
            assert await uow.outbox.pending_count() == 0
        for number in range(SESSIONS):
            mine = [i for s, i, _ in platform.deliveries if s == f"s-{number}"]
            assert mine == sorted(mine), f"s-{number} delivered out of order"
            async with stores[0].transaction() as uow:
                statuses = await uow.outbox.statuses(f"s-{number}")
            assert len(mine) == len(statuses)
    finally:
        for store in stores:
            await store.close()
