"""`python -m bench` (`make bench`): every benchmark, one table. Short by default, so that CI
can afford it (`--sessions 200` takes about three minutes on 2 cores); pass larger figures by
hand (see bench/RESULTS.md)."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import time

from bench import answer_cost, api_calls, engine_step, machine, memory, slack_ack, throughput
from storage.database import is_sqlite


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--rate-sqlite", type=float, default=50, help="ack test on SQLite: requests a second"
    )
    parser.add_argument(
        "--rate-postgresql",
        type=float,
        default=100,
        help="ack test on PostgreSQL: requests a second",
    )
    parser.add_argument("--duration", type=float, default=5, help="ack test: seconds")
    parser.add_argument(
        "--throughput-seconds", type=float, default=5, help="answers a second: seconds a run"
    )
    parser.add_argument(
        "--processes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2],
        help="process counts for the scaling runs on PostgreSQL (default 1,2)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="answers a second: runs of each, the median shown"
    )
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


async def ack_rows(kind: str, rate: float, duration: float, postgres: str | None) -> None:
    results = await slack_ack.run(kind, rate, duration, postgres)
    bare = results["bare bolt"]
    for name, result in results.items():
        print(
            row(
                f"Slack ack, {name}, {kind}",
                f"p50 {result.percentile(0.5) * 1000:.1f} ms, "
                f"p99 {result.percentile(0.99) * 1000:.1f} ms",
                f"{len(result.latencies)} acks, {result.errors} errors, "
                f"{rate:g}/s for {duration:g} s after {slack_ack.WARM_UP_SECONDS:g} s of warm-up, "
                "open loop",
            )
        )
    for name, result in results.items():
        if result is bare:
            continue
        print(
            row(
                f"Slack ack ratio {name} / bare bolt, {kind}",
                f"p50 x{result.percentile(0.5) / bare.percentile(0.5):.1f}, "
                f"p99 x{result.percentile(0.99) / bare.percentile(0.99):.1f}",
                "same run",
            )
        )


async def growth_rows(kind: str, postgres: str | None) -> None:
    growth = await answer_cost.run(kind, postgres)
    for number, cost in (("10th", growth.tenth), ("500th", growth.five_hundredth)):
        print(
            row(
                f"The {number} answer of one session, {kind}",
                f"bot CPU {cost.cpu_ms:.1f} ms, {cost.wall_ms:.1f} ms",
                f"median of {answer_cost.AROUND} answers around it in each of "
                f"{answer_cost.SESSIONS} sessions; handled in-process (load "
                f"under lock, engine step, save, commit); {answer_cost.MODEL}, "
                f"{len(answer_cost.PARTICIPANTS)} participants",
            )
        )
    print(
        row(
            f"The 500th answer against the 10th, {kind}",
            f"CPU x{growth.cpu_ratio:.2f}, "
            f"time x{growth.five_hundredth.wall_ms / growth.tenth.wall_ms:.2f}",
            "same run",
        )
    )


async def answers_a_second(
    kind: str, processes: int, args: argparse.Namespace, postgres: str | None
) -> throughput.Throughput:
    """The median run of `args.repeat` (runs on a shared machine vary)."""
    runs = [
        await throughput.run(kind, processes, args.throughput_seconds, postgres)
        for _ in range(args.repeat)
    ]
    runs.sort(key=lambda measured: measured.result.rate)
    measured = runs[len(runs) // 2]
    result = measured.result
    print(
        row(
            f"Answers a second, {processes} process(es), {kind}",
            f"{result.rate:.0f}/s",
            f"{len(result.latencies)} answers, {result.errors} errors, closed loop, "
            f"median of {len(runs)}; bot CPU {measured.cpu_ms_per_answer:.1f} ms an answer, "
            f"{measured.delivered_cpu_ms_per_answer:.1f} ms with the deliveries it queued"
            f"{'' if measured.all_delivered else ' (some still queued at the end)'}; "
            f"machine {measured.machine_busy:.0%} busy",
        )
    )
    return measured


async def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    postgres = args.postgres if args.postgres and not is_sqlite(args.postgres) else None
    cores = os.cpu_count()
    print(f"reflectbot benchmarks, {datetime.date.today()}; {machine.describe()}\n")
    print(row("benchmark", "figure", "note"))
    print(row("---", "---", "---"))

    await ack_rows("sqlite", args.rate_sqlite, args.duration, None)
    if postgres:
        await ack_rows("postgresql", args.rate_postgresql, args.duration, postgres)
    await growth_rows("sqlite", None)
    if postgres:
        await growth_rows("postgresql", postgres)
    await answers_a_second("sqlite", 1, args, None)
    if postgres:
        rates = {
            n: (await answers_a_second("postgresql", n, args, postgres)).result.rate
            for n in args.processes
        }
        first = args.processes[0]
        for processes in args.processes[1:]:
            print(
                row(
                    f"Scaling {first} -> {processes} processes, postgresql",
                    f"x{rates[processes] / rates[first]:.2f}",
                    f"this machine has {cores} cores, shared by PostgreSQL, the bot processes "
                    "and the load generator",
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
    for cells in api_calls.table_rows(await api_calls.run()):
        print(row(*cells))
    steps = engine_step.run()
    print(
        row(
            "Engine step (event -> effects)",
            f"median {steps['median_ms']:.2f} ms, p99 {steps['p99_ms']:.2f} ms",
            f"{steps['steps']} steps, Morrison 4x4x4, 6 participants",
        )
    )
    print(f"\nThe run took {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    asyncio.run(main(arguments()))
