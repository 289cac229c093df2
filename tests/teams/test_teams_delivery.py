"""Delivering through the Bot Connector: rate limits, failures, and long messages in parts."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from teams_activities import CHANNEL, FACILITATOR, PARTICIPANTS, POLICE
from teams_driver import TeamsChannel

from adapters.teams.cards import MAX_CARD_BYTES
from adapters.teams.deliverer import TeamsDeliverer
from bot.clock import ManualClock

TEAMS_MESSAGE_LIMIT = 28 * 1024


async def _agreed(teams: TeamsChannel, model_id: str = "kolb") -> str:
    session_id = await teams.start(model_id)
    root = await teams.post_of(session_id, "root")
    for person in PARTICIPANTS:
        await teams.press(person, root, "agree")
    return session_id


async def _outbox(teams: TeamsChannel, session_id: str) -> list[tuple[str, str]]:
    async with teams.runtime.store.transaction() as uow:
        return await uow.outbox.statuses(session_id)


async def test_a_429_is_retried_after_the_time_teams_asks_for(teams: TeamsChannel) -> None:
    clock = teams.runtime.clock
    assert isinstance(clock, ManualClock)
    session_id = await _agreed(teams)
    posts = len(teams.connector.channel_posts(CHANNEL))
    teams.connector.fail_next(429, retry_after="30")

    await teams.press(FACILITATOR, await teams.post_of(session_id, "root"), "begin")
    assert len(teams.connector.channel_posts(CHANNEL)) == posts
    clock.advance(timedelta(seconds=29))
    await teams.runtime.dispatcher.drain()
    assert len(teams.connector.channel_posts(CHANNEL)) == posts

    clock.advance(timedelta(seconds=2))
    await teams.runtime.dispatcher.drain()
    assert len(teams.connector.channel_posts(CHANNEL)) == posts + 1
    assert ("post", "delivered") in await _outbox(teams, session_id)


async def test_a_server_error_is_retried(teams: TeamsChannel) -> None:
    clock = teams.runtime.clock
    assert isinstance(clock, ManualClock)
    session_id = await _agreed(teams)
    teams.connector.fail_next(503, times=2)
    await teams.press(FACILITATOR, await teams.post_of(session_id, "root"), "begin")
    for _ in range(2):
        clock.advance(timedelta(minutes=1))
        await teams.runtime.dispatcher.drain()
    state = await teams.state(session_id)
    assert await teams.post_of(session_id, f"q:{state.open_questions[0].id}")
    assert all(status == "delivered" for _, status in await _outbox(teams, session_id))


async def test_a_hung_call_is_abandoned_and_retried(teams: TeamsChannel) -> None:
    clock = teams.runtime.clock
    assert isinstance(clock, ManualClock)
    session_id = await _agreed(teams)
    deliverer = teams.runtime.deliverers["teams"]
    assert isinstance(deliverer, TeamsDeliverer)
    patience = deliverer.timeout_seconds
    deliverer.timeout_seconds = 0.01
    release = teams.connector.hold_next()

    await teams.press(FACILITATOR, await teams.post_of(session_id, "root"), "begin")
    # Only the held call is meant to run out of time; on a busy machine the short timeout
    # would abandon ordinary calls too.
    deliverer.timeout_seconds = patience
    release.set()
    assert ("update", "pending") in await _outbox(teams, session_id)

    clock.advance(timedelta(seconds=10))
    await teams.runtime.dispatcher.drain()
    assert all(status == "delivered" for _, status in await _outbox(teams, session_id))


async def test_a_refusal_is_not_retried(teams: TeamsChannel) -> None:
    session_id = await _agreed(teams)
    teams.connector.fail_next(403)
    await teams.press(FACILITATOR, await teams.post_of(session_id, "root"), "begin")
    assert ("update", "failed") in await _outbox(teams, session_id)


async def test_long_key_points_are_split_and_shrink_back(teams: TeamsChannel) -> None:
    session_id = await _agreed(teams, "moray-rcd")
    await teams.press(FACILITATOR, await teams.post_of(session_id, "root"), "begin")
    state = await teams.state(session_id)
    while not state.awaiting_key_points:
        state = await teams.advance(session_id)
    stage_id = state.awaiting_key_points
    post = await teams.post_of(session_id, f"kp:{stage_id}")
    dialog = await teams.open_dialog(FACILITATOR, post, "key_points")
    long_points = "\n".join(f"Point {n}: " + "detail " * 40 for n in range(60))
    await teams.submit_dialog(FACILITATOR, post.root, dialog, {"field:text": long_points})

    parts = [post, *teams.connector.replies(CHANNEL, post.id)]
    assert len(parts) >= 2
    for part in parts:
        assert len(json.dumps(part.activity).encode()) < TEAMS_MESSAGE_LIMIT
        assert len(json.dumps(part.card).encode()) <= MAX_CARD_BYTES
    shown = "\n".join(line for part in parts for line in part.texts())
    assert all(f"Point {n}:" in shown for n in range(60))

    data = post.button("key_points") if post.buttons() else None
    assert data is None, "written key points need no button"
    edit = {"action": "key_points", "value": stage_id, "session": session_id}
    dialog = await teams.send(teams.acts.invoke(FACILITATOR, "task/fetch", post.id, edit))
    await teams.submit_dialog(FACILITATOR, post.id, dialog, {"field:text": "Short now."})
    assert teams.connector.replies(CHANNEL, post.id) == []
    assert "Short now." in teams.connector.messages[post.id].text()


async def test_a_long_record_is_published_in_several_posts(teams: TeamsChannel) -> None:
    session_id = await _agreed(teams)
    await teams.press(FACILITATOR, await teams.post_of(session_id, "root"), "begin")
    await teams.send(teams.acts.command(FACILITATOR, "end"))
    ready = await teams.post_of(session_id, "record_draft")
    dialog = await teams.open_dialog(FACILITATOR, ready, "edit_record")
    sections = {
        "field:issues_for_escalation": "Escalation " + "concern " * 2400 + "END-ONE",
        "field:escalated_to": "Escalated " + "manager " * 2400 + "END-TWO",
    }
    await teams.submit_dialog(FACILITATOR, ready.root, dialog, sections)
    preview = teams.connector.chat(FACILITATOR.teams_id)
    assert len(preview) >= 2 and preview[-1].buttons()
    assert not any(part.buttons() for part in preview[:-1]), "buttons come after the text"
    await teams.send(
        teams.acts.personal_submit(FACILITATOR, preview[-1].id, preview[-1].button("approve"))
    )

    # Kolb's record goes to each person privately: a participant's copy, in several messages.
    parts = await teams.record_copy(session_id)
    assert len(parts) >= 2
    assert all(len(json.dumps(p.activity).encode()) < TEAMS_MESSAGE_LIMIT for p in parts)
    shown = "\n".join(line for part in parts for line in part.texts())
    assert "END-ONE" in shown and "END-TWO" in shown


async def test_a_reply_that_comes_before_its_question_is_recorded_is_not_lost(
    teams: TeamsChannel,
) -> None:
    """Teams has created the question's post and someone replies to it before the bot has
    written the post's id down: the reply is kept and becomes their answer."""
    session_id = await _agreed(teams)
    root = await teams.post_of(session_id, "root")
    release = teams.connector.hold_next("/v3/conversations")
    pressing = asyncio.create_task(teams.press(FACILITATOR, root, "begin"))
    await teams.connector.holding.wait()
    question_id = (await teams.state(session_id)).open_questions[0].id
    # The post the held call is creating gets the connector's next id.
    post_id = str(max(int(m) for m in teams.connector.messages) + 1)
    early = teams.acts.reply(POLICE, post_id, "Answered the moment it appeared.")
    response = await teams.web.post("/api/messages", json=early)
    assert response.status < 300
    release.set()
    await pressing
    await teams.runtime.dispatcher.drain()

    assert (await teams.post_of(session_id, f"q:{question_id}")).id == post_id
    state = await teams.state(session_id)
    assert [(a.author, a.text) for a in state.live_answers(question_id)] == [
        (POLICE.aad_id, "Answered the moment it appeared.")
    ]
