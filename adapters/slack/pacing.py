"""Keeping to Slack's rate limits by spacing calls out, per channel or per method.

The slots live where every process sees them (`SharedSlots`, in the database) when several
processes post to one workspace; one process on its own may keep them in memory."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Protocol

from bot.clock import Clock, ManualClock
from storage.unit_of_work import Store

Sleep = Callable[[float], Awaitable[None]]

POST_INTERVAL = 1.0  # chat.postMessage: about one message a second per channel
UPDATE_INTERVAL = 1.2  # chat.update is Tier 3: about 50 a minute per workspace


def sleeper_for(clock: Clock) -> Sleep:
    """Waiting on a manual clock moves it (tests, rehearsals); otherwise it is a real sleep."""
    if isinstance(clock, ManualClock):

        async def advance(seconds: float) -> None:
            clock.advance(timedelta(seconds=seconds))

        return advance
    return asyncio.sleep


class Slots(Protocol):
    async def reserve(self, key: str, now: float, interval: float) -> float:
        """Take the key's next free slot (seconds since the epoch, never before `now`)."""
        ...


# A process's own table of slots is swept once it holds this many keys (and again each time
# it doubles): a slot already past says nothing, and there is a key for every channel posted to.
SWEEP_FROM = 1000


class ProcessSlots:
    """Slots kept by this process alone."""

    def __init__(self) -> None:
        self._next_slot: dict[str, float] = {}
        self._sweep_at = SWEEP_FROM

    def __len__(self) -> int:
        return len(self._next_slot)

    async def reserve(self, key: str, now: float, interval: float) -> float:
        slot = max(now, self._next_slot.get(key, now))
        self._next_slot[key] = slot + interval
        if len(self._next_slot) >= self._sweep_at:
            self._next_slot = {k: s for k, s in self._next_slot.items() if s > now}
            self._sweep_at = max(SWEEP_FROM, 2 * len(self._next_slot))
        return slot


class SharedSlots:
    """Slots every process of the installation shares, through the database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def reserve(self, key: str, now: float, interval: float) -> float:
        async with self.store.transaction() as uow:
            return await uow.pacing.reserve(key, now, interval)


class Pacer:
    def __init__(self, clock: Clock, sleep: Sleep, slots: Slots | None = None) -> None:
        self.clock = clock
        self.sleep = sleep
        self.slots = slots or ProcessSlots()

    async def wait(self, key: str, interval: float) -> None:
        """Wait for this key's next free slot and take it. Concurrent callers queue up: the
        slot is reserved before waiting."""
        now = self.clock.now().timestamp()
        slot = await self.slots.reserve(key, now, interval)
        if slot > now:
            await self.sleep(slot - now)
