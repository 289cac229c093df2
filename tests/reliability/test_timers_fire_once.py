"""Every process runs the scheduler: a reminder that falls due while four of them tick at
once on one PostgreSQL is sent once."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bot.clock import ManualClock
from bot.service import SessionService
from dialogs import events as ev
from storage import migrate
from storage.unit_of_work import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "service"))
from service_kit import FACILITATOR, PEOPLE, conversation, start_event

PROCESSES = 4
REMINDERS = "SELECT count(*) FROM outbox WHERE session_id = :session AND payload LIKE :text"


async def reminders(store: Store, session_id: str) -> int:
    async with store.transaction() as uow:
        counted = await uow.db.execute(
            text(REMINDERS), {"session": session_id, "text": "%A reminder:%"}
        )
        return int(counted.scalar_one())


async def test_a_reminder_due_in_every_process_at_once_is_sent_once(
    fresh_database: str, clock: ManualClock
) -> None:
    stores = [Store.open(fresh_database) for _ in range(PROCESSES)]
    try:
        await migrate.upgrade(stores[0])
        services = [SessionService(store, clock) for store in stores]
        start = start_event("kolb", "s-1", pacing=ev.Pacing.ASYNC, stage_hours=24)
        await services[0].start(conversation(), start)
        for person in PEOPLE:
            await services[0].handle("s-1", ev.AgreeRules(actor=person.user_id))
        await services[0].handle("s-1", ev.Begin(actor=FACILITATOR.user_id))
        clock.advance(timedelta(hours=13))  # past the half-way reminder, before the deadline

        await asyncio.gather(*(service.tick_due() for service in services))

        # One reminder for each participant still to answer, however many processes ticked.
        assert await reminders(stores[0], "s-1") == len(PEOPLE)
        await services[0].tick_due()
        assert await reminders(stores[0], "s-1") == len(PEOPLE)
    finally:
        for store in stores:
            await store.close()
