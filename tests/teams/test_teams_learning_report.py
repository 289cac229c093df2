"""`@reflectbot learning` in Teams: in a learning channel, a card there with a signed link to
the learning report as a PDF; anywhere else, a private explanation and no link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from teams_activities import CHANNEL, FACILITATOR, POLICE
from teams_driver import TeamsChannel
from yarl import URL

from bot.clock import ManualClock
from bot.config import Settings
from dialogs.state import Phase


@pytest.fixture
def settings() -> Settings:
    """The team's channel is the Case Review Committee's learning channel."""
    return Settings(
        learning_channels=f"Case Review Committee={CHANNEL}",
        microsoft_app_id=None,
        teams_anonymous=True,
    )


async def _published(teams: TeamsChannel) -> None:
    session_id = await teams.start("portsmouth-rpm")
    await teams.begin(session_id)
    await teams.send(teams.acts.command(FACILITATOR, "end"))
    await teams.approve_record(session_id)
    assert (await teams.state(session_id)).phase is Phase.PUBLISHED


def _report_link(teams: TeamsChannel) -> str:
    # The answer to the command, in its thread in the channel.
    cards = [
        m.card
        for m in teams.connector.messages.values()
        if m.conversation == CHANNEL and m.card and not m.deleted
    ]
    (card,) = [c for c in cards if any("learning report" in str(b).lower() for b in c["body"])]
    (button,) = card["actions"]
    assert button["title"] == "Download the report (PDF)"
    return URL(button["url"]).path


async def test_the_report_is_linked_in_the_learning_channel_and_the_link_expires(
    teams: TeamsChannel, clock: ManualClock
) -> None:
    await _published(teams)
    await teams.send(teams.acts.command(POLICE, "learning"))
    link = _report_link(teams)
    pdf = await teams.web.get(link)
    body = await pdf.read()
    assert pdf.status == 200 and body.startswith(b"%PDF")
    assert "learning-report" in pdf.headers["Content-Disposition"]
    assert b"RCD-0417" not in body
    async with teams.runtime.store.transaction() as uow:
        audit = [e.action for e in await uow.audit.entries()]
    assert "learning report (pdf)" in audit
    clock.advance(timedelta(hours=24, seconds=1))
    expired = await teams.web.get(link)
    assert expired.status == 403 and "expired" in await expired.text()
    assert (await teams.web.get("/learning-reports/not-a-token")).status == 403


async def test_elsewhere_or_with_a_bad_period_the_person_is_told_privately(
    teams: TeamsChannel,
) -> None:
    await teams.send(teams.acts.command(POLICE, "learning last month"))
    assert "two dates" in teams.connector.chat(POLICE.teams_id)[-1].text()
    teams.runtime.settings = teams.runtime.settings.model_copy(update={"learning_channels": None})
    posts_before = len(teams.connector.channel_posts(CHANNEL))
    await teams.send(teams.acts.command(POLICE, "learning"))
    assert "only in a learning channel" in teams.connector.chat(POLICE.teams_id)[-1].text()
    assert len(teams.connector.channel_posts(CHANNEL)) == posts_before
