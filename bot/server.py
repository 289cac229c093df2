"""`reflectbot serve`: the web app with every adapter whose settings are present."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from adapters.teams.service_urls import is_loopback
from bot.app import CleanupContext, Sleep, build_app, defer_until_ready
from bot.config import Settings
from bot.logs import RouteAccessLogger, keep_payloads_out_of_logs
from bot.roles import Role, check_role
from bot.runtime import Runtime

log = logging.getLogger(__name__)

# Access lines name the route, never the path asked for (bot.logs.RouteAccessLogger).
ACCESS = {"access_log_class": RouteAccessLogger}


def practice_room_wanted(settings: Settings, practice: bool = False) -> bool:
    """The practice room is served when asked for, and whenever no platform is configured."""
    return practice or not (settings.slack_enabled or settings.teams_enabled)


def install_adapters(app: web.Application, runtime: Runtime, practice: bool = False) -> None:
    """Every configured platform's routes on `app`, and its deliverer on the runtime."""
    if runtime.settings.slack_enabled:
        from adapters.slack.install import install as install_slack

        install_slack(app, runtime)
    if runtime.settings.teams_enabled:
        from adapters.teams.routes import install as install_teams

        install_teams(app, runtime)
    if practice_room_wanted(runtime.settings, practice):
        from adapters.practice.routes import install as install_practice_room

        install_practice_room(app, runtime)


def build_web_app(
    runtime: Runtime,
    *,
    background: bool = True,
    practice: bool = False,
    sleep: Sleep = asyncio.sleep,
    role: Role = Role.ALL,
) -> web.Application:
    """The served app. A worker's serves only GET /healthz: the adapters give it their
    deliverers, on an app of their own that is never served."""
    keep_payloads_out_of_logs()
    app = build_app(runtime, background=background, sleep=sleep, role=role)
    own_contexts = len(app.cleanup_ctx)
    install_adapters(app if role.answers_requests else web.Application(), runtime, practice)
    if background:
        defer_until_ready(app, own_contexts)
    app.cleanup_ctx.insert(0, held_open(runtime))
    return app


def held_open(runtime: Runtime) -> CleanupContext:
    """What the adapters hold open while the app is served: entered first, left last."""

    async def context(_: web.Application) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for opened in runtime.held_open:
                await stack.enter_async_context(opened())
            yield

    return context


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    practice: bool = False,
    role: Role = Role.ALL,
) -> None:
    runtime = Runtime.build(settings)
    check_role(role, runtime.store.is_sqlite)
    host, port = host or settings.host, port or settings.port
    if settings.teams_anonymous_mode and not is_loopback(host):
        raise SystemExit(
            "REFLECTBOT_TEAMS_ANONYMOUS accepts Teams activities without a token and is for "
            f"local testing only: serve it on 127.0.0.1, not {host}."
        )
    platforms = settings.slack_enabled or settings.teams_enabled
    if platforms and not settings.secret:
        log.warning(
            "REFLECTBOT_SECRET is not set: the secret that keys watch-lists and practice-room "
            "sign-ins is kept in the database. Set REFLECTBOT_SECRET in production."
        )
    app = build_web_app(runtime, practice=practice, role=role)
    if role is Role.WORKER:
        banner = (
            f"reflectbot worker: delivers queued effects and runs the timers; health at "
            f"http://{host}:{port}/healthz. Stop it with Ctrl+C."
        )
        web.run_app(app, host=host, port=port, print=lambda _: print(banner, flush=True), **ACCESS)
        return
    if practice_room_wanted(settings, practice):
        from adapters.practice.startup import start_up_lines

        banner = "\n".join(start_up_lines(host, port))
        # Once the server listens, one short banner in place of aiohttp's own line.
        web.run_app(app, host=host, port=port, print=lambda _: print(banner, flush=True), **ACCESS)
        return
    web.run_app(app, host=host, port=port, print=log.info, **ACCESS)
