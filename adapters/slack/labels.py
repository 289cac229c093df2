"""Posts labelled with their outbox row, so a retry can find what an earlier attempt posted.

Slack's message metadata travels with a message and comes back from conversations.history
and conversations.replies when asked for (`include_all_metadata`): a post whose answer was
lost (a 500 after Slack accepted it, or a dispatcher that died before writing it back) is
found there instead of being posted a second time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from storage.repositories import PostedMessage

EVENT_TYPE = "reflectbot_post"
# How far back to look for an earlier attempt: longer than the dispatcher keeps retrying
# (it gives an effect up 24 hours after it was queued).
LOOKBACK = timedelta(hours=26)
MESSAGES_SEARCHED = 200  # one page of history; the earlier attempt is among the latest posts


def label(outbox_id: int, part: int) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"outbox_id": outbox_id, "part": part}}


def _labelled_part(message: dict[str, Any], outbox_id: int) -> int | None:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    if metadata.get("event_type") != EVENT_TYPE or payload.get("outbox_id") != outbox_id:
        return None
    part = payload.get("part")
    return part if isinstance(part, int) else None


async def earlier_parts(
    client: AsyncWebClient, channel: str, thread: str | None, outbox_id: int, now: datetime
) -> dict[int, PostedMessage]:
    """The parts already in the channel (or thread) that carry this outbox row's label."""
    oldest = f"{(now - LOOKBACK).timestamp():.6f}"
    if thread:
        answer = await client.conversations_replies(
            channel=channel,
            ts=thread,
            oldest=oldest,
            limit=MESSAGES_SEARCHED,
            include_all_metadata=True,
        )
    else:
        answer = await client.conversations_history(
            channel=channel, oldest=oldest, limit=MESSAGES_SEARCHED, include_all_metadata=True
        )
    found: dict[int, PostedMessage] = {}
    for message in answer.get("messages") or []:
        part = _labelled_part(message, outbox_id)
        if part is not None:
            found[part] = PostedMessage(channel=channel, message_id=message["ts"], part=part)
    return found
