"""Slack: the facilitator sends the preparation pack from the session's root message; each
participant gets it in a direct message, with every question of the model."""

from __future__ import annotations

from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, PARTICIPANTS, PRESENTER

from dialogs.content import ActionId


async def test_the_preparation_pack_arrives_in_each_participants_direct_messages(
    session: SlackSession,
) -> None:
    await session.start("moray-rcd", list(PARTICIPANTS), PRESENTER)
    session.fake.clear()
    await session.press(FACILITATOR, "root", ActionId.SEND_PREPARATION)
    opened = {c.args["users"] for c in session.fake.called("conversations.open")}
    assert opened == set(PARTICIPANTS)
    model = (await session.state()).model
    for user in PARTICIPANTS:
        parts = [
            c for c in session.fake.called("chat.postMessage") if c.args["channel"] == f"D{user}"
        ]
        text = "\n".join(line for part in parts for line in part.texts())
        assert "Preparing for the reflective case discussion" in text
        for question in (q for stage in model.stages for q in stage.questions):
            assert question.text.replace("&", "&amp;") in text, question.id
        assert "Genogram" in text and "Ecomap" in text
    (told,) = session.fake.called("chat.postEphemeral")
    assert told.args["user"] == FACILITATOR and told.args["channel"] == CHANNEL
    assert not [c for c in session.fake.called("chat.postMessage") if c.args["channel"] == CHANNEL]


async def test_a_participant_pressing_it_is_told_and_nothing_is_sent(
    session: SlackSession,
) -> None:
    await session.start("kolb", list(PARTICIPANTS), PRESENTER)
    session.fake.clear()
    await session.press("UPOL", "root", ActionId.SEND_PREPARATION)
    assert session.fake.called("conversations.open") == []
    (told,) = session.fake.called("chat.postEphemeral")
    assert told.args["user"] == "UPOL"
    assert "Only the facilitator" in " ".join(told.texts())
