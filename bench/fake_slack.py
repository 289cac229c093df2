"""A minimal stand-in for Slack's Web API on the loopback: answers every call as Slack would and
counts them by method. What is sent to presses' response_urls (not Web API methods) is counted
apart."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from aiohttp import web

BOT_USER = "UBOT"
TEAM = "T0BENCH"


class BenchSlack:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.responses = 0  # POSTs to response_urls
        self._ts = itertools.count(1)
        # Each channel's newest message of its own (not a thread reply): in a running session,
        # the question being asked.
        self.newest: dict[str, str] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, press: int) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{press}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/respond/{press}", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls[method] += 1
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update({k: str(v) for k, v in (await request.post()).items()})
        return web.json_response(self._answer(method, args))

    async def _respond(self, request: web.Request) -> web.Response:
        await request.read()
        self.responses += 1
        return web.json_response({"ok": True})

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {"user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM, "user": "bot"}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            if not args.get("thread_ts"):
                self.newest[str(args.get("channel"))] = ts
            return ok | {"channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "chat.update":
            return ok | {"channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return ok | {"message_ts": f"1700000001.{next(self._ts):06d}"}
        if method == "conversations.open":
            return ok | {"channel": {"id": f"D{args.get('users')}"}}
        return ok
