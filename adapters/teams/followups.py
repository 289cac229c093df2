"""What comes after a session in a channel: running it again, the open agreed actions, and the
published record as files. Everything here answers one person, in their 1:1 chat."""

from __future__ import annotations

import logging
import uuid

from microsoft_agents.hosting.core import TurnContext

from adapters.teams.deliverer import TeamsDeliverer
from adapters.teams.exports import DOWNLOADS, Exports, links_card
from adapters.teams.members import mentioned, turn_client
from adapters.teams.place import PLATFORM, ChannelPlace
from bot.runtime import Runtime
from dialogs import messages
from dialogs.content import Content
from dialogs.effects import Ephemeral
from dialogs.rerun import RerunRefused, rerun
from dialogs.state import Phase
from storage.repositories import StoredSession

log = logging.getLogger(__name__)

NO_SESSION = "No session has been held in this channel yet."
NO_RECORD = "No record has been published in this channel yet."


class Followups:
    def __init__(self, runtime: Runtime, deliverer: TeamsDeliverer, exports: Exports) -> None:
        self.runtime = runtime
        self.deliverer = deliverer
        self.exports = exports

    async def again(self, turn_context: TurnContext, actor: str, place: ChannelPlace) -> None:
        """`@reflectbot again [@facilitator] [@presenter]`: the channel's last session, again."""
        sessions = await self._sessions(place, limit=1)
        if not sessions:
            await self._tell(place, actor, messages.explanation(NO_SESSION))
            return
        people = await mentioned(turn_client(turn_context), place.team_id, turn_context.activity)
        chosen = [person.user_id for person in people]
        try:
            start = rerun(
                sessions[0].state,
                session_id=uuid.uuid4().hex,
                actor=actor,
                facilitator_id=chosen[0] if chosen else None,
                presenter_id=chosen[1] if len(chosen) > 1 else None,
            )
        except RerunRefused as refusal:
            await self._tell(place, actor, messages.explanation(str(refusal)))
            return
        outcome = await self.runtime.service.start(
            place.conversation(), start, event_id=turn_context.activity.id
        )
        for effect in outcome.immediate:
            if isinstance(effect, Ephemeral):
                await self._tell(place, effect.user_id, effect.content)

    async def actions(self, actor: str, place: ChannelPlace) -> None:
        """`@reflectbot actions`: the open agreed actions the person follows: all those of the
        sessions they chaired, and their own in the others."""
        states = [stored.state for stored in await self._sessions(place)]
        await self._tell(place, actor, messages.open_actions(states, actor))

    async def export(self, actor: str, place: ChannelPlace) -> None:
        """`@reflectbot export`: private links to the last published record, for its facilitator."""
        published = next(
            (s for s in await self._sessions(place) if s.state.phase is Phase.PUBLISHED), None
        )
        if published is None:
            await self._tell(place, actor, messages.explanation(NO_RECORD))
            return
        state = published.state
        if state.facilitator.user_id != actor:
            only = f"Only {state.facilitator.name}, who facilitated it, can export the record."
            await self._tell(place, actor, messages.explanation(only))
            return
        urls = {kind: self.exports.url(published.id, kind, actor) for kind in DOWNLOADS}
        log.info("session %s: export links sent to its facilitator", published.id)
        await self.deliverer.tell_cards(
            place, actor, [links_card(state, urls)], "The record as Word or PDF"
        )

    async def _sessions(self, place: ChannelPlace, limit: int | None = None) -> list[StoredSession]:
        async with self.runtime.store.transaction() as uow:
            return await uow.sessions.in_conversation(PLATFORM, place.channel_id, limit)

    async def _tell(self, place: ChannelPlace, user_id: str, content: Content) -> None:
        await self.deliverer.tell(place, user_id, content, "")
