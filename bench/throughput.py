"""Answers per second through one reflectbot process (on SQLite or PostgreSQL) and through
several sharing PostgreSQL, with the CPU the bot processes spent on each answer and how busy the
whole machine was: on a machine whose cores are already all busy, more processes cannot add
answers."""

from __future__ import annotations

from dataclasses import dataclass

from bench.fake_slack import BenchSlack
from bench.load import Result, closed_loop
from bench.machine import busy_and_total_ticks, process_cpu_seconds
from bench.servers import REFLECTBOT, database, reflectbot_env, running
from bench.workload import ReplyMaker, open_sessions

SESSIONS = 100
IN_FLIGHT_PER_PROCESS = 16


@dataclass(frozen=True)
class Throughput:
    result: Result
    bot_cpu_seconds: float  # all bot processes together, during the run
    machine_busy: float  # share of all cores' time spent busy during the run

    @property
    def cpu_ms_per_answer(self) -> float:
        answers = len(self.result.latencies)
        return self.bot_cpu_seconds * 1000 / answers if answers else float("nan")


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
                    urls, ReplyMaker(questions).next, IN_FLIGHT_PER_PROCESS * processes, duration
                )
                busy_after, total_after = busy_and_total_ticks()
                cpu = sum(map(process_cpu_seconds, pids)) - cpu_before
            busy = (busy_after - busy_before) / max(1, total_after - total_before)
            return Throughput(result, cpu, busy)
    finally:
        await slack.close()
