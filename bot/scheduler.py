"""Timers: ticks for time boxes, async deadlines and reminders."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.service import SessionService

log = logging.getLogger(__name__)


async def run_scheduler(service: SessionService, stop: asyncio.Event, every: float = 15.0) -> None:
    while not stop.is_set():
        try:
            await service.tick_due()
        except Exception:
            log.exception("scheduler tick failed; trying again shortly")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
