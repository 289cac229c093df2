"""Shared fixtures: a clock that only moves when told, and stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import ManualClock
from storage import migrate
from storage.database import is_sqlite, normalise_url
from storage.unit_of_work import Store

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    return normalise_url(url) if url and not is_sqlite(url) else None


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def _postgres_store(url: str) -> AsyncIterator[Store]:
    """A fresh schema per test, so tests never see each other's rows."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url)
    try:
        async with admin.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except OSError as error:
        await admin.dispose()
        pytest.skip(f"PostgreSQL at DATABASE_URL is not reachable ({error})")
    from storage.database import create_engine

    store = Store(
        create_engine(url, connect_args={"server_settings": {"search_path": schema}}), url
    )
    try:
        await migrate.upgrade(store)
        yield store
    finally:
        await store.close()
        async with admin.begin() as conn:
            await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[Store]:  # type: ignore[no-untyped-def]
    """Every storage test runs on SQLite and, where DATABASE_URL names one, on PostgreSQL."""
    if request.param == "sqlite":
        sqlite = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'reflectbot.sqlite3'}")
        await migrate.upgrade(sqlite)
        yield sqlite
        await sqlite.close()
        return
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL tests need DATABASE_URL=postgresql+asyncpg://… (not set)")
    async for postgres in _postgres_store(url):
        yield postgres


@pytest.fixture
async def postgres_store() -> AsyncIterator[Store]:
    """For what only PostgreSQL has (its connection pool): skipped where DATABASE_URL names none."""
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL tests need DATABASE_URL=postgresql+asyncpg://… (not set)")
    async for postgres in _postgres_store(url):
        yield postgres


@pytest.fixture
async def sqlite_store(tmp_path) -> AsyncIterator[Store]:  # type: ignore[no-untyped-def]
    sqlite = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'reflectbot.sqlite3'}")
    await migrate.upgrade(sqlite)
    yield sqlite
    await sqlite.close()


# Tests that need something this machine may not have, and how to run them.
SKIPPED_GROUPS = (
    (
        "PostgreSQL",
        "PostgreSQL",
        "start PostgreSQL and run: "
        "DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test make test",
    ),
    ("Chromium", "browser (practice room)", "install Chromium (apt-get install chromium)"),
)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly what did not run and how to run it, one line per group."""
    skipped = terminalreporter.stats.get("skipped", [])
    for needle, group, how in SKIPPED_GROUPS:
        count = sum(1 for report in skipped if needle in str(report.longrepr))
        if count:
            terminalreporter.write_line(
                f"{count} {group} tests were skipped. To run them, {how}.", yellow=True
            )
