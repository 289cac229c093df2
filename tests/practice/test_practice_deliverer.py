"""The practice deliverer writes effects into the room's channel, as a platform would."""

from __future__ import annotations

import asyncio

import pytest
from practice_kit import add_session

from adapters.practice.deliverer import PracticeDeliverer
from adapters.practice.signals import RoomSignals
from bot.clock import ManualClock
from bot.dispatcher import Delivery, DeliveryFailed
from dialogs.content import Content, Form, FormId
from dialogs.effects import DirectMessage, Ephemeral, OpenForm, Post, Update
from storage.practice import MessageKind, PracticeRooms, RoomPerson
from storage.repositories import Conversation, PostedMessage
from storage.unit_of_work import Store

ROOM = Conversation("practice", "room-1")
HELLO = Content(title="Hello")


@pytest.fixture
async def deliverer(sqlite_store: Store, clock: ManualClock) -> PracticeDeliverer:
    await add_session(sqlite_store, "s-1", "room-1", clock.now())
    async with sqlite_store.transaction() as uow:
        await PracticeRooms(uow.db).create(
            "room-1", "Team", RoomPerson("p-1", "Morgan", ""), clock.now()
        )
    return PracticeDeliverer(sqlite_store, clock, RoomSignals())


async def shown(
    deliverer: PracticeDeliverer, person: str = "p-1"
) -> list[tuple[str, str | None, str | None]]:
    async with deliverer.store.transaction() as uow:
        messages = await PracticeRooms(uow.db).visible_to("room-1", person)
    return [(m.kind, m.thread_id, Content.model_validate_json(m.body).title) for m in messages]


async def test_posts_updates_and_private_messages_land_in_the_room(
    deliverer: PracticeDeliverer,
) -> None:
    posted = await deliverer.deliver(Delivery("s-1", ROOM, Post(key="q:one", content=HELLO)))
    assert len(posted) == 1 and posted[0].channel == "room-1"
    updated = await deliverer.deliver(
        Delivery("s-1", ROOM, Update(key="q:one", content=Content(title="Changed")), tuple(posted))
    )
    assert updated == posted
    private = Ephemeral(user_id="p-1", content=Content(title="Just you"), thread="q:one")
    assert await deliverer.deliver(Delivery("s-1", ROOM, private, tuple(posted))) == []
    direct = DirectMessage(user_id="p-2", content=Content(title="Reminder"))
    await deliverer.deliver(Delivery("s-1", ROOM, direct))
    assert await shown(deliverer) == [
        (MessageKind.POST, None, "Changed"),
        (MessageKind.EPHEMERAL, posted[0].message_id, "Just you"),
    ]
    assert await shown(deliverer, "p-2") == [
        (MessageKind.POST, None, "Changed"),
        (MessageKind.DIRECT, None, "Reminder"),
    ]


async def test_a_lazy_update_is_shown_at_once(deliverer: PracticeDeliverer) -> None:
    """A room costs no platform calls: a question closing is redrawn in place, as before."""
    posted = await deliverer.deliver(Delivery("s-1", ROOM, Post(key="q:one", content=HELLO)))
    closed = Update(key="q:one", content=Content(title="Closed"), lazy=True)
    assert await deliverer.deliver(Delivery("s-1", ROOM, closed, tuple(posted))) == posted
    assert await shown(deliverer) == [(MessageKind.POST, None, "Closed")]


async def test_what_cannot_be_delivered_fails_for_good(deliverer: PracticeDeliverer) -> None:
    missing = (PostedMessage(channel="room-1", message_id="m-gone"),)
    with pytest.raises(DeliveryFailed):
        await deliverer.deliver(Delivery("s-1", ROOM, Update(key="root", content=HELLO), missing))
    with pytest.raises(DeliveryFailed):
        await deliverer.deliver(
            Delivery("s-1", Conversation("practice", "room-gone"), Post(key="root", content=HELLO))
        )
    form = OpenForm(user_id="p-1", form=Form(id=FormId.KEY_POINTS, title="Key points", fields=()))
    with pytest.raises(DeliveryFailed):
        await deliverer.deliver(Delivery("s-1", ROOM, form))
    assert await shown(deliverer) == []


async def test_a_delivery_wakes_the_rooms_live_streams(deliverer: PracticeDeliverer) -> None:
    waiting = asyncio.create_task(deliverer.signals.wait("room-1", timeout=30))
    await asyncio.sleep(0)  # let the stream start waiting
    await deliverer.deliver(Delivery("s-1", ROOM, Post(key="root", content=HELLO)))
    await asyncio.wait_for(waiting, timeout=5)
