"""A bound on the platform requests one process handles at once: later ones wait their turn at
the door, first come first served, holding only their body.

A request handled holds the platform SDK's request objects, its parsed payload and a database
session (with a greenlet) while it waits for a connection: 1000 Slack replies at once held
about 20 MiB more than their bodies. The bound is above what the database serves at once (a
pool of 15 connections; SQLite takes one writer at a time), so it adds no wait of its own: a
request past it would have waited as long for a connection. The platform's deadline for the
answer (Slack's 3 s, the Bot Framework's 15 s) is the queue for the database either way; a
later answer makes the platform retry, and the retry is recognised by its event or activity id.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

HANDLED_AT_ONCE = 32


class Turns:
    """At most `at_once` requests handled at a time; the others wait, in the order they came."""

    def __init__(self, at_once: int) -> None:
        self._slots = asyncio.Semaphore(at_once)
        self.waiting = 0  # requests waiting for their turn now

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self._slots.release()
