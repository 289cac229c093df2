"""The one aiohttp application: Slack, Teams, the practice room and health, on one port."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy import text

from bot.errors import failures_without_payloads
from bot.runtime import Runtime
from bot.scheduler import run_scheduler

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)
MAX_BODY = 1024 * 1024  # no platform sends more; anything bigger is refused before parsing


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        async with runtime.store.transaction() as uow:
            await uow.db.execute(text("SELECT 1"))
            pending = await uow.outbox.pending_count()
            oldest = await uow.outbox.oldest_pending()
    except Exception:
        log.exception("health check: database unreachable")
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    lag = (runtime.clock.now() - oldest).total_seconds() if oldest else 0.0
    return web.json_response(
        {"status": "ok", "database": "ok", "outbox_pending": pending, "outbox_lag_seconds": lag}
    )


async def _background(app: web.Application) -> AsyncIterator[None]:
    runtime = app[RUNTIME]
    await runtime.prepare_database()
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(runtime.dispatcher.run_forever(stop)),
        asyncio.create_task(run_scheduler(runtime.service, runtime.settings.retention_days, stop)),
    ]
    yield
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await runtime.close()


def build_app(runtime: Runtime, *, background: bool = True) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[failures_without_payloads])
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    if background:
        app.cleanup_ctx.append(_background)
    return app
