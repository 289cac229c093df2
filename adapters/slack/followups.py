"""After a discussion: running it again with roles reassigned, and the facilitator's list of
agreed actions still open."""

from __future__ import annotations

import uuid

from slack_bolt.context.ack.async_ack import AsyncAck

from adapters.slack.deliverer import PLATFORM
from adapters.slack.interactions import Interactions
from adapters.slack.text import MENTION, escape
from dialogs.effects import Ephemeral
from dialogs.messages import open_actions
from dialogs.rerun import RerunRefused, rerun
from storage.repositories import Conversation

NOTHING_TO_RUN_AGAIN = "No discussion has been held in this channel yet, so none can be run again."
AGAIN_USAGE = "Use /reflect again, optionally with @new-facilitator and then @new-presenter."


async def run_again(
    interactions: Interactions, ack: AsyncAck, channel: str, user: str, rest: str
) -> None:
    people = MENTION.findall(rest)
    if len(people) > 2 or MENTION.sub(" ", rest).split():
        await ack(AGAIN_USAGE)
        return
    runtime = interactions.runtime
    async with runtime.store.transaction() as uow:
        latest = await uow.sessions.in_conversation(PLATFORM, channel, limit=1)
    if not latest:
        await ack(NOTHING_TO_RUN_AGAIN)
        return
    previous = latest[0]
    try:
        start = rerun(
            previous.state,
            session_id=uuid.uuid4().hex,
            actor=user,
            facilitator_id=people[0] if people else None,
            presenter_id=people[1] if len(people) > 1 else None,
        )
    except RerunRefused as refusal:
        await ack(escape(str(refusal)))
        return
    conversation = Conversation(PLATFORM, channel, previous.conversation_data)
    outcome = await runtime.service.start(conversation, start)
    await ack()
    for effect in outcome.immediate:
        if isinstance(effect, Ephemeral):
            await interactions.tell(channel, effect)


async def list_actions(interactions: Interactions, ack: AsyncAck, channel: str, user: str) -> None:
    async with interactions.runtime.store.transaction() as uow:
        sessions = await uow.sessions.in_conversation(PLATFORM, channel)
    await interactions.answer(ack, channel, user, open_actions([s.state for s in sessions], user))
