"""Load generators over aiohttp: an open-loop schedule (requests leave at fixed times, whether
or not earlier ones were answered, so a slow server cannot hide its queue) and a closed loop
(a fixed number of requests always in flight, for throughput)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

Request = Callable[[], tuple[bytes, dict[str, str]]]
PATH = "/slack/events"


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, from the scheduled send
    errors: int = 0
    elapsed: float = 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


async def _send(
    http: aiohttp.ClientSession, url: str, request: Request, scheduled: float, result: Result
) -> None:
    loop = asyncio.get_running_loop()
    body, headers = request()
    try:
        async with http.post(url + PATH, data=body, headers=headers) as response:
            await response.read()
            ok = response.status == 200
    except aiohttp.ClientError:
        ok = False
    if ok:
        result.latencies.append(loop.time() - scheduled)
    else:
        result.errors += 1


async def open_loop(url: str, request: Request, rate: float, duration: float) -> Result:
    loop = asyncio.get_running_loop()
    result = Result()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = loop.time()
        tasks = []
        for number in range(int(rate * duration)):
            scheduled = started + number / rate
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_send(http, url, request, scheduled, result)))
        await asyncio.gather(*tasks)
        result.elapsed = loop.time() - started
    return result


async def closed_loop(urls: list[str], request: Request, in_flight: int, duration: float) -> Result:
    """`in_flight` workers, spread over the URLs, each sending as soon as it is answered."""
    loop = asyncio.get_running_loop()
    result = Result()
    targets = itertools.cycle(urls)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = loop.time()

        async def worker(url: str) -> None:
            while loop.time() - started < duration:
                await _send(http, url, request, loop.time(), result)

        await asyncio.gather(*(worker(next(targets)) for _ in range(in_flight)))
        result.elapsed = loop.time() - started
    return result
