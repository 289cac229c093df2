"""The engine's rule for replies, on Slack: a reply while the discussion is paused is not
recorded, and its author is told privately; after Resume replies count again."""

from __future__ import annotations

from slack_driver import SlackSession
from slack_requests import FACILITATOR, PRESENTER

from dialogs.content import ActionId


def private_texts(session: SlackSession, user: str) -> str:
    private = [c for c in session.fake.called("chat.postEphemeral") if c.args["user"] == user]
    return "\n".join(text for call in private for text in call.texts())


async def test_a_reply_while_paused_is_not_recorded_and_its_author_is_told(
    session: SlackSession,
) -> None:
    await session.begin()
    question_id, ts = await session.open_question()
    await session.press(FACILITATOR, f"q:{question_id}", ActionId.PAUSE)
    assert (await session.state()).paused_at
    await session.slack.reply(PRESENTER, ts, "Said during the pause.")
    await session.drain()
    assert await session.answers(question_id) == []
    assert "The discussion is paused, so this reply was not recorded." in private_texts(
        session, PRESENTER
    )
    await session.press(FACILITATOR, f"q:{question_id}", ActionId.RESUME)
    await session.slack.reply(PRESENTER, ts, "Said after the pause.")
    await session.drain()
    assert await session.answers(question_id) == [(PRESENTER, "Said after the pause.")]
