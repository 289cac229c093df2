"""A local stand-in for the Bot Connector service at the activities' serviceUrl.

It records every call and answers as the connector does: new channel posts and 1:1 chats from
POST /v3/conversations, activity ids for sends and replies, members by Teams id or Microsoft
Entra object id, and 429s or 5xxs on demand."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

THREAD_MARKER = ";messageid="


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any] | None
    headers: dict[str, str]


@dataclass
class Message:
    """A message as Teams holds it: where it is, and the card it shows now."""

    id: str
    conversation: str  # the channel id, or a 1:1 chat id
    root: str  # the reply chain it belongs to (its own id for a channel post)
    activity: dict[str, Any]
    deleted: bool = False

    @property
    def card(self) -> dict[str, Any]:
        attachments = self.activity.get("attachments") or [{}]
        return attachments[0].get("content") or {}

    def texts(self) -> list[str]:
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("type") == "TextBlock":
                    found.append(node["text"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.card.get("body") or [])
        return found

    def text(self) -> str:
        return "\n".join(self.texts())

    def buttons(self) -> list[dict[str, Any]]:
        """Every Action.Submit on the card, in the body's action sets and at the bottom."""
        found: list[dict[str, Any]] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("type") == "Action.Submit":
                    found.append(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.card)
        return found

    def button(self, action: str, value: str | None = None) -> dict[str, Any]:
        for button in self.buttons():
            data = button["data"]
            if data.get("action") == action and (value is None or data.get("value") == value):
                return data
        raise AssertionError(f"no {action} button on: {self.texts()[:3]}")


@dataclass
class Member:
    teams_id: str
    aad_id: str
    name: str


class FakeConnector:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[str, Message] = {}
        self.members: list[Member] = []
        self.failures: deque[tuple[int, dict[str, str]]] = deque()
        self.held: deque[tuple[str | None, asyncio.Event]] = deque()
        self.holding = asyncio.Event()  # set while a held call waits
        self._ids = itertools.count(1_700_000_000_001)
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_delete("/v3/conversations/{cid}/activities/{aid}", self._delete)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        app.router.add_get("/v3/conversations/{cid}/pagedmembers", self._paged_members)
        self.server = TestServer(app, host="127.0.0.1")

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        await self.server.close()

    @property
    def url(self) -> str:
        return str(self.server.make_url("/"))

    def add_member(self, teams_id: str, aad_id: str, name: str) -> None:
        self.members.append(Member(teams_id, aad_id, name))

    def hold_next(self, path: str | None = None) -> asyncio.Event:
        """The next call (to `path`, when given) gets no answer until the returned event is
        set: a hung connector."""
        release = asyncio.Event()
        self.held.append((path, release))
        return release

    def fail_next(self, status: int, retry_after: str | None = None, times: int = 1) -> None:
        headers = {"Retry-After": retry_after} if retry_after else {}
        self.failures.extend([(status, headers)] * times)

    # -- what tests look at --------------------------------------------------------------

    def channel_posts(self, channel: str) -> list[Message]:
        return [
            m
            for m in self.messages.values()
            if m.conversation == channel and m.root == m.id and not m.deleted
        ]

    def replies(self, channel: str, root: str) -> list[Message]:
        return [
            m
            for m in self.messages.values()
            if m.conversation == channel and m.root == root and m.id != root and not m.deleted
        ]

    def chat(self, teams_id: str) -> list[Message]:
        return [m for m in self.messages.values() if m.conversation == f"a:{teams_id}"]

    # -- the connector -----------------------------------------------------------------

    def _next_id(self) -> str:
        return str(next(self._ids))

    def _failure(self) -> web.Response | None:
        if not self.failures:
            return None
        status, headers = self.failures.popleft()
        return web.json_response(
            {"error": {"code": "Throttled", "message": "try later"}}, status=status, headers=headers
        )

    async def _record(self, request: web.Request) -> dict[str, Any] | None:
        body = await request.json() if request.can_read_body else None
        self.calls.append(Call(request.method, request.path, body, dict(request.headers)))
        if self.held and self.held[0][0] in (None, request.path):
            _, release = self.held.popleft()
            self.holding.set()
            await release.wait()
            self.holding.clear()
        return body

    async def _create(self, request: web.Request) -> web.Response:
        body = await self._record(request) or {}
        if failed := self._failure():
            return failed
        if body.get("isGroup"):
            channel = body["channelData"]["channel"]["id"]
            post_id = self._next_id()
            self.messages[post_id] = Message(post_id, channel, post_id, body["activity"])
            return web.json_response(
                {"id": f"{channel}{THREAD_MARKER}{post_id}", "activityId": post_id}, status=201
            )
        member = body["members"][0]["id"]
        return web.json_response({"id": f"a:{member}"}, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        body = await self._record(request) or {}
        if failed := self._failure():
            return failed
        conversation, _, root = request.match_info["cid"].partition(THREAD_MARKER)
        message_id = self._next_id()
        self.messages[message_id] = Message(message_id, conversation, root or message_id, body)
        return web.json_response({"id": message_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        body = await self._record(request) or {}
        if failed := self._failure():
            return failed
        message = self.messages.get(request.match_info["aid"])
        if message is None:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        message.activity = body
        return web.json_response({"id": message.id})

    async def _delete(self, request: web.Request) -> web.Response:
        await self._record(request)
        if failed := self._failure():
            return failed
        message = self.messages.get(request.match_info["aid"])
        if message is not None:
            message.deleted = True
        return web.Response(status=200)

    async def _member(self, request: web.Request) -> web.Response:
        await self._record(request)
        if failed := self._failure():
            return failed
        wanted = request.match_info["uid"]
        for member in self.members:
            if wanted in (member.teams_id, member.aad_id):
                return web.json_response(_account(member))
        return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)

    async def _paged_members(self, request: web.Request) -> web.Response:
        await self._record(request)
        if failed := self._failure():
            return failed
        size = int(request.query.get("pageSize", "200"))
        return web.json_response({"members": [_account(m) for m in self.members[:size]]})


def _account(member: Member) -> dict[str, Any]:
    return {
        "id": member.teams_id,
        "name": member.name,
        "aadObjectId": member.aad_id,
        "userRole": "user",
        "tenantId": "tenant-1",
    }
