"""Slack ack latency: signed thread replies at a fixed rate to reflectbot, beside a bare Bolt
app that only acks, in the same run."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from bench.fake_slack import BenchSlack
from bench.load import Result, open_loop
from bench.servers import BARE_BOLT, REFLECTBOT, postgres_database, reflectbot_env, running
from bench.workload import ReplyMaker, open_sessions

SESSIONS = 100


@contextlib.asynccontextmanager
async def database(kind: str, postgres_url: str | None) -> AsyncIterator[str]:
    if kind == "postgresql":
        assert postgres_url
        async with postgres_database(postgres_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"


async def run(
    kind: str, rate: float, duration: float, postgres_url: str | None
) -> dict[str, Result]:
    slack = BenchSlack()
    await slack.start()
    try:
        async with database(kind, postgres_url) as url:
            questions = await open_sessions(url, slack.url, SESSIONS)
            env = reflectbot_env(url, slack.url)
            results = {}
            async with running([BARE_BOLT], env, "/healthz") as [(bare_url, _)]:
                results["bare bolt"] = await open_loop(
                    bare_url, ReplyMaker(questions).next, rate, duration
                )
            async with running([REFLECTBOT], env, "/healthz") as [(bot_url, _)]:
                results["reflectbot"] = await open_loop(
                    bot_url, ReplyMaker(questions).next, rate, duration
                )
            return results
    finally:
        await slack.close()
