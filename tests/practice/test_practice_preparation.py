"""The practice room: the facilitator sends the preparation pack from the root message; each
participant sees theirs privately, with every question of the model."""

from __future__ import annotations

from collections.abc import Callable

from practice_kit import Visitor, session_state, start_session

from bot.runtime import Runtime

Make = Callable[[], Visitor]


async def test_each_participant_sees_their_pack_privately(runtime: Runtime, visitors: Make) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors, model="moray-rcd")
    assert (await chair.page()).buttons() == [
        "Begin",
        "Send the preparation pack",
        "Choose a recorder",
    ]
    assert (await priya.page()).buttons() == ["I agree"]
    await chair.press("Send the preparation pack")
    await runtime.dispatcher.drain()
    model = (await session_state(runtime, room_id)).model
    for person in (priya, dan):
        text = (await person.page()).text
        assert "Preparing for the reflective case discussion" in text
        assert all(q.text in text for stage in model.stages for q in stage.questions)
        assert "Genogram" in text
    chair_page = (await chair.page()).text
    assert "Preparing for the reflective case discussion" not in chair_page
    assert "sent privately to each of the 2 participants" in chair_page
