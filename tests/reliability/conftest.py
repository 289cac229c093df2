"""Fixtures for the reliability suite: PostgreSQL databases of its own, and the Slack helpers."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from _pytest.fixtures import FixtureFunctionDefinition
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

# The Slack test helpers (signed requests, the fake Web API, the session driver) are shared.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "slack"))

from bot.runtime import Runtime
from bot.server import build_web_app
from tests.conftest import postgres_url


def _slack_fixtures() -> dict[str, object]:
    """The fixtures of tests/slack/conftest.py (loaded under a name of its own), to serve here
    too, whatever fixtures it gains."""
    path = Path(__file__).resolve().parent.parent / "slack" / "conftest.py"
    spec = importlib.util.spec_from_file_location("slack_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, FixtureFunctionDefinition)
    }


globals().update(_slack_fixtures())

NO_POSTGRES = "needs PostgreSQL: set DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards: for processes of the
    real server, which take their database from DATABASE_URL alone."""
    url = postgres_url()
    if url is None:
        pytest.skip(NO_POSTGRES)
    name = f"reflectbot_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OSError as error:
        await admin.dispose()
        pytest.skip(f"PostgreSQL at DATABASE_URL is not reachable ({error})")
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


@pytest.fixture
async def every_door(runtime: Runtime) -> AsyncIterator[TestClient]:
    """Slack, Teams (in its anonymous local-testing mode) and the practice room on one app:
    every door hostile input can knock on."""
    runtime.settings = runtime.settings.model_copy(update={"teams_anonymous": True})
    app = build_web_app(runtime, background=False, practice=True)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()
