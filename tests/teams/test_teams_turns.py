"""Teams activities beyond the handling bound wait their turn at the door, in the order they
came, as Slack's requests do: a burst holds its bodies, not a database session each."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer
from held_at_the_door import Held
from teams_activities import FACILITATOR, PARTICIPANTS
from teams_driver import TeamsChannel

from adapters.teams import routes
from bot.server import build_web_app


async def test_activities_beyond_the_bound_wait_their_turn_and_none_is_lost(
    teams: TeamsChannel, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = await teams.start("kolb")
    root = await teams.post_of(session_id, "root")
    for person in PARTICIPANTS:
        await teams.press(person, root, "agree")
    await teams.press(FACILITATOR, root, "begin")
    question_id = (await teams.state(session_id)).open_questions[0].id
    post = await teams.post_of(session_id, f"q:{question_id}")

    monkeypatch.setattr(routes, "HANDLED_AT_ONCE", 2)
    bounded = TestClient(
        TestServer(build_web_app(teams.runtime, background=False), host="127.0.0.1")
    )
    await bounded.start_server()
    turns = bounded.server.app[routes.TURNS]  # type: ignore[union-attr]
    service = teams.runtime.service
    held = Held(service.reply_in_thread)
    monkeypatch.setattr(service, "reply_in_thread", held)
    replies = [
        teams.acts.reply(person, post.id, f"{person.name}, {n}.")
        for n in (1, 2)
        for person in PARTICIPANTS
    ]
    try:
        sent = [asyncio.create_task(bounded.post("/api/messages", json=reply)) for reply in replies]
        await held.until(2, lambda: turns.waiting, at_the_door=len(replies) - 2)
        held.let_go()
        responses = await asyncio.gather(*sent)
    finally:
        await bounded.close()
    assert [response.status for response in responses] == [202] * len(replies)
    assert held.most == 2
    answers = (await teams.state(session_id)).questions[question_id].answers
    assert sorted(a.text for a in answers) == sorted(reply["text"] for reply in replies)
