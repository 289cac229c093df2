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
    return app


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    runtime = Runtime.build(settings)
    if not settings.secret:
        log.warning(
            "REFLECTBOT_SECRET is not set: this process made up its own secret, so several "
            "processes will not agree and a restart signs everyone out of the practice room"
        )
    app = build_web_app(runtime)
    web.run_app(app, host=host or settings.host, port=port or settings.port, print=log.info)
