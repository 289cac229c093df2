"""A reply that comes before the bot has recorded its question's post is kept, and becomes the
answer it is once the post is recorded: nobody's answer is lost."""

from __future__ import annotations

from datetime import timedelta

from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, PRESENTER
from sqlalchemy import text

from bot.clock import ManualClock
from dialogs.content import ActionId

POLICE = "UPOL"


async def _next_question_posted_but_unrecorded(
    session: SlackSession, begun: bool = False
) -> tuple[str, str]:
    """Next is pressed; Slack posts the following question but answers the call with a 500,
    so the bot does not know the post's ts. Returns the question id and the real ts."""
    if not begun:
        await session.begin("kolb")
    before = {m.ts for m in session.fake.in_channel(CHANNEL)}
    session.fake.fail_after_doing("chat.postMessage", 500, "internal_error")
    await session.press(
        FACILITATOR, f"q:{(await session.state()).open_questions[0].id}", ActionId.NEXT
    )
    state = await session.state()
    question_id = state.open_questions[0].id
    (posted,) = [
        m for m in session.fake.in_channel(CHANNEL) if m.ts not in before and not m.thread_ts
    ]
    async with session.runtime.store.transaction() as uow:
        assert await uow.messages.parts(session.session_id, f"q:{question_id}") == []
    return question_id, posted.ts


async def test_a_reply_before_the_post_is_recorded_is_kept_and_applied(
    session: SlackSession, clock: ManualClock
) -> None:
    question_id, ts = await _next_question_posted_but_unrecorded(session)
    await session.slack.reply(PRESENTER, ts, "Said before the bot knew its own post.")
    assert await session.answers(question_id) == []

    clock.advance(timedelta(seconds=5))
    await session.drain()  # the retry finds the post and records it

    assert await session.ts_of(f"q:{question_id}") == ts
    assert await session.answers(question_id) == [
        (PRESENTER, "Said before the bot knew its own post.")
    ]
    async with session.runtime.store.transaction() as uow:
        assert await uow.pending.threads_recorded() == []


async def test_edits_and_deletions_kept_in_order_apply_in_order(
    session: SlackSession, clock: ManualClock
) -> None:
    question_id, ts = await _next_question_posted_but_unrecorded(session)
    first = await session.slack.reply(PRESENTER, ts, "First thought.")
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "message": {"user": PRESENTER, "text": "Second thought.", "ts": first, "thread_ts": ts},
        "previous_message": {
            "user": PRESENTER,
            "text": "First thought.",
            "ts": first,
            "thread_ts": ts,
        },
    }
    await session.slack.event(edit)
    gone = await session.slack.reply(POLICE, ts, "Posted by mistake.")
    deletion = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "deleted_ts": gone,
        "previous_message": {
            "user": POLICE,
            "text": "Posted by mistake.",
            "ts": gone,
            "thread_ts": ts,
        },
    }
    await session.slack.event(deletion)

    clock.advance(timedelta(seconds=5))
    await session.drain()
    assert await session.answers(question_id) == [(PRESENTER, "Second thought.")]


async def kept(session: SlackSession) -> int:
    async with session.runtime.store.transaction() as uow:
        return int(await uow.db.scalar(text("SELECT COUNT(*) FROM pending_replies")) or 0)


async def test_a_reply_in_a_thread_people_started_is_kept_only_while_a_question_is_on_its_way(
    session: SlackSession, clock: ManualClock
) -> None:
    await session.begin("kolb")
    await session.slack.reply(PRESENTER, "1699999999.000001", "A chat of our own.")
    assert await kept(session) == 0  # no question on its way: nothing is kept

    question_id, _ = await _next_question_posted_but_unrecorded(session, begun=True)
    await session.slack.reply(PRESENTER, "1699999999.000001", "Still our own chat.")
    assert await kept(session) == 1
    clock.advance(timedelta(seconds=5))
    await session.drain()
    await session.runtime.service.tick_due()
    assert await kept(session) == 0
    assert await session.answers(question_id) == []
