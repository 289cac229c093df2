"""A session interrupted between any two events continues from the database where it stopped.

The interrupted run restarts at every event boundary, before the outbox was delivered: the store
is closed and a new Store, SessionService and Dispatcher are opened on the same database, as a
restarted process would. Its record and everything the platform received must equal those of a
run that was never interrupted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from service_kit import PLATFORM, STEP, FakePlatform, conversation, next_event, start_event

from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs.state import Phase, SessionState
from storage import migrate
from storage.database import create_engine
from storage.unit_of_work import Store

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
MODELS = ["space-to-think", "portsmouth-rpm"]


class Process:
    """What one process of the bot holds: its own store, service and dispatcher."""

    def __init__(self, store: Store, clock: ManualClock, platform: FakePlatform) -> None:
        self.store = store
        self.service = SessionService(store, clock)
        self.dispatcher = Dispatcher(store, clock, {PLATFORM: platform})

    async def state(self, session_id: str) -> SessionState:
        async with self.store.transaction() as uow:
            stored = await uow.sessions.get(session_id)
        assert stored is not None
        return stored.state


async def reopen(store: Store) -> Store:
    """A new Store on the same database (on PostgreSQL, the same schema)."""
    if store.is_sqlite:
        return Store.open(store.url)
    async with store.engine.connect() as connection:
        schema = (await connection.exec_driver_sql("SHOW search_path")).scalar_one()
    engine = create_engine(store.url, connect_args={"server_settings": {"search_path": schema}})
    return Store(engine, store.url)


async def run(
    first: Store, platform: FakePlatform, model_id: str, *, restart: bool
) -> tuple[SessionState, list]:
    clock = ManualClock(START)
    process = Process(first, clock, platform)
    outcome = await process.service.start(conversation(), start_event(model_id))
    assert outcome.session_id is not None
    session_id = outcome.session_id
    opened: list[Store] = []
    while True:
        if restart:
            await process.store.close()
            process = Process(await reopen(first), clock, platform)
            opened.append(process.store)
        await process.dispatcher.drain()
        event = next_event(await process.state(session_id))
        if event is None:
            break
        clock.advance(STEP)
        await process.service.handle(session_id, event)
        await process.service.tick_due()
    final = await process.state(session_id)
    for store in opened:
        await store.close()
    return final, platform.deliveries


@pytest.mark.parametrize("model_id", MODELS)
async def test_a_session_restarted_at_every_event_ends_as_an_uninterrupted_one(
    store: Store, tmp_path: Path, model_id: str
):
    baseline_store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'uninterrupted.sqlite3'}")
    await migrate.upgrade(baseline_store)
    try:
        expected, expected_deliveries = await run(
            baseline_store, FakePlatform(), model_id, restart=False
        )
    finally:
        await baseline_store.close()
    resumed, deliveries = await run(store, FakePlatform(), model_id, restart=True)
    assert expected.phase is Phase.PUBLISHED
    assert resumed.record == expected.record
    assert resumed == expected
    assert deliveries == expected_deliveries
    posted = [d.effect.key for d in deliveries if d.effect.type == "post"]
    assert len(posted) == len(set(posted)) and "record" in posted
