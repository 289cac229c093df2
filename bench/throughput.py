"""Answers per second through one reflectbot process (on SQLite or PostgreSQL) and through
several sharing PostgreSQL, with the CPU the bot processes spent on each answer and how busy the
whole machine was: on a machine whose cores are already all busy, more processes cannot add
answers. The bot's CPU is read twice: when the loop ends, and once what the loop queued
(progress updates, the next questions, private notes) has been delivered: the loop's answers
come faster than Slack's pacing lets the bot post, so most of that is delivered after it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bench.fake_slack import BenchSlack
from bench.load import Result, closed_loop
from bench.machine import busy_and_total_ticks, process_cpu_seconds
from bench.servers import REFLECTBOT, database, reflectbot_env, running
from bench.workload import ReplyMaker, open_sessions
from storage.unit_of_work import Store

SESSIONS = 100
IN_FLIGHT_PER_PROCESS = 16
DRAINED_WITHIN_SECONDS = 120.0


@dataclass(frozen=True)
class Throughput:
    result: Result
    bot_cpu_seconds: float  # all bot processes together, while the loop ran
    # ... and until what the loop queued was delivered (or DRAINED_WITHIN_SECONDS had passed)
    delivered_cpu_seconds: float
    all_delivered: bool
    machine_busy: float  # share of all cores' time spent busy during the run

    @property
    def cpu_ms_per_answer(self) -> float:
        return self._per_answer(self.bot_cpu_seconds)

    @property
    def delivered_cpu_ms_per_answer(self) -> float:
        return self._per_answer(self.delivered_cpu_seconds)

    def _per_answer(self, seconds: float) -> float:
        answers = len(self.result.latencies)
        return seconds * 1000 / answers if answers else float("nan")


async def run(kind: str, processes: int, duration: float, postgres_url: str | None) -> Throughput:
    slack = BenchSlack()
    await slack.start()
    try:
        async with database(kind, postgres_url) as url:
            questions = await open_sessions(url, slack.url, SESSIONS)
            commands = [REFLECTBOT] * processes
            env = reflectbot_env(url, slack.url)
            async with running(commands, env, "/healthz") as served:
                urls = [url for url, _ in served]
                pids = [process.pid for _, process in served]
                cpu_before = sum(map(process_cpu_seconds, pids))
                busy_before, total_before = busy_and_total_ticks()
                result = await closed_loop(
                    urls,
                    ReplyMaker(questions, slack).next,
                    IN_FLIGHT_PER_PROCESS * processes,
                    duration,
                )
                busy_after, total_after = busy_and_total_ticks()
                cpu = sum(map(process_cpu_seconds, pids)) - cpu_before
                all_delivered = await delivered(url)
                with_deliveries = sum(map(process_cpu_seconds, pids)) - cpu_before
            busy = (busy_after - busy_before) / max(1, total_after - total_before)
            return Throughput(result, cpu, with_deliveries, all_delivered, busy)
    finally:
        await slack.close()


async def delivered(url: str) -> bool:
    """Until the bot processes have delivered everything queued (the outbox has nothing
    pending), or DRAINED_WITHIN_SECONDS have passed (False); Slack's pacing sets how long
    that takes."""
    store = Store.open(url)
    loop = asyncio.get_running_loop()
    until = loop.time() + DRAINED_WITHIN_SECONDS
    try:
        while True:
            async with store.transaction() as uow:
                if not await uow.outbox.pending_count():
                    return True
            if loop.time() > until:
                return False
            await asyncio.sleep(0.2)
    finally:
        await store.close()
