"""PostgreSQL's LISTEN/NOTIFY for the outbox: a trigger on the outbox notifies OUTBOX_CHANNEL
when a transaction queues effects (delivered when it commits; migration 0012), and workers
listening there deliver at once instead of waiting for their next look at the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

OUTBOX_CHANNEL = "reflectbot_outbox"


def asyncpg_dsn(url: str) -> str:
    """The libpq-style address asyncpg connects to, from SQLAlchemy's URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def listen(
    url: str,
    on_notify: Callable[[], None],
    stop: asyncio.Event,
    retry_seconds: float = 5.0,
) -> None:
    """Until `stop`: call `on_notify` for each notification on OUTBOX_CHANNEL, on a connection
    of its own, reconnecting when it is lost (meanwhile, the dispatcher's slow poll delivers)."""
    dsn = asyncpg_dsn(url)
    while not stop.is_set():
        lost = asyncio.Event()
        connection: Any = None
        try:
            connection = await asyncpg.connect(dsn)
            connection.add_termination_listener(lambda _, lost=lost: lost.set())
            await connection.add_listener(OUTBOX_CHANNEL, lambda *_: on_notify())
            log.info("listening for queued effects")
            # Effects queued while this process was not listening are picked up at once.
            on_notify()
            await _first(stop.wait(), lost.wait())
        except Exception as error:  # unreachable, refused, dropped: try again shortly
            log.warning(
                "listening for queued effects failed (%s); the outbox is polled meanwhile",
                type(error).__name__,
            )
        finally:
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.close(timeout=5)
        if not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=retry_seconds)


async def _first(*waits: Any) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        task.cancel()
