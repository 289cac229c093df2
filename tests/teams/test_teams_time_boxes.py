"""Timed steps on Teams (the Tees "Space to Think" procedure): an early Next is confirmed on a
card in the facilitator's 1:1 chat, and submitting that card moves on."""

from __future__ import annotations

from datetime import timedelta

from teams_activities import FACILITATOR, PRESENTER
from teams_driver import TeamsChannel

from bot.clock import ManualClock
from dialogs.state import QuestionStatus


async def test_an_early_next_is_confirmed_on_a_card_in_the_facilitators_chat(
    teams: TeamsChannel, clock: ManualClock
) -> None:
    session_id = await teams.start("space-to-think")
    await teams.begin(session_id)
    offload = await teams.post_of(session_id, "q:overview")
    await teams.send(teams.acts.reply(PRESENTER, offload.id, "An outline of the situation."))
    assert (await teams.state(session_id)).questions["overview"].status is QuestionStatus.OPEN

    clock.advance(timedelta(minutes=3))
    chat_before = len(teams.connector.chat(FACILITATOR.teams_id))
    await teams.press(FACILITATOR, await teams.post_of(session_id, "q:overview"), "next")
    (asked,) = teams.connector.chat(FACILITATOR.teams_id)[chat_before:]
    assert "has run 3 of 5–10 minutes: its minimum is 5 minutes" in asked.text()
    assert (await teams.state(session_id)).stage_index == 0

    reply = await teams.send(
        teams.acts.personal_submit(FACILITATOR, asked.id, asked.button("move_on_early"))
    )
    assert reply.status in (200, 202)
    state = await teams.state(session_id)
    assert state.stage is not None and state.stage.id == "checking_facts"
    facts = await teams.post_of(session_id, "q:facts_summary")
    assert "Checking of facts: 0 of 3–6 minutes · session 3 of 30–35 minutes" in facts.text()
