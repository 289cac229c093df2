"""A whole Moray session in Slack: its learning themes reach the CPC Lead Officer's channel, and
with no learning channel the facilitator is told privately and the session keeps them."""

from __future__ import annotations

import pytest
from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, LEARNING_CHANNEL, PARTICIPANTS

CPC_LEAD_CHANNEL = "C0CPCLEAD"
# What the facilitator writes as Moray's multi-agency learning themes, after the last stage.
THEMES = "Information reached the core group late & in pieces."


async def run_moray(session: SlackSession) -> None:
    await session.begin("moray-rcd")
    await session.answer_everything(fields={"learning_themes": THEMES})
    await session.review_and_approve()


@pytest.mark.parametrize("learning_channels", [f"CPC Lead Officer={CPC_LEAD_CHANNEL}"])
async def test_moray_learning_themes_arrive_in_the_cpc_lead_officers_channel(
    session: SlackSession,
) -> None:
    await run_moray(session)
    learning = [
        c for c in session.fake.called("chat.postMessage") if c.args["channel"] == CPC_LEAD_CHANNEL
    ]
    assert len(learning) == 1
    text = "\n".join(learning[0].texts())
    assert "Learning themes for the CPC Lead Officer" in text
    assert THEMES.replace("&", "&amp;") in text
    assert "RCD-0417" not in text, "no case reference goes to the learning lead"
    channels = {c.args["channel"] for c in session.fake.called("chat.postMessage")}
    assert LEARNING_CHANNEL not in channels, "the audience's own channel, not the default"
    state = await session.state()
    assert state.learning is not None and state.learning.channel == CPC_LEAD_CHANNEL


@pytest.mark.parametrize("learning_channel", [None])
async def test_with_no_learning_channel_the_facilitator_is_told_and_the_themes_are_kept(
    session: SlackSession,
) -> None:
    await run_moray(session)
    posts = session.fake.called("chat.postMessage")
    participants_dms = {f"D{user}" for user in PARTICIPANTS}
    assert {c.args["channel"] for c in posts} == {CHANNEL, f"D{FACILITATOR}", *participants_dms}
    (told,) = [c for c in posts if c.args["channel"] == f"D{FACILITATOR}"]
    text = "\n".join(told.texts())
    assert "not sent" in text and "CPC Lead Officer" in text
    assert THEMES.replace("&", "&amp;") in text
    state = await session.state()
    assert state.learning_undelivered
    async with session.runtime.store.transaction() as uow:
        audit = [entry.action for entry in await uow.audit.entries(session.session_id)]
    assert "learning themes not delivered: no channel configured" in audit


@pytest.mark.parametrize("learning_channels", [f"CPC Lead Officer={CPC_LEAD_CHANNEL}"])
async def test_a_learning_channel_that_refuses_the_themes_is_not_a_silent_drop(
    session: SlackSession,
) -> None:
    session.fake.channels_without_bot.add(CPC_LEAD_CHANNEL)
    await run_moray(session)
    dms = [c for c in session.fake.called("chat.postMessage") if c.args["channel"] == "DUFAC"]
    (told,) = dms
    text = "\n".join(told.texts())
    assert "refused the learning themes" in text and "not_in_channel" in text
    assert "member of that channel" in text
    state = await session.state()
    assert state.learning is not None and state.learning.channel == CPC_LEAD_CHANNEL
    assert state.learning_undelivered
    async with session.runtime.store.transaction() as uow:
        audit = [entry.action for entry in await uow.audit.entries(session.session_id)]
    assert "learning themes not delivered: the learning channel refused them" in audit
