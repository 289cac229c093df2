"""`reflectbot serve`: the web app with every adapter whose settings are present."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.app import build_app
from bot.config import Settings
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def build_web_app(runtime: Runtime, *, background: bool = True) -> web.Application:
    app = build_app(runtime, background=background)
    if runtime.settings.slack_enabled:
        from adapters.slack.install import install as install_slack

        install_slack(app, runtime)
    from adapters.teams.routes import install as install_teams

    install_teams(app, runtime)
    if not (runtime.settings.slack_enabled or runtime.settings.teams_enabled):
        from adapters.practice.routes import install as install_practice_room

        install_practice_room(app, runtime)
    return app


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    runtime = Runtime.build(settings)
    if not settings.secret:
        log.warning(
            "REFLECTBOT_SECRET is not set: the secret that keys watch-lists and practice-room "
            "sign-ins is kept in the database. Set REFLECTBOT_SECRET in production."
        )
    app = build_web_app(runtime)
    web.run_app(app, host=host or settings.host, port=port or settings.port, print=log.info)
