"""The scheduler driven by the injected clock: rounds with the clock moved on instead of a
sleep, for the platforms' learning digest tests."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial

from bot.learning import send_due_digests
from bot.runtime import Runtime
from bot.scheduler import run_scheduler


async def run_the_scheduler(runtime: Runtime, moves: list[timedelta]) -> None:
    """Scheduler rounds, with the clock moved on by each of `moves` in turn instead of a
    sleep, then stopped."""
    stop = asyncio.Event()
    left = iter(moves)

    async def wait(_: float) -> None:
        move = next(left, None)
        if move is None:
            stop.set()
        else:
            runtime.clock.advance(move)  # type: ignore[attr-defined]

    digests = partial(send_due_digests, runtime)
    await run_scheduler(runtime.service, 30, stop, wait=wait, digests=digests)
