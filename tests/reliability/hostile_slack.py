"""The fake Slack Web API on a bad day: bursts of 429 with Retry-After, 500s, slow answers and
dropped connections, chosen by a seeded random generator; or down altogether."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

from aiohttp import web
from slack_fake_api import FakeSlack

from bot.clock import Clock

# Calls the dispatcher makes; those made inside a request (views.open, users.info) stay reliable.
DELIVERY_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
RETRY_AFTER_SECONDS = "7"


class HostileSlack(FakeSlack):
    def __init__(self, clock: Clock, seed: int, fault_rate: float = 0.4) -> None:
        super().__init__(clock)
        self.random = random.Random(seed)
        self.fault_rate = fault_rate
        self.faults: Counter[str] = Counter()
        self.down = False  # an outage: every delivery answered 503
        self._burst = 0

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] not in DELIVERY_METHODS:
            return await super()._handle(request)
        if self.down:
            return web.json_response({"ok": False, "error": "service_unavailable"}, status=503)
        if self._burst:
            self._burst -= 1
            return self._rate_limited()
        if self.random.random() >= self.fault_rate:
            return await super()._handle(request)
        fault = self.random.choice(("429 burst", "500", "slow", "dropped"))
        self.faults[fault] += 1
        if fault == "429 burst":
            self._burst = self.random.randint(1, 4)
            return self._rate_limited()
        if fault == "500":
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        if fault == "slow":
            await asyncio.sleep(0.05)  # real latency on loopback; the bot's clock is not moved
            return await super()._handle(request)
        # The connection drops before Slack has read the call: nothing was posted.
        assert request.transport is not None
        request.transport.abort()
        return web.Response()

    def _rate_limited(self) -> web.Response:
        self.faults["429"] += 1
        return web.json_response(
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
