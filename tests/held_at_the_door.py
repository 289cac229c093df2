"""For the tests of the handling bound: a handler whose calls are counted and held until let go,
so that a test sees how many requests are handled at once while the others wait at the door."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

WAIT_SECONDS = 60


class Held:
    def __init__(self, handle: Callable[..., Awaitable[Any]]) -> None:
        self.handle = handle
        self.inside = 0
        self.most = 0
        self._changed = asyncio.Condition()
        self._let_go = asyncio.Event()

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        async with self._changed:
            self.inside += 1
            self.most = max(self.most, self.inside)
            self._changed.notify_all()
        await self._let_go.wait()
        try:
            return await self.handle(*args, **kwargs)
        finally:
            self.inside -= 1

    async def until(self, inside: int, waiting: Callable[[], int], at_the_door: int) -> None:
        """Until `inside` calls are held here and `at_the_door` requests wait their turn."""
        async with asyncio.timeout(WAIT_SECONDS):
            async with self._changed:
                await self._changed.wait_for(lambda: self.inside == inside)
            while waiting() < at_the_door:
                await asyncio.sleep(0)  # the others reach the door over the loopback

    def let_go(self) -> None:
        self._let_go.set()
