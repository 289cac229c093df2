"""The practice room's tables, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

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
    async with store.transaction() as uow:
        rooms = PracticeRooms(uow.db)
        await rooms.create("room-1", "Team", CHAIR, NOW)
        await rooms.open_form("room-1", CHAIR.id, "s-1", "first", NOW)
        await rooms.open_form("room-1", CHAIR.id, "s-1", "second", NOW)
        opened = await rooms.opened_form("room-1", CHAIR.id)
        assert opened is not None and opened.form == "second"
        await rooms.close_form("room-1", CHAIR.id)
        assert await rooms.opened_form("room-1", CHAIR.id) is None
