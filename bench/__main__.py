"""`python -m bench` (`make bench`): every benchmark, one table. Short by default, so that CI
can afford it; pass larger figures by hand (see bench/RESULTS.md)."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os

from bench import api_calls, engine_step, machine, memory, slack_ack, throughput
from storage.database import is_sqlite


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rate", type=float, default=100, help="ack test: requests a second")
    parser.add_argument("--duration", type=float, default=10, help="ack test: seconds")
    parser.add_argument(
        "--throughput-seconds", type=float, default=10, help="answers a second: seconds a run"
    )
    parser.add_argument("--processes", type=int, default=4, help="processes for the scaling run")
    parser.add_argument("--sessions", type=int, default=1000, help="memory: concurrent sessions")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("DATABASE_URL"),
        help="PostgreSQL server to make throwaway databases on (default $DATABASE_URL); "
        "without one the PostgreSQL figures are skipped",
    )
    return parser.parse_args()


def row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


async def main(args: argparse.Namespace) -> None:
    postgres = args.postgres if args.postgres and not is_sqlite(args.postgres) else None
    cores = os.cpu_count()
    print(f"reflectbot benchmarks, {datetime.date.today()}; {machine.describe()}\n")
    print(row("benchmark", "figure", "note"))
    print(row("---", "---", "---"))

    kinds = ["sqlite", "postgresql"] if postgres else ["sqlite"]
    for kind in kinds:
        results = await slack_ack.run(kind, args.rate, args.duration, postgres)
        bot, bare = results["reflectbot"], results["bare bolt"]
        for name, result in results.items():
            print(
                row(
                    f"Slack ack, {name}, {kind}",
                    f"p50 {result.percentile(0.5) * 1000:.1f} ms, "
                    f"p99 {result.percentile(0.99) * 1000:.1f} ms",
                    f"{len(result.latencies)} acks, {result.errors} errors, "
                    f"{args.rate:g}/s for {args.duration:g} s, open loop",
                )
            )
        print(
            row(
                f"Slack ack ratio reflectbot / bare bolt, {kind}",
                f"p50 x{bot.percentile(0.5) / bare.percentile(0.5):.1f}, "
                f"p99 x{bot.percentile(0.99) / bare.percentile(0.99):.1f}",
                "same run",
            )
        )
    if postgres:
        one = await throughput.run(1, args.throughput_seconds, postgres)
        many = await throughput.run(args.processes, args.throughput_seconds, postgres)
        for processes, measured in ((1, one), (args.processes, many)):
            result = measured.result
            print(
                row(
                    f"Answers a second, {processes} process(es), PostgreSQL",
                    f"{result.rate:.0f}/s",
                    f"{len(result.latencies)} answers, {result.errors} errors, closed loop; "
                    f"bot CPU {measured.cpu_ms_per_answer:.1f} ms an answer; "
                    f"machine {measured.machine_busy:.0%} busy",
                )
            )
        print(
            row(
                f"Scaling 1 -> {args.processes} processes",
                f"x{many.result.rate / one.result.rate:.2f}",
                f"this machine has {cores} cores, shared by PostgreSQL, the bot processes and "
                "the load generator",
            )
        )
    peak = await memory.run(args.sessions)
    print(
        row(
            f"Peak RSS, {peak['sessions']} concurrent sessions, one process",
            f"{peak['peak_mib']:.0f} MiB",
            f"{peak['idle_mib']:.0f} MiB before; {peak['answered']} answered at once; SQLite",
        )
    )
    for setting, calls in (await api_calls.run()).items():
        print(
            row(
                f"Web API calls a session, {setting}",
                f"{calls['calls']} (minimum {calls['minimum']})",
                f"{calls['posts']} posts, {calls['updates']} updates; Morrison 4x4x4, "
                "3 participants",
            )
        )
    steps = engine_step.run()
    print(
        row(
            "Engine step (event -> effects)",
            f"median {steps['median_ms']:.2f} ms, p99 {steps['p99_ms']:.2f} ms",
            f"{steps['steps']} steps, Morrison 4x4x4, 6 participants",
        )
    )


if __name__ == "__main__":
    asyncio.run(main(arguments()))
