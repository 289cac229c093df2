"""SQLite takes one writer at a time: the store keeps two connections (each is a thread and a
page cache), and transactions beyond them queue for one instead of opening more."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, func, select

from bot.clock import ManualClock
from storage.database import SQLITE_CONNECTIONS
from storage.tables import ProcessedEventRow
from storage.unit_of_work import Store


async def test_transactions_at_once_share_two_connections_and_all_commit(
    sqlite_store: Store, clock: ManualClock
) -> None:
    await sqlite_store.engine.dispose()  # the migrations' connections are not counted
    opened = 0

    def count(*_: Any) -> None:
        nonlocal opened
        opened += 1

    event.listen(sqlite_store.engine.sync_engine, "connect", count)

    async def claim(number: int) -> bool:
        async with sqlite_store.transaction() as uow:
            return await uow.events.claim("slack", f"Ev{number:04d}", clock.now())

    claimed = await asyncio.gather(*(claim(n) for n in range(50)))

    assert all(claimed)
    assert 1 <= opened <= SQLITE_CONNECTIONS == 2
    async with sqlite_store.transaction() as uow:
        assert await uow.db.scalar(select(func.count()).select_from(ProcessedEventRow)) == 50
