"""Answers per second through one reflectbot process and through several sharing PostgreSQL."""

from __future__ import annotations

from bench.fake_slack import BenchSlack
from bench.load import Result, closed_loop
from bench.servers import REFLECTBOT, postgres_database, reflectbot_env, running
from bench.workload import ReplyMaker, open_sessions

SESSIONS = 100
IN_FLIGHT_PER_PROCESS = 16


async def run(processes: int, duration: float, postgres_url: str) -> Result:
    slack = BenchSlack()
    await slack.start()
    try:
        async with postgres_database(postgres_url) as url:
            questions = await open_sessions(url, slack.url, SESSIONS)
            commands = [REFLECTBOT] * processes
            env = reflectbot_env(url, slack.url)
            async with running(commands, env, "/healthz") as served:
                urls = [url for url, _ in served]
                return await closed_loop(
                    urls, ReplyMaker(questions).next, IN_FLIGHT_PER_PROCESS * processes, duration
                )
    finally:
        await slack.close()
