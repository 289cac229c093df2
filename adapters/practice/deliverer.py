"""Carries out engine effects by writing them into the practice room's channel."""

from __future__ import annotations

import logging
from dataclasses import replace

from adapters.practice.identity import new_id
from adapters.practice.signals import RoomSignals
from bot.clock import Clock
from bot.dispatcher import Delivery, DeliveryFailed
from dialogs.effects import Destination, DirectMessage, Ephemeral, Post, Update
from dialogs.learning import LearningRoutes
from storage.practice import MessageKind, PracticeRooms, RoomMessage
from storage.repositories import Conversation, PostedMessage
from storage.unit_of_work import Store

log = logging.getLogger(__name__)

# A practice room has no other channels: it shows each destination in its own place, so every
# audience's learning themes have somewhere to go (the room, tagged as the learning channel).
IN_THE_ROOM = LearningRoutes(default="the practice room")
POST_KINDS = {
    Destination.SESSION: MessageKind.POST,
    Destination.LEARNING: MessageKind.LEARNING,
    Destination.SCREENING: MessageKind.SCREENING,
}


class PracticeDeliverer:
    def __init__(self, store: Store, clock: Clock, signals: RoomSignals) -> None:
        self.store = store
        self.clock = clock
        self.signals = signals

    async def retract(self, conversation: Conversation, message: PostedMessage) -> None:
        """Nothing to do: what a room showed of a session goes with the session's rows."""

    async def deliver(self, delivery: Delivery) -> list[PostedMessage]:
        effect = delivery.effect
        room_id = delivery.conversation.key
        thread = delivery.target[0].message_id if delivery.target else None
        message = RoomMessage(
            message_id=new_id("m"),
            session_id=delivery.session_id,
            kind=MessageKind.POST,
            body="",
            created_at=self.clock.now(),
        )
        posted: list[PostedMessage] = []
        async with self.store.transaction() as uow:
            rooms = PracticeRooms(uow.db)
            if await rooms.get(room_id) is None:
                raise DeliveryFailed("the practice room no longer exists")
            if isinstance(effect, Post):
                kind = POST_KINDS[effect.destination]
                body = effect.content.model_dump_json()
                await rooms.add_message(
                    room_id,
                    replace(message, kind=kind, body=body, key=effect.key, thread_id=thread),
                )
                posted = [PostedMessage(channel=room_id, message_id=message.message_id)]
            elif isinstance(effect, Update):
                ids = [part.message_id for part in delivery.target]
                if not await rooms.replace_body(room_id, ids, effect.content.model_dump_json()):
                    raise DeliveryFailed("the message to update is not in the room")
                posted = list(delivery.target)
            elif isinstance(effect, Ephemeral):
                body = effect.content.model_dump_json()
                await rooms.add_message(
                    room_id,
                    replace(
                        message,
                        kind=MessageKind.EPHEMERAL,
                        body=body,
                        thread_id=thread,
                        visible_to=effect.user_id,
                    ),
                )
            elif isinstance(effect, DirectMessage):
                body = effect.content.model_dump_json()
                await rooms.add_message(
                    room_id,
                    replace(message, kind=MessageKind.DIRECT, body=body, visible_to=effect.user_id),
                )
            else:
                raise DeliveryFailed(f"a {effect.type} effect is not delivered through the outbox")
        self.signals.notify(room_id)
        log.debug("practice room %s: delivered %s", room_id, effect.type)
        return posted
