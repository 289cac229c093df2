"""The processes under test: `reflectbot serve` (one or several) and a bare Bolt app, each a
child process on the loopback; and a throwaway PostgreSQL database."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.workload import BOT_TOKEN, SECRET, SIGNING_SECRET
from storage.database import normalise_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_up(url: str, process: subprocess.Popen[bytes], deadline: float = 30) -> None:
    loop = asyncio.get_running_loop()
    until = loop.time() + deadline
    async with aiohttp.ClientSession() as http:
        while loop.time() < until:
            if process.poll() is not None:
                raise RuntimeError(f"{url} exited with {process.returncode}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(url) as response:
                    if response.status < 500:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextlib.asynccontextmanager
async def running(
    commands: Sequence[list[str]], env: dict[str, str], probe: str
) -> AsyncIterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """Start each command on a port of its own; yield (base URL, process) pairs."""
    started = []
    try:
        for command in commands:
            port = free_port()
            process = subprocess.Popen(
                [*command, "--port", str(port)],
                env={**os.environ, **env, "HOST": "127.0.0.1"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            url = f"http://127.0.0.1:{port}"
            started.append((url, process))
            await wait_until_up(url + probe, process)
        yield started
    finally:
        for _, process in started:
            process.send_signal(signal.SIGTERM)
        for _, process in started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def reflectbot_env(database_url: str, slack_api_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "REFLECTBOT_SECRET": SECRET,
    }


REFLECTBOT = [sys.executable, "-m", "bot.cli", "serve"]
REFLECTBOT_WEB = [*REFLECTBOT, "--role", "web"]
REFLECTBOT_WORKER = [*REFLECTBOT, "--role", "worker"]
BARE_BOLT = [sys.executable, "-m", "bench.bare_bolt"]


@contextlib.asynccontextmanager
async def postgres_database(admin_url: str) -> AsyncIterator[str]:
    """A new PostgreSQL database for one benchmark, dropped afterwards."""
    admin_url = normalise_url(admin_url)
    name = f"reflectbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


@contextlib.asynccontextmanager
async def database(kind: str, postgres_url: str | None) -> AsyncIterator[str]:
    """A throwaway database of the kind: a SQLite file, or a database on the PostgreSQL server."""
    if kind == "postgresql":
        assert postgres_url
        async with postgres_database(postgres_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
