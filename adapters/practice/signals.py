"""Wakes the live streams of a room when something in it changed (within this process).

Streams also re-read the room's version now and then, so a change made by another process
reaches them too, only a little later.
"""

from __future__ import annotations

import asyncio
import contextlib


class RoomSignals:
    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}
        self.closed = asyncio.Event()

    def notify(self, room_id: str) -> None:
        event = self._events.pop(room_id, None)
        if event is not None:
            event.set()

    async def wait(self, room_id: str, timeout: float) -> None:
        """Return when the room changes, the server shuts down, or after `timeout` seconds."""
        changed = asyncio.ensure_future(self._events.setdefault(room_id, asyncio.Event()).wait())
        closing = asyncio.ensure_future(self.closed.wait())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait(
                [changed, closing], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        changed.cancel()
        closing.cancel()

    def close(self) -> None:
        self.closed.set()
