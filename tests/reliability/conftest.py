"""Fixtures for the reliability suite: PostgreSQL databases of its own, and the Slack helpers."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

# The Slack test helpers (signed requests, the fake Web API, the session driver) are shared.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "slack"))

from tests.conftest import postgres_url


def _slack_fixtures() -> object:
    """tests/slack/conftest.py under a name of its own, so its fixtures serve here too."""
    path = Path(__file__).resolve().parent.parent / "slack" / "conftest.py"
    spec = importlib.util.spec_from_file_location("slack_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_slack = _slack_fixtures()
fake_slack = _slack.fake_slack  # type: ignore[attr-defined]
learning_channel = _slack.learning_channel  # type: ignore[attr-defined]
runtime = _slack.runtime  # type: ignore[attr-defined]
web = _slack.web  # type: ignore[attr-defined]
slack = _slack.slack  # type: ignore[attr-defined]

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
