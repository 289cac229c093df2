"""Replies in a question's thread: message events as Answer and DeleteAnswer events."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from adapters.slack.deliverer import PLATFORM
from adapters.slack.listeners import Listener
from bot.runtime import Runtime
from bot.service import ThreadReply

log = logging.getLogger(__name__)

# Message subtypes that are a person's reply; others (joins, bot messages, …) are not answers.
REPLY_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def from_slack_text(text: str) -> str:
    """Slack sends &, < and > as entities; the engine keeps plain text (escaped again on output)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _is_reply(message: dict[str, Any]) -> bool:
    thread = message.get("thread_ts")
    from_person = message.get("user") and not message.get("bot_id")
    return bool(from_person and thread and thread != message.get("ts"))


@dataclass(frozen=True)
class ThreadMessage:
    """A person's reply, edit or deletion in some thread."""

    thread: str
    reply: ThreadReply


def _reply(message: dict[str, Any], deleted: bool = False) -> ThreadMessage:
    text = None if deleted else from_slack_text(message.get("text") or "")
    return ThreadMessage(message["thread_ts"], ThreadReply(message["user"], message["ts"], text))


def thread_message(event: dict[str, Any]) -> ThreadMessage | None:
    subtype = event.get("subtype")
    if subtype == "message_changed":
        message = event.get("message") or {}
        previous = event.get("previous_message") or {}
        if not _is_reply(message) or message.get("text") == previous.get("text"):
            return None  # not a reply, or a link preview rather than an edit
        return _reply(message)
    if subtype == "message_deleted":
        previous = event.get("previous_message") or {}
        return _reply(previous, deleted=True) if _is_reply(previous) else None
    if subtype not in REPLY_SUBTYPES or not _is_reply(event):
        return None
    return _reply(event)


def message_listener(runtime: Runtime) -> Listener:
    async def on_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        message = thread_message(event)
        if message is None:
            return
        await runtime.service.reply_in_thread(
            PLATFORM,
            event.get("channel", ""),
            message.thread,
            message.reply,
            event_id=body.get("event_id"),
        )

    return on_message
