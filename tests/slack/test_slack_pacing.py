"""A process's own pacing table keeps only the slots still ahead: it does not grow with every
channel ever posted to, and no slot still ahead is forgotten."""

from __future__ import annotations

from adapters.slack.pacing import POST_INTERVAL, SWEEP_FROM, ProcessSlots


async def test_slots_already_past_are_swept_and_slots_ahead_are_kept() -> None:
    slots = ProcessSlots()
    for number in range(SWEEP_FROM - 1):
        await slots.reserve(f"post:C{number:05d}", 1000.0, POST_INTERVAL)
    assert len(slots) == SWEEP_FROM - 1
    # Later, one channel posts twice at once, the second post a slot behind the first.
    later = 1000.0 + 10 * POST_INTERVAL
    assert await slots.reserve("post:CBUSY", later, POST_INTERVAL) == later
    assert len(slots) == 1
    assert await slots.reserve("post:CBUSY", later, POST_INTERVAL) == later + POST_INTERVAL
    assert await slots.reserve("post:C00000", later, POST_INTERVAL) == later
