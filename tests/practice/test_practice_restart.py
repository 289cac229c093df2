"""Sign-ins outlive a restart when no REFLECTBOT_SECRET is set: the secret kept in the database
signs the cookies, not the one a process makes up before the database is open."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestServer
from practice_kit import Visitor, create_room

from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.server import build_web_app


async def serving(url: str, clock: ManualClock) -> tuple[Runtime, TestServer]:
    """As `reflectbot serve` does it: the app is built first, the database opened on start."""
    runtime = Runtime.build(Settings(database_url=url), clock)
    app = build_web_app(runtime, background=False)
    await runtime.prepare_database()
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return runtime, server


async def test_a_restart_keeps_everyone_in_their_rooms(tmp_path: Path, clock: ManualClock) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'practice.sqlite3'}"
    runtime, server = await serving(url, clock)
    visitor = Visitor(server)
    try:
        await create_room(visitor)
        assert (await visitor.page()).status == 200
        await server.close()
        await runtime.close()

        runtime, server = await serving(url, clock)
        visitor.server = server  # the same browser, its cookies, the restarted server
        assert (await visitor.page()).status == 200
    finally:
        await visitor.close()
        await server.close()
        await runtime.close()
