"""Replies in question threads: answers, edits, deletions, and what is not an answer."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer
from held_at_the_door import Held
from slack_driver import SlackSession
from slack_fake_api import BOT_ID, BOT_USER
from slack_requests import CHANNEL, OUTSIDER, PARTICIPANTS, PRESENTER

from adapters.slack import install
from bot.server import build_web_app
from dialogs.content import ActionId
from dialogs.engine import MAX_ANSWER_CHARS
from dialogs.state import Phase


async def test_a_reply_in_a_question_thread_is_an_answer_and_updates_its_progress(
    session: SlackSession,
) -> None:
    await session.begin()
    question_id, ts = await session.open_question()
    session.fake.clear()
    reply_ts = await session.slack.reply(PRESENTER, ts, "I expected more change by now.")
    await session.drain()
    assert await session.answers(question_id) == [(PRESENTER, "I expected more change by now.")]
    (update,) = session.fake.called("chat.update")
    assert update.args["ts"] == ts
    assert any("1 of 3 answered" in text for text in update.texts())
    assert reply_ts not in {c.args.get("ts") for c in session.fake.calls}


async def test_an_edited_reply_changes_the_answer_and_a_deleted_one_removes_it(
    session: SlackSession,
) -> None:
    await session.begin()
    question_id, ts = await session.open_question()
    reply_ts = await session.slack.reply(PRESENTER, ts, "First thoughts.")
    response = await session.slack.edit(
        PRESENTER, ts, reply_ts, "First thoughts.", "Second thoughts."
    )
    assert response.status == 200
    assert await session.answers(question_id) == [(PRESENTER, "Second thoughts.")]
    response = await session.slack.delete(PRESENTER, ts, reply_ts, "Second thoughts.")
    assert response.status == 200
    assert await session.answers(question_id) == []


async def test_a_redelivered_event_changes_nothing(session: SlackSession) -> None:
    await session.begin()
    question_id, ts = await session.open_question()
    event = {
        "type": "message",
        "user": PRESENTER,
        "text": "Once.",
        "ts": "1700000500.1",
        "thread_ts": ts,
    }
    first = await session.slack.event(event, event_id="Ev0RETRY")
    await session.drain()
    updates = len(session.fake.called("chat.update"))
    again = await session.slack.event({**event, "ts": "1700000500.2"}, event_id="Ev0RETRY", retry=1)
    await session.drain()
    assert (first.status, again.status) == (200, 200)
    assert await session.answers(question_id) == [(PRESENTER, "Once.")]
    assert len(session.fake.called("chat.update")) == updates


async def test_bot_messages_and_the_bots_own_messages_are_ignored(session: SlackSession) -> None:
    await session.begin()
    question_id, ts = await session.open_question()
    session.fake.clear()
    for event in (
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "BOTHER",
            "text": "beep",
            "ts": "1.1",
            "thread_ts": ts,
        },
        {
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "text": "mine",
            "ts": "1.2",
            "thread_ts": ts,
        },
        {
            "type": "message",
            "user": "UOTHERBOT",
            "bot_id": "BOTHER",
            "text": "app",
            "ts": "1.3",
            "thread_ts": ts,
        },
    ):
        assert (await session.slack.event(event)).status == 200
    await session.drain()
    assert await session.answers(question_id) == []
    assert session.fake.actions() == []


async def test_messages_outside_the_question_threads_are_ignored(session: SlackSession) -> None:
    await session.begin()
    question_id, _ = await session.open_question()
    root_ts = await session.ts_of("root")
    session.fake.clear()
    await session.slack.event(
        {"type": "message", "user": PRESENTER, "text": "hello all", "ts": "1.1"}
    )
    await session.slack.reply(PRESENTER, "1699999999.000001", "a thread of our own")
    await session.slack.reply(PRESENTER, root_ts, "a reply under the ground rules")
    await session.drain()
    assert await session.answers(question_id) == []
    assert session.fake.actions() == []


async def test_a_reply_from_someone_not_invited_gets_a_private_explanation_once(
    session: SlackSession,
) -> None:
    await session.begin()
    question_id, ts = await session.open_question()
    session.fake.clear()
    await session.slack.reply(OUTSIDER, ts, "Can I add something?")
    await session.slack.reply(OUTSIDER, ts, "Hello?")
    await session.drain()
    assert await session.answers(question_id) == []
    (told,) = session.fake.called("chat.postEphemeral")
    assert told.args["user"] == OUTSIDER
    assert told.args["channel"] == CHANNEL
    assert "Only the people invited" in " ".join(told.texts())


async def test_an_oversized_reply_is_refused_in_its_thread_and_nothing_is_lost(
    session: SlackSession,
) -> None:
    await session.begin()
    question_id, ts = await session.open_question()
    session.fake.clear()
    await session.slack.reply(PRESENTER, ts, "word " * (MAX_ANSWER_CHARS // 4))
    await session.drain()
    assert await session.answers(question_id) == []
    (told,) = session.fake.called("chat.postEphemeral")
    assert told.args["user"] == PRESENTER
    assert told.args["thread_ts"] == ts
    assert "split it" in " ".join(told.texts())


async def test_user_text_is_escaped_wherever_it_is_shown(session: SlackSession) -> None:
    await session.begin(case_reference="A&B <!here>")
    root = "\n".join(session.posted(await session.ts_of("root")).texts())
    assert "Case reference: A&amp;B &lt;!here&gt;" in root
    # How Slack sends a reply holding @channel, a mention, an ampersand and markup; the
    # facilitator types the same into the learning themes (a modal's text comes as typed).
    words = "<!channel> <@UHV> &amp; &lt;b&gt;bold&lt;/b&gt;"
    while (state := await session.state()).phase is Phase.RUNNING:
        if state.awaiting_key_points:
            themes = {"learning_themes": "<!channel> <@UHV> & <b>bold</b>"}
            await session.write_key_points(state.awaiting_key_points, fields=themes)
        else:
            await session.answer_round(words)
    await session.review_and_approve(
        edits={"escalated_to.0": "<!everyone> & <https://x.example|x>"}
    )
    record = await session.record_text()  # Kolb's is sent to each participant privately
    assert "&lt;!channel&gt; &lt;@UHV&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in record
    assert "&lt;!everyone&gt; &amp; &lt;https://x.example|x&gt;" in record
    for markup in ("<!channel>", "<!here>", "<!everyone>", "<@UHV>", "<b>", "<https"):
        assert markup not in record
    assert "<!here>" not in root


async def test_a_scale_answer_by_button_can_be_changed(session: SlackSession) -> None:
    await session.begin("morrison-4x4x4")
    state = await session.state()
    while not any(state.model.question(q.id).scale for q in state.open_questions):
        await session.answer_round()
        state = await session.state()
    question_id = state.open_questions[0].id
    await session.press(PRESENTER, f"q:{question_id}", ActionId.SCALE, ":1")
    await session.press(PRESENTER, f"q:{question_id}", ActionId.SCALE, ":4")
    assert await session.answers(question_id) == [(PRESENTER, "4")]


async def test_replies_arriving_together_at_a_restarted_server_ask_slack_who_the_bot_is_once(
    session: SlackSession,
) -> None:
    """Bolt asks auth.test on a server's first request; replies queued while it was down
    arrive together, and each of them asking would be a burst of calls at Slack's limit."""
    await session.begin()
    question_id, ts = await session.open_question()
    restarted = TestClient(
        TestServer(build_web_app(session.runtime, background=False), host="127.0.0.1")
    )
    await restarted.start_server()
    session.slack.client = restarted
    session.fake.clear()
    try:
        await asyncio.gather(
            *(session.slack.reply(person, ts, f"What {person} saw.") for person in PARTICIPANTS)
        )
    finally:
        await restarted.close()
    assert len(session.fake.called("auth.test")) == 1
    assert sorted(await session.answers(question_id)) == sorted(
        (person, f"What {person} saw.") for person in PARTICIPANTS
    )


async def test_replies_beyond_the_handling_bound_wait_their_turn_and_none_is_lost(
    session: SlackSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await session.begin()
    question_id, ts = await session.open_question()
    monkeypatch.setattr(install, "HANDLED_AT_ONCE", 2)
    bounded = TestClient(
        TestServer(build_web_app(session.runtime, background=False), host="127.0.0.1")
    )
    await bounded.start_server()
    session.slack.client = bounded
    turns = bounded.server.app[install.TURNS]  # type: ignore[union-attr]
    service = session.runtime.service
    held = Held(service.reply_in_thread)
    replies = [(person, f"{person}'s reply {n}.") for n in (1, 2) for person in PARTICIPANTS]
    try:
        await session.slack.reply(PRESENTER, ts, "The first reply, alone.")
        monkeypatch.setattr(service, "reply_in_thread", held)
        sent = [
            asyncio.create_task(session.slack.reply(person, ts, text)) for person, text in replies
        ]
        await held.until(2, lambda: turns.waiting, at_the_door=len(replies) - 2)
        held.let_go()
        await asyncio.gather(*sent)
    finally:
        await bounded.close()
    assert held.most == 2
    assert sorted(await session.answers(question_id)) == sorted(
        [(PRESENTER, "The first reply, alone."), *replies]
    )
