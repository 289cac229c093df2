"""The practice room is its own learning channel: a Moray session's learning themes show in the
room, tagged as posted in the learning channel, and nobody is told they were not sent."""

from __future__ import annotations

from collections.abc import Callable

from practice_kit import Visitor, publish, session_state, start_session

from bot.runtime import Runtime

Make = Callable[[], Visitor]
THEMES = "Agencies read neglect differently."


async def test_moray_learning_themes_show_in_the_room(runtime: Runtime, visitors: Make) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors, model="moray-rcd")
    await publish(runtime, chair, priya, dan, record={"learning_themes": THEMES})
    page = await chair.page()
    assert "As posted in the learning channel" in page.text
    assert "Learning themes for the CPC Lead Officer" in page.text and THEMES in page.text
    assert "were not sent" not in page.text
    state = await session_state(runtime, room_id)
    assert state.learning is not None and not state.learning_undelivered
