"""Erasing a session on request: its rows go (the audit log keeps that it was erased), and
the bot's own posts of it are taken back from the channel where the platform allows."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.dispatcher import DeliveryFailed, RetryLater
from bot.runtime import Runtime

log = logging.getLogger(__name__)

# What no bot can take back: people's own replies are theirs to delete.
THEIR_REPLIES = (
    "Replies people wrote in the session's threads stay: only their authors (or an "
    "administrator of the workspace or team) can delete them."
)


@dataclass
class Erasure:
    retracted: int = 0
    left: list[str] = field(default_factory=list)  # what could not be taken back, and why


async def erase_session(runtime: Runtime, session_id: str, actor: str) -> Erasure | None:
    """None when there is no such session."""
    erased = await runtime.service.erase(session_id, actor)
    if erased is None:
        return None
    erasure = Erasure()
    if not erased.posts:
        return erasure
    platform = erased.conversation.platform
    deliverer = runtime.deliverers.get(platform)
    if deliverer is None:
        erasure.left.append(
            f"{len(erased.posts)} post(s) in {platform} stay: {platform} is not configured "
            "here, so they could not be deleted. Delete them in the channel."
        )
        return erasure
    for post in erased.posts:
        try:
            await deliverer.retract(erased.conversation, post)
        except (DeliveryFailed, RetryLater) as error:
            erasure.left.append(f"the post {post.message_id} in {post.channel} stays: {error}")
            continue
        erasure.retracted += 1
    if platform != "practice":
        erasure.left.append(THEIR_REPLIES)
    async with runtime.store.transaction() as uow:
        await uow.audit.add(
            session_id,
            f"erased: {erasure.retracted} of {len(erased.posts)} posts taken back",
            actor,
            runtime.clock.now(),
        )
    log.info("session %s erased: %d post(s) taken back", session_id, erasure.retracted)
    return erasure
