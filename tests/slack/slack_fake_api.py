"""A local stand-in for Slack's Web API: records every call and answers as Slack does."""

from __future__ import annotations

import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.clock import Clock

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0001"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: datetime
    answer: dict[str, Any] = field(default_factory=dict)
    # The caller's address and port: calls on one kept connection share it.
    connection: str = ""

    def texts(self) -> list[str]:
        """Every text in the call's blocks, in order (sections, context, header, buttons)."""
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("text"), str):
                    found.append(node["text"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.args.get("blocks") or [])
        return found

    def buttons(self) -> list[dict[str, Any]]:
        return [
            element
            for block in self.args.get("blocks") or []
            if block.get("type") == "actions"
            for element in block["elements"]
        ]


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    after: int  # calls of the method still to let through first
    # Carry the call out before failing, as when Slack posts and its answer is then lost.
    performed: bool = False


@dataclass
class Message:
    """A message as Slack keeps it in a channel's history."""

    channel: str
    ts: str
    at: datetime
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None

    def shown(self, with_metadata: bool) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "ts": self.ts,
            "text": self.text,
            "blocks": self.blocks,
        }
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        if with_metadata and self.metadata:
            message["metadata"] = self.metadata
        return message


# Slack refuses a message of more than 50 blocks, and one whose blocks hold more than about
# 13,200 characters of text in all (msg_blocks_too_long, a limit Slack enforces but does not
# document: slackapi/bolt-js#2509).
MAX_BLOCKS = 50
MAX_BLOCKS_TEXT = 13_000


def _block_text(node: Any) -> int:
    if isinstance(node, dict):
        own = len(node["text"]) if isinstance(node.get("text"), str) else 0
        return own + sum(_block_text(v) for k, v in node.items() if k != "text" or own == 0)
    if isinstance(node, list):
        return sum(_block_text(v) for v in node)
    return 0


def _refused_blocks(method: str, args: dict[str, Any]) -> dict[str, Any] | None:
    if method not in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        return None
    blocks = args.get("blocks") or []
    if len(blocks) > MAX_BLOCKS:
        return {"ok": False, "error": "invalid_blocks"}
    if _block_text(blocks) > MAX_BLOCKS_TEXT:
        return {"ok": False, "error": "msg_blocks_too_long"}
    return None


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


class FakeSlack:
    """Start with `await fake.start()`; its `url` goes into SLACK_API_URL."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock  # the bot's clock, to see how calls are paced
        self.calls: list[Call] = []  # since the last clear()
        self.history: list[Call] = []  # every call, with what was sent to response_urls
        self.users: dict[str, dict[str, Any]] = {}
        self.channels_without_bot: set[str] = set()
        self.failures: dict[str, deque[Failure]] = {}
        self.messages: list[Message] = []  # the bot's posts, oldest first, until deleted
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes uploaded for it
        # What was sent to presses' response_urls (not Web API calls: not in `calls`).
        self.responses: list[Call] = []
        self._ts = itertools.count(1)
        app = web.Application()
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/respond/{channel}/{ts}", self._respond)
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_get("/api/{method}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        await self.server.close()

    @property
    def url(self) -> str:
        return str(self.server.make_url("/api/"))

    def add_user(self, user_id: str, real_name: str, title: str = "") -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": real_name.lower().replace(" ", "."),
            "profile": {
                "real_name": real_name,
                "display_name": real_name.split()[0],
                "title": title,
            },
        }

    def fail(
        self,
        method: str,
        status: int,
        error: str,
        headers: dict[str, str] | None = None,
        after: int = 0,
    ) -> None:
        """Answer a later call of `method` with this failure: the next one, or the one after
        `after` successful calls."""
        failure = Failure(status, {"ok": False, "error": error}, headers or {}, after)
        self.failures.setdefault(method, deque()).append(failure)

    def fail_after_doing(self, method: str, status: int, error: str, after: int = 0) -> None:
        """Carry out a later call of `method` (the next, or the one after `after` successful
        calls), then answer it with this failure."""
        failure = Failure(status, {"ok": False, "error": error}, {}, after, performed=True)
        self.failures.setdefault(method, deque()).append(failure)

    def response_url(self, channel: str, ts: str | None) -> str:
        """The response_url Slack gives a press on message `ts` of `channel` (None: an
        ephemeral message), on the loopback."""
        return str(self.server.make_url(f"/respond/{channel}/{ts or 'ephemeral'}"))

    def in_channel(self, channel: str) -> list[Message]:
        return [m for m in self.messages if m.channel == channel]

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def actions(self) -> list[Call]:
        """Calls that act on the workspace (not Bolt's own auth.test)."""
        return [call for call in self.calls if call.method != "auth.test"]

    def clear(self) -> None:
        self.calls.clear()

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                text = str(value)
                args[key] = json.loads(text) if key in ("blocks", "view") else text
        return args

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(method, await self._arguments(request), self.clock.now())
        call.connection = str(
            request.transport.get_extra_info("peername") if request.transport else ""
        )
        self.calls.append(call)
        self.history.append(call)
        pending = self.failures.get(method)
        if pending and pending[0].after:
            pending[0].after -= 1
        elif pending:
            failure = pending.popleft()
            if failure.performed:
                self._answer(method, call.args)
            call.answer = failure.body
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        refusal = _refused_blocks(method, call.args)
        call.answer = refusal or self._answer(method, call.args)
        return web.json_response(call.answer)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "team_id": TEAM,
                "user": "reflectbot",
            }
        if method == "chat.postMessage":
            if args["channel"] in self.channels_without_bot:
                return {"ok": False, "error": "not_in_channel"}
            ts = f"1700000000.{next(self._ts):06d}"
            message = Message(
                channel=args["channel"],
                ts=ts,
                at=self.clock.now(),
                text=args.get("text", ""),
                blocks=args.get("blocks") or [],
                thread_ts=args.get("thread_ts"),
                metadata=args.get("metadata"),
            )
            self.messages.append(message)
            return ok | {"channel": args["channel"], "ts": ts, "message": message.shown(True)}
        if method == "chat.delete":
            self.messages = [
                m for m in self.messages if (m.channel, m.ts) != (args["channel"], args["ts"])
            ]
            return ok | {"channel": args["channel"], "ts": args["ts"]}
        if method in ("conversations.history", "conversations.replies"):
            return ok | {"messages": self._read(method, args), "has_more": False}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            upload_url = str(self.server.make_url(f"/upload/{file_id}"))
            return ok | {"upload_url": upload_url, "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = args["files"] if isinstance(args["files"], list) else json.loads(args["files"])
            return ok | {"files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        if method == "chat.update":
            return ok | {"channel": args["channel"], "ts": args["ts"]}
        if method == "chat.postEphemeral":
            return ok | {"message_ts": f"1700000001.{next(self._ts):06d}"}
        if method == "conversations.info":
            member = args["channel"] not in self.channels_without_bot
            return ok | {
                "channel": {"id": args["channel"], "is_channel": True, "is_member": member}
            }
        if method == "conversations.open":
            return ok | {"channel": {"id": f"D{args['users']}"}}
        if method == "users.info":
            user = self.users.get(args["user"])
            return ok | {"user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "views.update":
            return ok | {"view": {"id": args["view_id"], **args["view"]}}
        if method == "views.open":
            return ok | {"view": {"id": f"V{next(self._ts)}", **args["view"]}}
        return ok

    def _read(self, method: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """A channel's messages (newest first) or a thread's (its parent first), like Slack:
        from `oldest` on, at most `limit`, with metadata only when asked for."""
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        with_metadata = _flag(args.get("include_all_metadata"))
        found = [m for m in self.in_channel(args["channel"]) if m.at.timestamp() >= oldest]
        if method == "conversations.replies":
            found = [m for m in found if args["ts"] in (m.ts, m.thread_ts)]
        else:
            found = [m for m in reversed(found) if m.thread_ts in (None, m.ts)]
        return [m.shown(with_metadata) for m in found[:limit]]

    async def _respond(self, request: web.Request) -> web.Response:
        """A press's response_url: with replace_original, the pressed message is replaced (a
        posted one in `messages`; an ephemeral one is not kept)."""
        args = await request.json()
        channel, ts = request.match_info["channel"], request.match_info["ts"]
        call = Call("response_url", args | {"channel": channel, "ts": ts}, self.clock.now())
        self.responses.append(call)
        self.history.append(call)
        pending = self.failures.get("response_url")
        if pending:
            failure = pending.popleft()
            call.answer = failure.body
            return web.Response(status=failure.status, text=str(failure.body.get("error")))
        if args.get("replace_original"):
            for message in self.messages:
                if (message.channel, message.ts) == (channel, ts):
                    message.blocks, message.text = args.get("blocks") or [], args.get("text", "")
        call.answer = {"ok": True}
        return web.json_response(call.answer)

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - uploaded")
