"""Timers: ticks for time boxes, async deadlines and reminders; and the retention policy."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from bot.service import SessionService

log = logging.getLogger(__name__)

RETENTION_EVERY_SECONDS = 3600.0


async def run_scheduler(
    service: SessionService, retention_days: int, stop: asyncio.Event, every: float = 15.0
) -> None:
    last_retention = float("-inf")
    while not stop.is_set():
        try:
            await service.tick_due()
            if time.monotonic() - last_retention >= RETENTION_EVERY_SECONDS:
                await service.apply_retention(retention_days)
                last_retention = time.monotonic()
        except Exception:
            log.exception("scheduler run failed; trying again shortly")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
