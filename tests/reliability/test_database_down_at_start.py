"""`reflectbot serve` with its database down: the process stays up, answers /healthz with 503
and platform requests with 503, logs one line per failed attempt (no stack trace, no password),
and serves normally once the database can be reached."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from served import ServedBot, slack_settings, wait_for
from slack_requests import SIGNING_SECRET
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.slack import install as slack_install
from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import Runtime, describe_failure
from bot.server import build_web_app
from storage import migrate
from storage.unit_of_work import Store
from tests.conftest import START, postgres_url
from tests.reliability.conftest import NO_POSTGRES

# Nothing listens on port 1 of the loopback: connections are refused at once.
REFUSED = "postgresql+asyncpg://reflectbot:secret-password@127.0.0.1:1/reflectbot"
PROBE_FAILED = re.compile(
    r" WARNING bot\.app: database unavailable \(ConnectionRefusedError: .+\); "
    r"trying again in \d+(\.\d+)? s$"
)


class StartedBot(ServedBot):
    def launch(self) -> None:
        """Start the server without waiting for it to become healthy: it will not."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )


def probes_in(log: str) -> list[str]:
    """The lines about the database: the server's, not the libraries' start-up notices."""
    return [line for line in log.splitlines() if "database" in line]


async def test_a_database_refusing_connections_does_not_stop_the_server(tmp_path: Path) -> None:
    bot = StartedBot(slack_settings(REFUSED, "http://127.0.0.1:1/api/"), tmp_path / "server.log")
    try:
        bot.launch()
        # Two failed attempts: the process has retried after its first failure.
        await wait_for(
            lambda: len(probes_in(bot.log_tail(200))) >= 2 or bot.process.poll() is not None
        )
        assert bot.process.poll() is None, bot.log_tail()

        async with aiohttp.ClientSession(base_url=bot.url) as http:
            async with http.get("/healthz") as health:
                assert health.status == 503
                body = await health.json()
            async with http.post("/slack/events", data=b"{}") as event:
                assert event.status == 503
                assert "database unavailable" in await event.text()
        assert body["status"] == "unavailable"
        assert body["database"] == "unreachable"
        assert "database unavailable" in body["reason"]

        log = bot.log_tail(200)
        assert "Traceback" not in log and " ERROR " not in log and "secret-password" not in log
        assert "secret-password" not in str(body)
        for line in probes_in(log):
            assert PROBE_FAILED.search(line), line
    finally:
        if bot.process and bot.process.poll() is None:
            bot.kill()


# -- in the process, with the waits between attempts in the test's hands --------------------


class Waits:
    """The server's sleep between attempts: records each delay and returns only when the test
    lets it, so that no test waits for real time to pass."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self._changed = asyncio.Condition()
        self._permits: asyncio.Queue[None] = asyncio.Queue()

    async def __call__(self, seconds: float) -> None:
        async with self._changed:
            self.delays.append(seconds)
            self._changed.notify_all()
        await self._permits.get()

    async def until(self, count: int) -> None:
        """Until the server has failed `count` times and is waiting to try again."""
        async with asyncio.timeout(60), self._changed:
            await self._changed.wait_for(lambda: len(self.delays) >= count)

    def let_go(self, times: int = 1) -> None:
        for _ in range(times):
            self._permits.put_nowait(None)


def settings_for(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url="http://127.0.0.1:1/api/",
        teams_anonymous=True,
        secret=None,
    )


@contextlib.asynccontextmanager
async def served_in_process(database_url: str, waits: Waits) -> AsyncIterator[TestClient]:
    runtime = Runtime.build(settings_for(database_url), ManualClock(START))
    app = build_web_app(runtime, sleep=waits)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()  # returns although the database is down: it is listening
    try:
        yield client
    finally:
        await client.close()


def probe_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.app" and r.levelno == logging.WARNING]


async def refused(client: TestClient) -> None:
    """Everything but /healthz is refused with a 503 that platforms retry."""
    for path, body in [("/slack/events", b"{}"), ("/api/messages", b"{}")]:
        response = await client.post(path, data=body)
        assert response.status == 503, path
        assert response.headers["Retry-After"]
        assert "database unavailable" in await response.text()


async def test_the_server_waits_for_its_database_with_backoff_then_serves(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A directory where the SQLite file should be: the database cannot be opened until it goes.
    path = tmp_path / "data" / "reflectbot.sqlite3"
    path.mkdir(parents=True)
    waits = Waits()
    caplog.set_level(logging.INFO)
    async with served_in_process(f"sqlite+aiosqlite:///{path}", waits) as client:
        await waits.until(1)
        health = await client.get("/healthz")
        assert health.status == 503
        assert await health.json() == {
            "status": "unavailable",
            "database": "unreachable",
            "reason": "database unavailable",
        }
        await refused(client)

        waits.let_go(7)
        await waits.until(8)
        assert waits.delays == [0.5, 1, 2, 4, 8, 16, 30, 30]
        probes = probe_records(caplog)
        assert len(probes) == 8, "one line per failed attempt"
        for record in probes:
            assert record.exc_info is None
            assert record.getMessage().startswith(
                "database unavailable (OperationalError: unable to open database file); "
                "trying again in "
            )
        await refused(client)

        path.rmdir()
        waits.let_go()
        async with asyncio.timeout(60):
            while (health := await client.get("/healthz")).status != 200:
                await asyncio.sleep(0)  # the next attempt runs on this loop: let it
        assert (await health.json())["database"] == "ok"
        assert len(waits.delays) == 8, "no attempt after the one that succeeded"
        # Requests reach the adapters now: an unsigned Slack request is Bolt's to refuse.
        assert (await client.post("/slack/events", data=b"{}")).status == 401
        assert path.is_file()
    assert not [r for r in caplog.records if r.exc_info], "no stack trace in the log"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_stopping_a_server_still_waiting_for_its_database_is_clean(
    caplog: pytest.LogCaptureFixture,
) -> None:
    waits = Waits()
    async with served_in_process(REFUSED, waits):
        await waits.until(1)
        waits.let_go()
        await waits.until(2)
    (first, second) = probe_records(caplog)
    assert "ConnectionRefusedError" in first.getMessage()
    assert "secret-password" not in first.getMessage() + second.getMessage()
    assert not [r for r in caplog.records if r.exc_info]


async def test_postgresql_created_then_upgraded_while_the_server_waits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    base = postgres_url()
    if base is None:
        pytest.skip(NO_POSTGRES)
    name = f"reflectbot_{uuid.uuid4().hex[:12]}"
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    waits = Waits()
    try:
        async with served_in_process(url, waits) as client:
            await waits.until(1)
            assert "InvalidCatalogNameError" in probe_records(caplog)[0].getMessage()
            async with admin.connect() as conn:
                await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            waits.let_go()
            # Reached, but the schema is left to `reflectbot db upgrade`: still waiting.
            await waits.until(2)
            assert "SchemaNotCurrent" in probe_records(caplog)[1].getMessage()
            health = await client.get("/healthz")
            assert health.status == 503
            assert (await health.json())["database"] == "out of date"
            await refused(client)

            upgrader = Store.open(url)
            try:
                await migrate.upgrade(upgrader)
            finally:
                await upgrader.close()
            waits.let_go()
            async with asyncio.timeout(60):
                while (health := await client.get("/healthz")).status != 200:
                    await asyncio.sleep(0)
            assert len(waits.delays) == 2
    finally:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()
    assert not [r for r in caplog.records if r.exc_info]


def test_a_failure_is_described_in_one_line_without_the_password() -> None:
    error = OSError("could not connect as reflectbot:secret-password\nsecond line")
    described = describe_failure(error, REFUSED)
    assert described == "OSError: could not connect as reflectbot:***"


class SocketMode:
    """Stands in for Bolt's Socket Mode handler, which would dial out to Slack; its first
    connection fails."""

    events: ClassVar[list[str]] = []

    def __init__(self, app: object, app_token: str) -> None:
        pass

    async def connect_async(self) -> None:
        self.events.append("connect")
        if self.events.count("connect") == 1:
            raise ConnectionResetError("Slack hung up")

    async def close_async(self) -> None:
        self.events.append("close")


async def test_socket_mode_connects_only_once_the_database_is_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Events from Socket Mode need the database (and the secret kept there): no connection
    before it is reached."""
    monkeypatch.setattr(slack_install, "AsyncSocketModeHandler", SocketMode)
    SocketMode.events = []
    path = tmp_path / "data" / "reflectbot.sqlite3"
    path.mkdir(parents=True)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_api_url="http://127.0.0.1:1/api/",
    )
    waits = Waits()
    runtime = Runtime.build(settings, ManualClock(START))
    client = TestClient(TestServer(build_web_app(runtime, sleep=waits), host="127.0.0.1"))
    await client.start_server()
    try:
        await waits.until(1)
        assert SocketMode.events == []
        path.rmdir()
        waits.let_go()
        await waits.until(2)  # the database is ready; Slack refused the first connection
        assert SocketMode.events == ["connect"]
        assert (await client.get("/healthz")).status == 200
        waits.let_go()
        async with asyncio.timeout(60):
            while SocketMode.events != ["connect", "connect"]:
                await asyncio.sleep(0)
    finally:
        await client.close()
    assert SocketMode.events == ["connect", "connect", "close"]
    (refusal,) = [r for r in probe_records(caplog) if "background connection" in r.getMessage()]
    assert "ConnectionResetError: Slack hung up" in refusal.getMessage()
    assert not [r for r in caplog.records if r.exc_info]
