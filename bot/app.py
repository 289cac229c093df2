"""The one aiohttp application: Slack, Teams, the practice room and health, on one port.

The listener starts at once, whether or not the database can be reached: until it can (and,
on SQLite, its schema is brought up to date), /healthz answers 503 and every other request
503 with "database unavailable", which platforms retry, while the database is tried again
with exponential backoff. Then requests are served, the dispatcher and the timers start (in
every role but web), and so do the adapters' background connections (Slack Socket Mode),
retried in the same way."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.errors import failures_without_payloads
from bot.learning import send_due_digests
from bot.roles import POLL_SECONDS_LISTENING, POLL_SECONDS_SQLITE, Role
from bot.runtime import Runtime, SchemaNotCurrent, describe_failure, retry_delays
from bot.scheduler import run_scheduler
from storage.notify import listen

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
CleanupContext = Callable[[web.Application], AsyncIterator[None]]

HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024  # no platform sends more; anything bigger is refused before parsing
UNAVAILABLE = "database unavailable"
RETRY_AFTER_SECONDS = 5  # what a refused request is told; Slack retries on its own schedule


@dataclass
class Readiness:
    """Whether this process has reached its database since it started, and if not, why."""

    ready: bool
    database: str = "unreachable"  # or "out of date": PostgreSQL awaits `reflectbot db upgrade`


RUNTIME = web.AppKey("runtime", Runtime)
READINESS = web.AppKey("readiness", Readiness)
# Background contexts of the adapters (Socket Mode), entered only once the database is ready.
AFTER_DATABASE = web.AppKey("after_database", list[CleanupContext])


async def healthz(request: web.Request) -> web.Response:
    readiness = request.app[READINESS]
    if not readiness.ready:
        return web.json_response(
            {"status": "unavailable", "database": readiness.database, "reason": UNAVAILABLE},
            status=503,
        )
    runtime = request.app[RUNTIME]
    try:
        async with runtime.store.transaction() as uow:
            await uow.db.execute(text("SELECT 1"))
            pending = await uow.outbox.pending_count()
            oldest = await uow.outbox.oldest_pending()
    except Exception as error:
        log.warning(
            "health check: %s (%s)", UNAVAILABLE, describe_failure(error, runtime.store.url)
        )
        return web.json_response(
            {"status": "unavailable", "database": "unreachable", "reason": UNAVAILABLE},
            status=503,
        )
    lag = (runtime.clock.now() - oldest).total_seconds() if oldest else 0.0
    return web.json_response(
        {"status": "ok", "database": "ok", "outbox_pending": pending, "outbox_lag_seconds": lag}
    )


@web.middleware
async def until_ready(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Before the database is reached, nothing but /healthz is served: a 503, which Slack and
    the Bot Framework retry, rather than a handler failing on the database."""
    if request.config_dict[READINESS].ready or request.path == HEALTH_PATH:
        return await handler(request)
    return web.Response(
        status=503,
        text=f"{UNAVAILABLE}: try again shortly",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def reach_database(runtime: Runtime, readiness: Readiness, sleep: Sleep) -> None:
    """Prepare the database until that succeeds: one WARNING line per failed attempt, then a
    wait that doubles each time, up to RETRY_MOST_SECONDS."""
    delays = retry_delays()
    while True:
        try:
            await runtime.prepare_database()
            return
        except (Exception, SchemaNotCurrent) as error:
            readiness.database = (
                "out of date" if isinstance(error, SchemaNotCurrent) else "unreachable"
            )
            delay = next(delays)
            log.warning(
                "%s (%s); trying again in %g s",
                UNAVAILABLE,
                describe_failure(error, runtime.store.url),
                delay,
            )
            await sleep(delay)


async def enter_retrying(
    app: web.Application, context: CleanupContext, sleep: Sleep
) -> AsyncIterator[None]:
    """Start an adapter's background context, trying again with backoff if it fails (a Slack
    Socket Mode connection while Slack is unreachable)."""
    delays = retry_delays()
    while True:
        entered = context(app)
        try:
            await anext(entered)
            return entered
        except Exception as error:
            delay = next(delays)
            log.warning(
                "%s: background connection could not start (%s: %s); trying again in %g s",
                context.__module__,
                type(error).__name__,
                str(error).splitlines()[0] if str(error) else "no message",
                delay,
            )
            await sleep(delay)


def deliveries(runtime: Runtime, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    """A worker's jobs: the dispatcher, woken on PostgreSQL by NOTIFY, and the timers."""
    store = runtime.store
    jobs = [
        run_scheduler(
            runtime.service,
            runtime.settings.retention_days,
            stop,
            digests=partial(send_due_digests, runtime),
        )
    ]
    if store.is_sqlite:
        jobs.append(runtime.dispatcher.run_forever(stop, idle_seconds=POLL_SECONDS_SQLITE))
    else:
        jobs.append(listen(store.url, runtime.dispatcher.wake, stop))
        jobs.append(runtime.dispatcher.run_forever(stop, idle_seconds=POLL_SECONDS_LISTENING))
    return jobs


def _background(sleep: Sleep, role: Role) -> CleanupContext:
    async def background(app: web.Application) -> AsyncIterator[None]:
        runtime, readiness = app[RUNTIME], app[READINESS]
        stop = asyncio.Event()
        entered: list[AsyncIterator[None]] = []
        running: list[asyncio.Task[None]] = []

        async def start() -> None:
            await reach_database(runtime, readiness, sleep)
            if role.delivers:
                running.extend(asyncio.create_task(job) for job in deliveries(runtime, stop))
            readiness.ready = True
            log.info("database ready: serving requests")
            for context in app[AFTER_DATABASE]:
                entered.append(await enter_retrying(app, context, sleep))

        starting = asyncio.create_task(start())
        yield
        if not starting.done():
            starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        for context in reversed(entered):
            with contextlib.suppress(StopAsyncIteration):
                await anext(context)
        for finish in runtime.stopping:
            await finish()
        stop.set()
        await asyncio.gather(*running, return_exceptions=True)
        await runtime.close()

    return background


def defer_until_ready(app: web.Application, keep: int) -> None:
    """Move the background contexts added after the first `keep` (the adapters') to start once
    the database is ready: they act on events, which need the database (and its secret)."""
    app[AFTER_DATABASE].extend(app.cleanup_ctx[keep:])
    del app.cleanup_ctx[keep:]


def build_app(
    runtime: Runtime,
    *,
    background: bool = True,
    sleep: Sleep = asyncio.sleep,
    role: Role = Role.ALL,
) -> web.Application:
    """With `background`, the app reaches its database and, unless its role is web, runs the
    dispatcher and the timers itself; without, the caller has prepared the database and runs
    them (tests)."""
    app = web.Application(
        client_max_size=MAX_BODY, middlewares=[failures_without_payloads, until_ready]
    )
    app[RUNTIME] = runtime
    app[READINESS] = Readiness(ready=not background)
    app[AFTER_DATABASE] = []
    app.router.add_get(HEALTH_PATH, healthz)
    if background:
        app.cleanup_ctx.append(_background(sleep, role))
    return app
