"""Timed steps on Slack (the Tees "Space to Think" procedure): the step stays open past the first
reply, an early Next is confirmed with a private button (a signed block_actions), and the step's
message shows its minutes as they go."""

from __future__ import annotations

from datetime import timedelta

from slack_driver import SlackSession
from slack_requests import FACILITATOR, PRESENTER

from bot.clock import ManualClock
from dialogs.content import ActionId
from dialogs.state import QuestionStatus


async def stage_id(session: SlackSession) -> str:
    stage = (await session.state()).stage
    assert stage is not None
    return stage.id


async def test_an_early_next_is_confirmed_with_a_private_button(
    session: SlackSession, clock: ManualClock
) -> None:
    await session.begin("space-to-think")
    _, ts = await session.open_question()
    await session.slack.reply(PRESENTER, ts, "An outline of the situation.")
    await session.drain()
    assert (await session.state()).questions["overview"].status is QuestionStatus.OPEN

    clock.advance(timedelta(minutes=2))
    session.fake.clear()
    await session.press(FACILITATOR, "q:overview", ActionId.NEXT)
    (asked,) = session.fake.called("chat.postEphemeral")
    assert asked.args["user"] == FACILITATOR
    words = " ".join(asked.texts())
    assert "has run 2 of 5–10 minutes: its minimum is 5 minutes" in words
    assert await stage_id(session) == "offload"
    assert not session.fake.called("chat.postMessage"), "nothing posted in the channel"

    confirm = session.button(asked, ActionId.MOVE_ON_EARLY)
    response = await session.slack.press(FACILITATOR, confirm)  # from the ephemeral message
    assert response.status == 200
    await session.drain()
    assert await stage_id(session) == "checking_facts"
    next_step = session.fake.called("chat.postMessage")[-1]
    assert "Checking of facts: 0 of 3–6 minutes · session 2 of 30–35 minutes" in " ".join(
        next_step.texts()
    )

    replayed = await session.slack.press(FACILITATOR, confirm)
    assert replayed.status == 200
    await session.drain()
    assert await stage_id(session) == "checking_facts", "a second press changes nothing"


async def test_the_step_message_is_updated_with_its_minutes(
    session: SlackSession, clock: ManualClock
) -> None:
    await session.begin("space-to-think")
    ts = await session.ts_of("q:overview")
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        await session.runtime.service.tick_due()
    await session.drain()
    shown = " ".join(session.latest(ts).texts())
    assert "Case Presenter offloads: 3 of 5–10 minutes · session 3 of 30–35 minutes" in shown
