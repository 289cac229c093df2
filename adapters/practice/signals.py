"""Wakes the live streams of a room when something in it changed (within this process).

Streams also re-read the room's version now and then, so a change made by another process
reaches them too, only a little later.
"""

from __future__ import annotations

import asyncio
import contextlib


class RoomSignals:
    def __init__(self) -> None:
        # A room's event exists while a stream waits on it: a room no one watches any more
        # (its people gone home) leaves nothing behind in a server that runs for months.
        self._events: dict[str, asyncio.Event] = {}
        self._waiting: dict[str, int] = {}
        self.closed = asyncio.Event()

    @property
    def watched(self) -> int:
        """How many rooms have a stream waiting now."""
        return len(self._waiting)

    def notify(self, room_id: str) -> None:
        event = self._events.pop(room_id, None)
        if event is not None:
            event.set()

    async def wait(self, room_id: str, timeout: float) -> None:
        """Return when the room changes, the server shuts down, or after `timeout` seconds."""
        self._waiting[room_id] = self._waiting.get(room_id, 0) + 1
        changed = asyncio.ensure_future(self._events.setdefault(room_id, asyncio.Event()).wait())
        closing = asyncio.ensure_future(self.closed.wait())
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait(
                    [changed, closing], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
        finally:
            changed.cancel()
            closing.cancel()
            self._waiting[room_id] -= 1
            if not self._waiting[room_id]:
                del self._waiting[room_id]
                self._events.pop(room_id, None)

    def close(self) -> None:
        self.closed.set()
