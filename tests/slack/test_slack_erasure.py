"""Erasure takes back the bot's own posts of the session from the channel, says what it could
not take back, and leaves no copy of what people wrote in the database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_driver import SlackSession
from slack_requests import CHANNEL

from bot.erasure import THEIR_REPLIES, erase_session

WORDS = "the periwinkle plan drifted in the spring"


async def _published(session: SlackSession) -> list[str]:
    await session.begin("kolb")
    await session.answer_everything(words=WORDS)
    await session.review_and_approve()
    async with session.runtime.store.transaction() as uow:
        return [p.message_id for p in await uow.messages.of_session(session.session_id)]


async def test_erasing_takes_the_bots_posts_back_from_the_channel(session: SlackSession) -> None:
    posts = await _published(session)
    assert posts and set(posts) <= {m.ts for m in session.fake.messages}

    erasure = await erase_session(session.runtime, session.session_id, "an administrator")

    assert erasure is not None and erasure.retracted == len(posts)
    assert {c.args["ts"] for c in session.fake.called("chat.delete")} >= set(posts)
    assert not set(posts) & {m.ts for m in session.fake.messages}
    assert session.fake.in_channel(CHANNEL) == [], "the session's channel is as it was"
    assert erasure.left == [THEIR_REPLIES]
    async with session.runtime.store.transaction() as uow:
        actions = [e.action for e in await uow.audit.entries(session.session_id)]
    assert "erased" in actions and actions[-1].startswith("erased: ")


async def test_a_post_slack_will_not_delete_is_reported(session: SlackSession) -> None:
    posts = await _published(session)
    session.fake.fail("chat.delete", 200, "cant_delete_message")
    erasure = await erase_session(session.runtime, session.session_id, "an administrator")
    assert erasure is not None and erasure.retracted == len(posts) - 1
    assert any("cant_delete_message" in line for line in erasure.left)


async def test_no_copy_of_an_answer_is_left_in_the_sqlite_file(
    session: SlackSession, tmp_path: Path
) -> None:
    store = session.runtime.store
    if not store.is_sqlite:
        pytest.skip("the file-level check is SQLite's")
    await _published(session)
    assert await erase_session(session.runtime, session.session_id, "an administrator")
    files = [path for path in tmp_path.rglob("*.sqlite3*") if path.is_file()]
    assert files, "the database file was not found"
    assert all(WORDS.encode() not in path.read_bytes() for path in files)
