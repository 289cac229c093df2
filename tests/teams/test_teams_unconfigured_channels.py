"""Without a learning channel, learning themes are not posted anywhere and the facilitator is
told (a whole Moray session); without REFLECTBOT_SCREENING_CHANNEL, requests are not taken."""

from __future__ import annotations

import logging

import pytest
from teams_activities import CHANNEL, FACILITATOR, POLICE
from teams_driver import TeamsChannel

from bot.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(
        learning_channel=None, screening_channel=None, microsoft_app_id=None, teams_anonymous=True
    )


async def test_learning_themes_are_not_posted_and_the_facilitator_is_told(
    teams: TeamsChannel,
) -> None:
    session_id = await teams.run(teams.runtime.catalogue.models["moray-rcd"])
    channels = {message.conversation for message in teams.connector.messages.values()}
    assert {c for c in channels if c.startswith("19:")} == {CHANNEL}
    async with teams.runtime.store.transaction() as uow:
        assert await uow.messages.parts(session_id, "learning") == []
    told = [m for m in teams.connector.chat(FACILITATOR.teams_id) if "not sent" in m.text()]
    assert len(told) == 1
    assert "CPC Lead Officer" in told[0].text() and "The group agreed the plan" in told[0].text()
    assert (await teams.state(session_id)).learning_undelivered


async def test_a_request_is_refused_before_it_is_written(
    teams: TeamsChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.teams")
    command = teams.acts.command(POLICE, "request")
    await teams.send(command)
    assert teams.connector.replies(CHANNEL, command["id"]) == [], "no request dialog offered"
    (told,) = teams.connector.chat(POLICE.teams_id)
    assert "no screening channel" in told.text()
    assert "no screening channel is configured" in caplog.text


async def test_a_request_sent_all_the_same_is_dropped_with_a_log_line(
    teams: TeamsChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.teams.deliverer")
    data = {
        "action": "form",
        "form": "request",
        "value": "",
        "session": "",
        "field:case_reference": "CR-7",
        "field:agencies": "School",
        "field:why_stuck": "Stuck.",
    }
    await teams.send(teams.acts.invoke(POLICE, "task/submit", "1", data))
    channels = {message.conversation for message in teams.connector.messages.values()}
    assert {c for c in channels if c.startswith("19:")} == set()
    assert "no screening channel configured; request not posted" in caplog.text
