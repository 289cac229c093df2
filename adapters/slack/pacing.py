"""Keeping to Slack's rate limits by spacing calls out, per channel or per method."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.clock import Clock, ManualClock

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


class Pacer:
    def __init__(self, clock: Clock, sleep: Sleep) -> None:
        self.clock = clock
        self.sleep = sleep
        self._next_slot: dict[str, float] = {}

    async def wait(self, key: str, interval: float) -> None:
        """Wait for this key's next free slot and take it. Concurrent callers queue up: the
        slot is reserved before waiting."""
        now = self.clock.now().timestamp()
        slot = max(now, self._next_slot.get(key, now))
        self._next_slot[key] = slot + interval
        if slot > now:
            await self.sleep(slot - now)
