"""Platform event ids are remembered for PROCESSED_EVENTS_KEPT, then forgotten on schedule by
the process that runs the timers: the table no longer grows for ever."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from bot import scheduler
from bot.clock import ManualClock
from bot.scheduler import (
    PROCESSED_EVENTS_KEPT,
    PRUNE_EVERY,
    prune_processed_events,
    run_scheduler,
)
from bot.service import SessionService
from storage.unit_of_work import Store

DAY = timedelta(days=1)


async def claim(store: Store, event_id: str, at: datetime, platform: str = "slack") -> None:
    async with store.transaction() as uow:
        assert await uow.events.claim(platform, event_id, at)


async def remembered(store: Store) -> set[str]:
    async with store.transaction() as uow:
        rows = await uow.db.execute(text("SELECT event_id FROM processed_events"))
        return {row[0] for row in rows}


def test_event_ids_are_kept_far_longer_than_platforms_redeliver() -> None:
    # Slack's retries come within minutes; a week is the policy.
    assert timedelta(days=7) == PROCESSED_EVENTS_KEPT


# -- the repository (SQLite and PostgreSQL) ---------------------------------------------------


async def test_prune_forgets_only_ids_older_than_the_cutoff(store: Store, clock: ManualClock):
    now = clock.now()
    await claim(store, "old-slack", now - 8 * DAY)
    await claim(store, "old-teams", now - 8 * DAY, platform="teams")
    await claim(store, "at-cutoff", now - 7 * DAY)
    await claim(store, "recent", now - DAY)
    async with store.transaction() as uow:
        assert await uow.events.prune(now - 7 * DAY) == 2
    assert await remembered(store) == {"at-cutoff", "recent"}
    async with store.transaction() as uow:
        assert await uow.events.prune(now - 7 * DAY) == 0
        # A forgotten id can be taken again; a remembered one is still a redelivery.
        assert await uow.events.claim("slack", "old-slack", now) is True
        assert await uow.events.claim("slack", "recent", now) is False


async def test_prune_with_a_limit_forgets_the_oldest_first(store: Store, clock: ManualClock):
    now = clock.now()
    for age in range(10, 15):
        await claim(store, f"aged-{age}", now - age * DAY)
    async with store.transaction() as uow:
        assert await uow.events.prune(now - 7 * DAY, limit=2) == 2
    assert await remembered(store) == {"aged-10", "aged-11", "aged-12"}


async def test_pruning_in_batches_forgets_everything_old(store: Store, clock: ManualClock):
    now = clock.now()
    for number in range(7):
        await claim(
            store, f"old-{number}", now - PROCESSED_EVENTS_KEPT - timedelta(minutes=number + 1)
        )
    await claim(store, "kept", now - PROCESSED_EVENTS_KEPT + timedelta(minutes=1))
    assert await prune_processed_events(store, now, batch=3) == 7
    assert await remembered(store) == {"kept"}


async def test_processes_pruning_at_once_forget_each_id_once(store: Store, clock: ManualClock):
    now = clock.now()
    for number in range(20):
        await claim(store, f"old-{number}", now - 8 * DAY)
    counts = await asyncio.gather(*(prune_processed_events(store, now, batch=4) for _ in range(3)))
    assert sum(counts) == 20
    assert await remembered(store) == set()


# -- the schedule ------------------------------------------------------------------------------


class Rounds:
    """The scheduler's wait between rounds: the test says how far the clock moves meanwhile."""

    def __init__(self, clock: ManualClock, stop: asyncio.Event) -> None:
        self.clock = clock
        self.stop = stop
        self.waiting = 0
        self._changed = asyncio.Condition()
        self._moves: asyncio.Queue[timedelta | None] = asyncio.Queue()

    async def __call__(self, seconds: float) -> None:
        async with self._changed:
            self.waiting += 1
            self._changed.notify_all()
        move = await self._moves.get()
        if move is None:
            self.stop.set()
        else:
            self.clock.advance(move)

    async def after(self, count: int) -> None:
        """Until the scheduler has run `count` rounds and waits for the next."""
        async with asyncio.timeout(60), self._changed:
            await self._changed.wait_for(lambda: self.waiting >= count)

    def move(self, delta: timedelta | None) -> None:
        self._moves.put_nowait(delta)


async def test_the_scheduler_prunes_event_ids_hourly(store: Store, clock: ManualClock) -> None:
    stop = asyncio.Event()
    rounds = Rounds(clock, stop)
    await claim(store, "week-old", clock.now() - PROCESSED_EVENTS_KEPT - timedelta(seconds=1))
    await claim(store, "yesterday", clock.now() - DAY)
    running = asyncio.create_task(
        run_scheduler(SessionService(store, clock), 30, stop, wait=rounds)
    )
    try:
        # The first round prunes at once.
        await rounds.after(1)
        assert await remembered(store) == {"yesterday"}

        # An id that ages past the week meanwhile waits for the next hourly prune.
        await claim(store, "ageing", clock.now() - PROCESSED_EVENTS_KEPT + timedelta(minutes=5))
        rounds.move(timedelta(minutes=30))
        await rounds.after(2)
        assert await remembered(store) == {"yesterday", "ageing"}
        rounds.move(PRUNE_EVERY - timedelta(minutes=30))
        await rounds.after(3)
        assert await remembered(store) == {"yesterday"}

        # "yesterday" goes once it is a week old.
        rounds.move(PROCESSED_EVENTS_KEPT - DAY)
        await rounds.after(4)
        assert await remembered(store) == set()
    finally:
        rounds.move(None)
        await asyncio.wait_for(running, timeout=60)


async def test_a_failed_prune_is_logged_in_one_line_and_tried_again_next_round(
    store: Store,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stop = asyncio.Event()
    rounds = Rounds(clock, stop)
    await claim(store, "week-old", clock.now() - 8 * DAY)
    calls = 0

    async def failing_once(store: Store, now: datetime) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionResetError("connection reset by peer")
        return await prune_processed_events(store, now)

    monkeypatch.setattr(scheduler, "prune_processed_events", failing_once)
    running = asyncio.create_task(
        run_scheduler(SessionService(store, clock), 30, stop, wait=rounds)
    )
    try:
        await rounds.after(1)
        assert await remembered(store) == {"week-old"}
        rounds.move(timedelta(seconds=15))
        await rounds.after(2)
        assert await remembered(store) == set()
        assert calls == 2
    finally:
        rounds.move(None)
        await asyncio.wait_for(running, timeout=60)
    (failure,) = [r for r in caplog.records if r.name == "bot.scheduler" and r.levelno >= 30]
    assert failure.getMessage() == (
        "pruning event ids failed (ConnectionResetError: connection reset by peer); "
        "trying again shortly"
    )
    assert failure.exc_info is None
