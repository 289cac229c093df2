"""Peak resident memory of one reflectbot process while many sessions are answered at once."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import aiohttp

from bench.fake_slack import BenchSlack
from bench.load import PATH
from bench.servers import REFLECTBOT, reflectbot_env, running
from bench.workload import ReplyMaker, open_sessions


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the high-water mark of the process's resident set (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: Linux only")


async def run(sessions: int) -> dict[str, float]:
    slack = BenchSlack()
    await slack.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            questions = await open_sessions(url, slack.url, sessions)
            replies = ReplyMaker(questions, slack)
            async with running([REFLECTBOT], reflectbot_env(url, slack.url), "/healthz") as [
                (bot_url, process)
            ]:
                idle = peak_rss_mib(process.pid)
                connector = aiohttp.TCPConnector(limit=0)
                async with aiohttp.ClientSession(connector=connector) as http:

                    async def answer() -> int:
                        body, headers = replies.next()
                        async with http.post(bot_url + PATH, data=body, headers=headers) as r:
                            return r.status

                    statuses = await asyncio.gather(*(answer() for _ in range(sessions)))
                return {
                    "sessions": sessions,
                    "answered": sum(status == 200 for status in statuses),
                    "idle_mib": idle,
                    "peak_mib": peak_rss_mib(process.pid),
                }
    finally:
        await slack.close()
