"""Timers: ticks for time boxes, async deadlines and reminders; the retention policy; the
pruning of the platform event ids kept to recognise redeliveries; and the learning digests.

Every serving process runs them. Each is safe to run in several processes at once: a tick
takes its due sessions under lock, and retention and pruning delete what is old, whoever does."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.exc import DBAPIError

from bot.runtime import describe_failure
from bot.service import SessionService
from storage.unit_of_work import Store

log = logging.getLogger(__name__)

Wait = Callable[[float], Awaitable[None]]

RETENTION_EVERY = timedelta(hours=1)
PRUNE_EVERY = timedelta(hours=1)
DIGESTS_EVERY = timedelta(minutes=15)
# How long a platform event id is remembered, so that a redelivery of it changes nothing.
# Slack retries an unacknowledged event three times within about five minutes; the Bot
# Framework's retries are as short. A week is far beyond both (and beyond a redelivery after
# an outage), while keeping the table to about a week of events instead of every event ever.
PROCESSED_EVENTS_KEPT = timedelta(days=7)
PRUNE_BATCH = 5000  # ids deleted per transaction, so that no prune holds its locks for long


async def prune_processed_events(store: Store, now: datetime, batch: int = PRUNE_BATCH) -> int:
    """Forget the event ids older than PROCESSED_EVENTS_KEPT, a batch per transaction;
    returns how many were forgotten."""
    older_than = now - PROCESSED_EVENTS_KEPT
    forgotten = 0
    while True:
        async with store.transaction() as uow:
            deleted = await uow.events.prune(older_than, limit=batch)
        forgotten += deleted
        if deleted < batch:
            break
    if forgotten:
        log.info("%d platform event id(s) older than %s forgotten", forgotten, older_than)
    return forgotten


class Every:
    """A job due once per `interval` of the clock, starting at once."""

    def __init__(self, interval: timedelta) -> None:
        self.interval = interval
        self.last: datetime | None = None

    def due(self, now: datetime) -> bool:
        # A clock set back is not waited for.
        return self.last is None or not self.last <= now < self.last + self.interval


def _is_connection_failure(error: Exception) -> bool:
    return isinstance(error, OSError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


async def _attempt(what: str, job: Callable[[], Awaitable[object]], store: Store) -> bool:
    try:
        await job()
        return True
    except Exception as error:
        if _is_connection_failure(error):
            # The database is down: one line each time, not a stack trace every 15 seconds.
            log.warning(
                "%s failed (%s); trying again shortly", what, describe_failure(error, store.url)
            )
        else:
            log.exception("%s failed; trying again shortly", what)
        return False


async def run_scheduler(
    service: SessionService,
    retention_days: int,
    stop: asyncio.Event,
    every: float = 15.0,
    wait: Wait | None = None,
    digests: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Until `stop`: tick every `every` seconds, apply retention and prune event ids hourly,
    and send the learning digests that are due every quarter of an hour. Time is the
    service's clock; `wait` (by default, until `stop` or `every` seconds) is injectable so
    that tests move a manual clock instead."""

    async def until_stop_or(seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)

    wait = wait or until_stop_or
    retention, pruning, digesting = Every(RETENTION_EVERY), Every(PRUNE_EVERY), Every(DIGESTS_EVERY)
    store = service.store
    while not stop.is_set():
        await _attempt("timers", service.tick_due, store)
        now = service.clock.now()
        if retention.due(now) and await _attempt(
            "retention", partial(service.apply_retention, retention_days), store
        ):
            retention.last = now
        if pruning.due(now) and await _attempt(
            "pruning event ids", partial(prune_processed_events, store, now), store
        ):
            pruning.last = now
        if digests and digesting.due(now) and await _attempt("learning digests", digests, store):
            digesting.last = now
        await wait(every)
