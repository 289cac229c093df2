"""The practice room's tables, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from practice_kit import add_session

from storage.practice import MessageKind, PracticeRooms, RoomMessage, RoomPerson
from storage.unit_of_work import Store

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CHAIR = RoomPerson("p-chair", "Morgan", "Chair")
PRIYA = RoomPerson("p-priya", "Priya", "Social work")


def message(message_id: str, **fields: str | None) -> RoomMessage:
    return RoomMessage(
        message_id=message_id,
        session_id="s-1",
        kind=fields.pop("kind", None) or MessageKind.POST,
        body=fields.pop("body", None) or "{}",
        created_at=NOW,
        **fields,  # type: ignore[arg-type]
    )


async def test_rooms_people_and_what_each_person_sees(store: Store) -> None:
    await add_session(store, "s-1", "room-1", NOW)
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        await rooms.create("room-1", "Team", CHAIR, NOW)
        await rooms.add_person("room-1", PRIYA, NOW)
        await rooms.add_message("room-1", message("m-1", key="root"))
        await rooms.add_message(
            "room-1", message("m-2", kind=MessageKind.EPHEMERAL, visible_to=PRIYA.id)
        )
        await rooms.add_message(
            "room-1",
            message(
                "r-1", kind=MessageKind.REPLY, body="Hello", thread_id="m-1", author_id=PRIYA.id
            ),
        )
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        room = await rooms.get("room-1")
        assert room is not None and room.facilitator_id == CHAIR.id and room.session_id is None
        assert {p.id for p in await rooms.people("room-1")} == {CHAIR.id, PRIYA.id}
        assert await rooms.person("room-1", PRIYA.id) == PRIYA
        assert await rooms.person("room-other", PRIYA.id) is None
        assert [m.message_id for m in await rooms.visible_to("room-1", PRIYA.id)] == [
            "m-1",
            "m-2",
            "r-1",
        ]
        assert [m.message_id for m in await rooms.visible_to("room-1", CHAIR.id)] == ["m-1", "r-1"]
        assert await rooms.get("room-unknown") is None


async def test_every_change_raises_the_room_version(store: Store) -> None:
    await add_session(store, "s-1", "room-1", NOW)
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        await rooms.create("room-1", "Team", CHAIR, NOW)
        await rooms.add_message("room-1", message("m-1"))
    versions = []
    for change in ("replace", "session", "remove"):
        async with store.transaction() as uow:
            rooms = PracticeRooms(uow.db)
            before = await rooms.version("room-1")
            if change == "replace":
                assert await rooms.replace_body("room-1", ["m-1"], '{"title": "x"}') == 1
                assert (await rooms.message("room-1", "m-1")).rev == 1  # type: ignore[union-attr]
            elif change == "session":
                await rooms.set_session("room-1", "s-1")
            else:
                await rooms.remove_message("room-1", "m-1")
            after = await rooms.version("room-1")
            assert before is not None and after == before + 1
            versions.append(after)
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        assert await rooms.message("room-1", "m-1") is None
        assert (await rooms.get("room-1")).session_id == "s-1"  # type: ignore[union-attr]
        assert await rooms.replace_body("room-1", ["m-gone"], "{}") == 0


async def test_one_open_form_per_person(store: Store) -> None:
    await add_session(store, "s-1", "room-1", NOW)
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        await rooms.create("room-1", "Team", CHAIR, NOW)
        await rooms.open_form("room-1", CHAIR.id, "s-1", "first", NOW)
        await rooms.open_form("room-1", CHAIR.id, "s-1", "second", NOW)
        opened = await rooms.opened_form("room-1", CHAIR.id)
        assert opened is not None and opened.form == "second"
        await rooms.close_form("room-1", CHAIR.id)
        assert await rooms.opened_form("room-1", CHAIR.id) is None


async def test_retention_keeps_the_channel_and_drops_replies_and_private_messages(
    store: Store,
) -> None:
    await add_session(store, "s-1", "room-1", NOW, cancelled=True)
    await add_session(store, "s-2", "room-1", NOW)
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        await rooms.create("room-1", "Team", CHAIR, NOW)
        await rooms.add_message("room-1", message("m-q", key="q:one"))
        await rooms.add_message("room-1", message("m-record", key="record"))
        await rooms.add_message(
            "room-1", message("r-1", kind=MessageKind.REPLY, thread_id="m-q", author_id=PRIYA.id)
        )
        await rooms.add_message(
            "room-1", message("m-preview", kind=MessageKind.EPHEMERAL, visible_to=CHAIR.id)
        )
        await rooms.add_message(
            "room-1", message("m-dm", kind=MessageKind.DIRECT, visible_to=PRIYA.id)
        )
        other = RoomMessage("r-2", "s-2", MessageKind.REPLY, "Other session", NOW, thread_id="m-q")
        await rooms.add_message("room-1", other)
        before = await rooms.version("room-1")
        assert await rooms.forget_answers("s-1") == 3
        assert await rooms.version("room-1") == (before or 0) + 1
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        left = {m.message_id for m in await rooms.visible_to("room-1", CHAIR.id)}
        left |= {m.message_id for m in await rooms.visible_to("room-1", PRIYA.id)}
    assert left == {"m-q", "m-record", "r-2"}


async def test_erasing_a_session_erases_what_the_room_showed_of_it(store: Store) -> None:
    await add_session(store, "s-1", "room-1", NOW)
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        await rooms.create("room-1", "Team", CHAIR, NOW)
        await rooms.add_message("room-1", message("m-q", key="q:one"))
        await rooms.open_form("room-1", CHAIR.id, "s-1", "{}", NOW)
    async with store.transaction() as uow:
        assert await uow.sessions.delete("s-1")
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        assert await rooms.visible_to("room-1", CHAIR.id) == []
        assert await rooms.opened_form("room-1", CHAIR.id) is None
        assert await rooms.get("room-1") is not None  # the room itself stays
