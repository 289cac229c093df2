"""`reflectbot serve` as a child process, for tests that kill it, restart it and stop it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from slack_requests import SIGNING_SECRET

from dialogs.models.catalogue import Catalogue
from storage.unit_of_work import Store

STARTUP_DEADLINE_SECONDS = 30.0


@dataclass
class DatabaseReader:
    """What a test driver reads of a bot served in other processes: its database, and the
    models it runs (the built-in ones, as the served process has no models folder)."""

    store: Store
    catalogue: Catalogue = field(default_factory=Catalogue.load)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServedBot:
    """One server process at a time on a fixed port, so that restarts keep its address."""

    def __init__(self, env: dict[str, str], log_path: Path, role: str = "all") -> None:
        self.role = role
        self.port = free_port()
        self.env = {**os.environ, **env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *args: str) -> None:
        """Run another reflectbot command (e.g. `db upgrade`) with the same settings."""
        subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], env=self.env, check=True, timeout=60
        )

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--role", self.role],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        await self.wait_until_healthy()

    async def wait_until_healthy(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_DEADLINE_SECONDS
        async with aiohttp.ClientSession() as http:
            while loop.time() < deadline:
                assert self.process is not None and self.process.poll() is None, self.log_tail()
                try:
                    async with http.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)  # polling a child process: no clock to move
        raise AssertionError(f"the server did not become healthy:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as in a crash or an out-of-memory kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> int:
        """SIGTERM, as a deploy or a scale-down sends; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


async def wait_for(condition: Callable[[], bool], deadline: float = 30.0) -> None:
    """Poll until `condition` holds: for what a child process does on its own clock."""
    loop = asyncio.get_running_loop()
    until = loop.time() + deadline
    while not condition():
        assert loop.time() < until, "gave up waiting"
        await asyncio.sleep(0.02)


async def wait_until_drained(store: Store, deadline: float = 60.0) -> None:
    """Until the served bot has delivered everything queued (its outbox has nothing pending)."""
    loop = asyncio.get_running_loop()
    until = loop.time() + deadline
    while True:
        async with store.transaction() as uow:
            if not await uow.outbox.pending_count():
                return
        assert loop.time() < until, "the outbox was not drained"
        await asyncio.sleep(0.05)


def slack_settings(database_url: str, slack_api_url: str) -> dict[str, str]:
    """The environment of a served bot for Slack, on a fake Web API."""
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "REFLECTBOT_SECRET": "served-test-secret",
    }
