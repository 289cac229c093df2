"""Who writes the record and who confirms it, in the practice room: a recorder chosen by the
facilitator writes the key points and the record; participants confirm the draft privately
where the model asks (Morrison 4x4x4); the facilitator approves."""

from __future__ import annotations

import re
from collections.abc import Callable

from practice_kit import CHANNEL_RECORD, Visitor, begin, session_state, start_session

from bot.runtime import Runtime
from dialogs.state import Phase


async def test_a_recorder_writes_the_record_and_participants_confirm_it_privately(
    runtime: Runtime, visitors: Callable[[], Visitor]
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors, model="morrison-4x4x4")
    state = await session_state(runtime, room_id)
    ids = {p.name: p.user_id for p in state.participants}
    priya_id = ids["Priya"]

    form = await chair.press("Choose a recorder")
    assert form.url.endswith("/form") and "Recorder" in form.text
    saved = await chair.post(
        chair.base + "/form", {"token": form.token(), "form": "recorder", "recorder": priya_id}
    )
    assert saved.status == 200, saved.text
    await runtime.dispatcher.drain()
    assert (await session_state(runtime, room_id)).recorder == priya_id
    assert "asked you to record this discussion" in (await priya.page()).text

    await begin(runtime, chair, priya, dan)
    await chair.confirm(await chair.press("End discussion"))
    await runtime.dispatcher.drain()
    # The recorder, not only the facilitator, has the buttons to write it up.
    assert "Write key points" in (await priya.page()).buttons()
    assert "Write key points" not in (await dan.page()).buttons()
    review = await priya.press("Review the draft record")
    saved = await priya.post(
        priya.base + "/form",
        {"token": review.token(), "form": "record", "actions_agreed": "Share call-outs weekly."},
    )
    assert saved.status == 200, saved.text
    await runtime.dispatcher.drain()
    assert "Approve and publish" not in (await priya.page()).buttons()

    await chair.press("Ask participants to confirm")
    await runtime.dispatcher.drain()
    for person in (priya, dan):
        page = await person.page()
        assert "Please confirm the draft" in page.text and "Share call-outs weekly." in page.text
        assert "I confirm this record" in page.buttons()
    await dan.press("I confirm this record")
    await runtime.dispatcher.drain()
    state = await session_state(runtime, room_id)
    assert state.record is not None
    assert [c.user_id for c in state.record.confirmations] == [ids["Dan"]]
    assert "Confirmed the draft: Dan." in (await chair.page()).text

    await chair.press("Approve and publish")
    await runtime.dispatcher.drain()
    assert (await session_state(runtime, room_id)).phase is Phase.PUBLISHED
    (record,) = (await dan.page()).texts(CHANNEL_RECORD)
    assert "Confirmed by: Dan (1 of 2 participants)." in record
    assert "recorder Priya" in record
    _, _, markdown = await chair.download("/record/md")
    assert "Confirmed by: Dan (1 of 2 participants)." in markdown.decode()
    assert re.search(r"\| Priya \| Social work \| [^|]*, recorder \|", markdown.decode())


async def test_presses_on_private_messages_are_answered_in_their_place(
    runtime: Runtime, visitors: Callable[[], Visitor]
) -> None:
    """The facilitator's preview becomes the new one when they ask the participants; a
    participant's copy of the draft says they confirmed it, without its button: no second
    message beside the one pressed."""
    chair, priya, dan, room_id = await start_session(runtime, visitors, model="morrison-4x4x4")
    await begin(runtime, chair, priya, dan)
    await chair.confirm(await chair.press("End discussion"))
    await runtime.dispatcher.drain()
    review = await chair.press("Review the draft record")
    saved = await chair.post(chair.base + "/form", {"token": review.token(), "form": "record"})
    assert saved.status == 200, saved.text
    await runtime.dispatcher.drain()
    assert (await chair.page()).text.count("Only you can see this preview") == 1

    await chair.press("Ask participants to confirm")
    await runtime.dispatcher.drain()
    page = await chair.page()
    assert page.text.count("Only you can see this preview") == 1, "one preview, replaced"
    assert "sent privately to the 2 participants" in page.text
    assert "Approve and publish" in page.buttons()
    assert "Ask participants to confirm" not in page.buttons()

    await dan.press("I confirm this record")
    await runtime.dispatcher.drain()
    page = await dan.page()
    assert "You confirmed this draft at" in page.text
    assert "Please confirm the draft" not in page.text, "the copy pressed, replaced"
    assert "I confirm this record" not in page.buttons()
    assert "your confirmation of the draft record is recorded" not in page.text
    state = await session_state(runtime, room_id)
    assert state.record is not None and len(state.record.confirmations) == 1
