"""After a session in the practice room: running it again, open actions, record downloads."""

from __future__ import annotations

from collections.abc import Callable

from practice_kit import Visitor, publish, session_phase, session_state, start_session

from bot.runtime import Runtime
from dialogs.messages import action_field
from dialogs.state import Phase

Make = Callable[[], Visitor]


def person_id(visitor: Visitor) -> str:
    return visitor.base.rsplit("/", 1)[-1]


async def exports(runtime: Runtime) -> list[tuple[str, str]]:
    async with runtime.store.transaction() as uow:
        entries = await uow.audit.entries()
    return [(e.action, e.actor) for e in entries if e.action.startswith("exported")]


async def test_the_facilitator_downloads_the_published_record_and_each_is_audited(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    await publish(runtime, chair, priya, dan)
    links = (await chair.page()).texts("//div[@id='after']/a")
    assert links == [
        "Run this session again",
        "Download the record (Markdown)",
        "Download the record (Word)",
        "Download the record (PDF)",
    ]
    status, headers, body = await chair.download("/record/md")
    assert status == 200 and headers["Content-Type"].startswith("text/markdown")
    assert headers["Content-Disposition"] == 'attachment; filename="record-RCD-0417.md"'
    assert "RCD-0417" in body.decode()
    _, headers, body = await chair.download("/record/docx")
    assert body.startswith(b"PK") and "wordprocessingml" in headers["Content-Type"]
    _, headers, body = await chair.download("/record/pdf")
    assert body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    me = person_id(chair)
    assert await exports(runtime) == [
        ("exported (md)", me),
        ("exported (docx)", me),
        ("exported (pdf)", me),
    ]


async def test_only_the_facilitator_downloads_and_only_a_published_record(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    early = await chair.get(chair.base + "/record/md")
    assert early.status == 409 and "No session has ended here" in early.text
    await publish(runtime, chair, priya, dan)
    assert (await priya.page()).texts("//div[@id='after']") == []
    refused = await priya.get(priya.base + "/record/pdf")
    assert refused.status == 403 and "Only the facilitator" in refused.text
    stranger = await visitors().get(chair.base + "/record/pdf")
    assert stranger.status == 403 and "Please join the room first" in stranger.text
    unknown = await chair.get(chair.base + "/record/exe")
    assert unknown.status == 404 and "Markdown, Word or PDF" in unknown.text
    assert await exports(runtime) == []
    assert await session_phase(runtime, room_id) is Phase.PUBLISHED


async def test_the_facilitator_runs_the_session_again_with_roles_reassigned(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors)
    first = await session_state(runtime, room_id)
    refused = await chair.get(chair.base + "/again")
    assert refused.status == 409
    assert refused.texts("//p[@class='lead']") == [
        "You can run it again once this room's session has ended."
    ]
    await publish(runtime, chair, priya, dan)
    assert (await priya.get(priya.base + "/again")).status == 403
    form = await chair.page("/again")
    choose = {"token": form.token(), "facilitator": person_id(priya)}
    same = await chair.post(chair.base + "/again", {**choose, "presenter": person_id(priya)})
    assert same.status == 400
    assert "The new presenter must be one of the participants, not the facilitator." in same.text
    assert (await session_state(runtime, room_id)).id == first.id
    again = await chair.post(chair.base + "/again", {**choose, "presenter": person_id(dan)})
    assert again.url == chair.base
    await runtime.dispatcher.drain()
    second = await session_state(runtime, room_id)
    assert second.id != first.id and second.phase is Phase.GROUND_RULES
    assert second.facilitator.user_id == person_id(priya)
    assert second.presenter is not None and second.presenter.user_id == person_id(dan)
    assert second.case_reference == first.case_reference
    assert {p.user_id for p in second.participants} == {person_id(chair), person_id(dan)}
    assert (await priya.page()).buttons() == [
        "Begin",
        "Send the preparation pack",
        "Choose a recorder",
    ]


async def test_open_actions_list_the_sessions_one_chaired_and_the_actions_one_owns(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    await publish(
        runtime,
        chair,
        priya,
        dan,
        record={
            action_field(1, "text"): "Share the <b>chronology</b> & @here",
            action_field(1, "owner"): person_id(priya),
            action_field(1, "review"): "2026-04-01",
        },
    )
    mine = await chair.page("/actions")
    listed = " ".join(mine.texts("//div[@id='content']"))
    assert "Share the <b>chronology</b> & @here" in listed and "Priya" in listed
    assert not mine.tree.xpath("//div[@id='content']//b")
    owned = " ".join((await priya.page("/actions")).texts("//div[@id='content']"))
    assert "Share the <b>chronology</b> & @here" in owned, "the owner sees her open action"
    assert "done" not in owned
    neither = " ".join((await dan.page("/actions")).texts("//div[@id='content']"))
    assert "No agreed action of yours is open here." in neither
    assert "chronology" not in neither
