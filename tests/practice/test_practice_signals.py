"""A room's live streams are woken when it changes; a room no stream waits on any more keeps
nothing in the server."""

from __future__ import annotations

import asyncio

from adapters.practice.signals import RoomSignals


async def test_a_change_wakes_every_stream_of_the_room_and_only_that_room() -> None:
    signals = RoomSignals()
    first = asyncio.create_task(signals.wait("room-a", timeout=60))
    second = asyncio.create_task(signals.wait("room-a", timeout=60))
    other = asyncio.create_task(signals.wait("room-b", timeout=60))
    while signals.watched < 2:
        await asyncio.sleep(0)
    signals.notify("room-a")
    async with asyncio.timeout(10):
        await asyncio.gather(first, second)
    assert not other.done()
    assert signals.watched == 1
    signals.close()
    async with asyncio.timeout(10):
        await other


async def test_rooms_no_one_watches_leave_nothing_behind() -> None:
    signals = RoomSignals()
    for number in range(100):
        await signals.wait(f"room-{number}", timeout=0)  # the stream looked, nothing changed
    assert signals.watched == 0
    assert signals._events == {}
