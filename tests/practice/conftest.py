"""A practice room app on a loopback test server, and visitors to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp.test_utils import TestServer
from practice_kit import Visitor

from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.server import build_web_app


@pytest.fixture
async def runtime(tmp_path, clock: ManualClock) -> AsyncIterator[Runtime]:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'practice.sqlite3'}", secret="s3cret"
    )
    runtime = Runtime.build(settings, clock)
    await runtime.prepare_database()
    yield runtime
    await runtime.close()


@pytest.fixture
async def server(runtime: Runtime) -> AsyncIterator[TestServer]:
    server = TestServer(build_web_app(runtime, background=False), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
async def visitors(server: TestServer) -> AsyncIterator[Callable[[], Visitor]]:
    made: list[Visitor] = []

    def make() -> Visitor:
        made.append(Visitor(server))
        return made[-1]

    yield make
    for visitor in made:
        await visitor.close()
