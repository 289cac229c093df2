"""Slack ack latency: signed thread replies at a fixed rate to reflectbot, beside a bare Bolt
app that only acks, in the same run. On PostgreSQL, reflectbot is measured twice: one process
that answers and delivers (`--role all`), and a web process that only answers beside a worker
that delivers (`--role web`, `--role worker`), the replies sent to the web process."""

from __future__ import annotations

from bench.fake_slack import BenchSlack
from bench.load import Result, open_loop
from bench.servers import (
    BARE_BOLT,
    REFLECTBOT,
    REFLECTBOT_WEB,
    REFLECTBOT_WORKER,
    database,
    reflectbot_env,
    running,
)
from bench.workload import ReplyMaker, open_sessions

SESSIONS = 100
# Both servers first answer this many seconds of the same load, not counted: a process that has
# just started opens its database connections and fills its caches on its first requests.
WARM_UP_SECONDS = 3.0
SPLIT = "reflectbot web + worker"


async def measured(url: str, replies: ReplyMaker, rate: float, duration: float) -> Result:
    await open_loop(url, replies.next, rate, WARM_UP_SECONDS)
    return await open_loop(url, replies.next, rate, duration)


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
                results["bare bolt"] = await measured(
                    bare_url, ReplyMaker(questions, slack), rate, duration
                )
            async with running([REFLECTBOT], env, "/healthz") as [(bot_url, _)]:
                results["reflectbot"] = await measured(
                    bot_url, ReplyMaker(questions, slack), rate, duration
                )
        if kind == "postgresql":
            # The same load on sessions of its own, as fresh as the others' were.
            async with database(kind, postgres_url) as url:
                questions = await open_sessions(url, slack.url, SESSIONS)
                split = [REFLECTBOT_WEB, REFLECTBOT_WORKER]
                env = reflectbot_env(url, slack.url)
                async with running(split, env, "/healthz") as [(web_url, _), _]:
                    results[SPLIT] = await measured(
                        web_url, ReplyMaker(questions, slack), rate, duration
                    )
        return results
    finally:
        await slack.close()
